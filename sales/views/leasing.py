"""Lease pages: the list, letting a unit to a tenant, a lease with its rent schedule, ending a lease."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from sales.forms.money import LeaseEndForm, LeaseForm, PaymentForm, RefundForm
from sales.models import Lease
from sales.selectors import leasing as selectors
from sales.selectors import money as money_selectors
from sales.services import leasing as services

PAGE_SIZE = 50


def get_lease(request, pk) -> Lease:
    try:
        return selectors.lease_get(user=request.user, pk=pk)
    except Lease.DoesNotExist:
        raise Http404 from None


@permission_required("sales.view_lease", raise_exception=True)
def lease_list(request):
    state = request.GET.get("state", "")
    if state not in Lease.State.values:
        state = ""
    leases = selectors.lease_list(user=request.user, state=state, search=request.GET.get("q", "").strip()[:100])
    page = CappedPaginator(leases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "states": [("", _("All")), *Lease.State.choices],
        "q": request.GET.get("q", ""),
        "units": selectors.leasable_units()[:20] if request.user.has_perm("sales.add_lease") else [],
    }
    return render(request, "sales/lease_list.html", context)


@permission_required("sales.add_lease", raise_exception=True)
def lease_create(request):
    units = selectors.leasable_units()
    initial = {}
    unit_id = request.GET.get("unit", "")
    if unit_id.isascii() and unit_id.isdecimal():
        unit = units.filter(pk=unit_id).first()
        if unit is not None:
            initial = {"unit": unit, "monthly_rent": unit.monthly_rent}
    form = LeaseForm(request.POST or None, user=request.user, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lease = services.lease_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Lease created with its rent schedule."))
            return redirect(lease)
    return render(request, "sales/lease_form.html", {"form": form})


@permission_required("sales.view_lease", raise_exception=True)
def lease_detail(request, pk):
    lease = get_lease(request, pk)
    lines = money_selectors.schedule(lease=lease)
    context = {
        "lease": lease,
        "lines": lines,
        "totals": money_selectors.schedule_totals(lines),
        "payment_form": PaymentForm(),
        "refund_form": RefundForm(),
        "end_form": LeaseEndForm(),
        "can_pay": request.user.has_perm("sales.add_payment"),
        "can_refund": request.user.has_perm("sales.change_installment"),
        "can_edit": request.user.has_perm("sales.change_installment"),
        "can_end": request.user.has_perm("sales.change_lease") and lease.state == Lease.State.LIVE,
    }
    return render(request, "sales/lease_detail.html", context)


@require_POST
@permission_required("sales.change_lease", raise_exception=True)
def lease_end(request, pk):
    lease = get_lease(request, pk)
    form = LeaseEndForm(request.POST)
    if form.is_valid():
        try:
            services.lease_end(lease=lease, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Lease ended; the unit is available again."))
            return redirect(lease)
    messages.error(request, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    return redirect(lease)
