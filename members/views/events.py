"""Club events (list, create, the event page with the door's check-in box) and benefit redemptions."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from members import selectors, services
from members.forms import CancelForm, EventForm, NumberForm, RedeemForm
from members.models import ClubEvent, Redemption
from members.views.members import _member

PAGE_SIZE = 25


@permission_required("members.view_clubevent", raise_exception=True)
def event_list(request):
    past = request.GET.get("past") == "1"
    page = CappedPaginator(selectors.event_list(upcoming=not past), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/event_list.html", {"page": page, "past": past})


@permission_required("members.add_clubevent", raise_exception=True)
def event_create(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(event.get_absolute_url())
    return render(request, "members/event_form.html", {"form": form})


@permission_required("members.change_clubevent", raise_exception=True)
def event_edit(request, pk):
    event = get_object_or_404(ClubEvent, pk=pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Event saved."))
            return redirect(event.get_absolute_url())
    return render(request, "members/event_form.html", {"form": form, "event": event})


@permission_required("members.view_clubevent", raise_exception=True)
def event_detail(request, pk):
    event = get_object_or_404(selectors.event_list(upcoming=False), pk=pk)
    context = {
        "event": event,
        "registrations": selectors.event_registrations(event),
        "form": NumberForm(),
        "can_check_in": request.user.has_perm("members.change_clubevent"),
        "can_register": request.user.has_perm("members.add_eventregistration"),
    }
    return render(request, "members/event_detail.html", context)


def _customer_from_box(request):
    form = NumberForm(request.POST)
    if not form.is_valid():
        return None
    customer = selectors.customer_by_number(user=request.user, query=form.cleaned_data["q"])
    if customer is None:
        messages.error(request, _("No customer you may see has the number “%(q)s”.") % {"q": form.cleaned_data["q"]})
    return customer


@permission_required("members.add_eventregistration", raise_exception=True)
@require_POST
def event_register(request, pk):
    event = get_object_or_404(ClubEvent, pk=pk)
    customer = _customer_from_box(request)
    if customer is not None:
        try:
            registration = services.event_register(event=event, customer=customer, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.") % {"name": customer.name, "status": registration.get_status_display()},
            )
    return redirect(event.get_absolute_url())


@permission_required("members.change_clubevent", raise_exception=True)
@require_POST
def event_check_in(request, pk):
    """The door: a card or phone number checks the guest in (attendance points for a member)."""
    event = get_object_or_404(ClubEvent, pk=pk)
    customer = _customer_from_box(request)
    if customer is not None:
        try:
            services.event_check_in(event=event, customer=customer, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s checked in.") % {"name": customer.name})
    return redirect(event.get_absolute_url())


@permission_required("members.add_redemption", raise_exception=True)
@require_POST
def redeem(request, pk):
    member = _member(request, pk)
    form = RedeemForm(request.POST, benefits=selectors.benefits_for(member))
    if form.is_valid():
        try:
            services.redemption_create(member=member, benefit=form.cleaned_data["benefit"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Redeemed: %(benefit)s.") % {"benefit": form.cleaned_data["benefit"].label})
    else:
        messages.error(request, _("Choose a benefit this member may redeem."))
    return redirect(member.get_absolute_url())


@permission_required("members.view_redemption", raise_exception=True)
def redemption_list(request):
    status = request.GET.get("status", Redemption.Status.REQUESTED)
    if status not in Redemption.Status.values:
        status = ""
    page = CappedPaginator(selectors.redemption_list(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "status": status, "statuses": Redemption.Status.choices}
    return render(request, "members/redemption_list.html", context)


def _redemption(request, pk) -> Redemption:
    return get_object_or_404(selectors.redemption_list(user=request.user).select_related("member__tier", "by"), pk=pk)


@permission_required("members.change_redemption", raise_exception=True)
@require_POST
def redemption_fulfil(request, pk):
    """Move the fulfilment on: being arranged, or fulfilled (the button says which)."""
    redemption = _redemption(request, pk)
    status = request.POST.get("status") or Redemption.Status.FULFILLED
    try:
        services.redemption_set_status(redemption=redemption, status=status, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Redemption updated."))
    return redirect("members:redemption-list")


@permission_required("members.change_redemption", raise_exception=True)
def redemption_cancel(request, pk):
    """Cancel an open redemption with a reason: the points come back by a reverse entry, the stock with them."""
    redemption = _redemption(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.redemption_cancel(redemption=redemption, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Redemption cancelled: the points and the stock are back."))
            return redirect("members:redemption-list")
    return render(request, "members/redemption_cancel.html", {"redemption": redemption, "form": form})
