from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm_site import customfields, masking
from crm_site.models import AccessLog, AuditEntry
from crm_site.scope import scope_q
from customers import selectors, services
from customers.forms import CustomerFilterForm, CustomerForm
from customers.models import Customer

PAGE_SIZE = 25


def _get_visible(request, pk) -> Customer:
    try:
        return selectors.customer_get(user=request.user, pk=pk)
    except Customer.DoesNotExist:
        raise Http404 from None


@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request):
    form = CustomerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    customers = selectors.customer_list(
        user=request.user,
        search=filters.get("q", ""),
        owner=filters.get("owner"),
        level=filters.get("level", ""),
        status=filters.get("status", ""),
        source=filters.get("source", ""),
        custom=form.custom_values() if form.is_valid() else {},
        sort=filters.get("sort") or "-created",
    )
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    masking.reveal(
        request.user, page.object_list, selectors.SENSITIVE_FIELDS, purpose=AccessLog.Purpose.LIST, request=request
    )
    template = "customers/customer_list.html#customer-rows" if request.htmx else "customers/customer_list.html"
    return render(request, template, {"form": form, "page": page})


@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request, pk):
    customer = _get_visible(request, pk)
    masking.reveal(request.user, [customer], selectors.SENSITIVE_FIELDS, request=request)
    history = list(
        AuditEntry.objects.filter(model="customers.customer", object_id=str(customer.pk)).select_related("actor")[:50]
    )
    if not customer.sensitive_visible:
        masking.mask_changes(history, selectors.SENSITIVE_FIELDS)
    context = {
        "customer": customer,
        "custom_rows": customfields.display_rows(selectors.ENTITY, customer.custom),
        "history": history,
        "can_edit": request.user.has_perm("customers.change_customer"),
    }
    return render(request, "customers/customer_detail.html", context)


@permission_required("customers.add_customer", raise_exception=True)
def customer_create(request):
    form = CustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(by=request.user, custom=form.custom_values(), **form.service_fields())
        except services.DuplicateCustomer as duplicate:
            existing = duplicate.existing
            if Customer.objects.filter(scope_q(request.user), pk=existing.pk).exists():
                messages.info(request, _("This customer is already on file: here is their record."))
                return redirect(existing)
            form.add_error(
                None,
                _(
                    "This customer is already registered by a colleague. Ask your manager if you believe they are yours."
                ),
            )
        else:
            messages.success(request, _("Customer “%(name)s” created.") % {"name": customer.name})
            return redirect(customer)
    return render(request, "customers/customer_form.html", {"form": form})


@permission_required("customers.change_customer", raise_exception=True)
def customer_edit(request, pk):
    customer = _get_visible(request, pk)
    customer.sensitive_visible = masking.may_see(request.user, customer)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                customer=customer, by=request.user, custom=form.custom_values(), **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Customer “%(name)s” saved.") % {"name": customer.name})
            return redirect(customer)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})
