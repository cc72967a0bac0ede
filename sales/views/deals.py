"""Deal pages: reserve a unit, the deal page and its steps, the deal list and the discount approval queue."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site import customfields
from crm_site.pagination import CappedPaginator, keyed_page
from customers.models import Customer
from sales import discounts
from sales import sections as deal_sections
from sales.forms.funnel import (
    ApproveForm,
    CancelForm,
    ContractForm,
    DealFilterForm,
    DeliverForm,
    ReserveForm,
    SubscribeForm,
)
from sales.models import Deal, Opportunity, Unit
from sales.selectors import deals as selectors
from sales.selectors import inventory as inventory_selectors
from sales.services import deals as services

PAGE_SIZE = 25


def get_visible(request, pk) -> Deal:
    try:
        return selectors.deal_get(user=request.user, pk=pk)
    except Deal.DoesNotExist:
        raise Http404 from None


def _int_param(request, name):
    raw = request.GET.get(name, "")
    return int(raw) if raw.isascii() and raw.isdecimal() else None


def _apply_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _reservable_opportunity(request, pk) -> Opportunity | None:
    if pk is None:
        return None
    return (
        Opportunity.objects.visible_to(request.user).open().select_related("customer", "project").filter(pk=pk).first()
    )


def _unit_choices(request, opportunity, params) -> dict:
    """The unit picker's context: the opportunity's reservable units, searched and matched to the intent."""
    query = params.get("unit_q", "").replace("\x00", "")[:50]  # a POSTed search: NulFreeQueryMiddleware cleans GET only
    match = params.getlist("match")[-1:] != ["0"]  # on unless switched off (a hidden 0 precedes the checkbox)
    picker = None
    if opportunity is not None:
        picker = inventory_selectors.reservable_units(
            user=request.user, opportunity=opportunity, query=query, match_intent=match
        )
    return {"picker": picker, "unit_q": query, "match": match, "selected": params.get("unit", "")}


@permission_required("sales.add_deal", raise_exception=True)
def deal_reserve(request):
    unit_id, opportunity_id, customer_id = (_int_param(request, name) for name in ("unit", "opportunity", "customer"))
    unit = Unit.objects.select_related("building").filter(pk=unit_id).first() if unit_id else None
    opportunity = (
        Opportunity.objects.visible_to(request.user).select_related("customer").filter(pk=opportunity_id).first()
        if opportunity_id
        else None
    )
    customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first() if customer_id else None
    if (unit_id and unit is None) or (opportunity_id and opportunity is None) or (customer_id and customer is None):
        raise Http404
    form = ReserveForm(
        request.POST or None,
        user=request.user,
        unit=unit,
        opportunity=opportunity,
        customer=customer,
        units_url=reverse("sales:deal-reserve-units"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deal = services.deal_reserve(
                opportunity=data["opportunity"],
                unit=data["unit"],
                deposit=data["deposit"],
                expires_at=data["expires_at"],
                custom=form.custom_values(),
                by=request.user,
            )
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Unit %(unit)s reserved.") % {"unit": deal.unit})
            return redirect(deal)
    context = {"form": form, "unit": unit, "opportunity": opportunity, "customer": customer}
    if form.picks_unit:
        chosen = _reservable_opportunity(request, form.chosen_opportunity_id())
        context |= _unit_choices(request, chosen, request.POST if request.method == "POST" else request.GET)
    return render(request, "sales/deal_reserve.html", context)


@permission_required("sales.add_deal", raise_exception=True)
def deal_reserve_units(request):
    """The unit picker's list for an opportunity (htmx): search by building and number, matched to the intent."""
    if not request.htmx:
        return redirect(f"{reverse('sales:deal-reserve')}?{request.GET.urlencode()}")
    raw = request.GET.get("opportunity", "")
    pk = int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 12 else None
    opportunity = _reservable_opportunity(request, pk)
    if raw and opportunity is None:
        raise Http404
    context = _unit_choices(request, opportunity, request.GET)
    return render(request, "sales/_unit_picker.html#unit-choices", context)


@permission_required("sales.view_deal", raise_exception=True)
def deal_detail(request, pk):
    deal = get_visible(request, pk)
    return render(request, "sales/deal_detail.html", _detail_context(request, deal))


def _detail_context(request, deal, **forms) -> dict:
    user = request.user
    can_change = user.has_perm("sales.change_deal") and deal.state == Deal.State.LIVE
    context = {
        "deal": deal,
        "show_margin": selectors.may_see_margin(user),
        "history": selectors.deal_history(deal=deal),
        "sections": deal_sections.sections(deal, user),
        "custom_rows": customfields.display_rows(selectors.ENTITY, deal.custom),
        "can_change": can_change,
        "can_approve": user.has_perm("sales.approve_discount")
        and deal.approval == Deal.Approval.PENDING
        and deal.state == Deal.State.LIVE
        and deal.owner_id != user.pk,
        "pending_step": _("subscription") if deal.stage == Deal.Stage.RESERVATION else _("contract"),
    }
    if can_change:
        price = deal.price or deal.list_price
        if deal.price is None and deal.stage == Deal.Stage.RESERVATION:
            # A discount another app offers (a member tier's) is pre-filled; the limit still decides approval.
            offer = discounts.offered(deal.customer_id)
            if offer is not None:
                price = discounts.offered_price(deal.list_price, offer)
                context["offered_discount"] = offer
        context["subscribe_form"] = forms.get("subscribe") or SubscribeForm(
            initial={"price": price, "payment_method": deal.payment_method or Deal.PaymentMethod.MORTGAGE}
        )
        context["contract_form"] = forms.get("contract") or ContractForm(
            initial={"price": price, "payment_method": deal.payment_method}
        )
        context["cancel_form"] = forms.get("cancel") or CancelForm()
        context["deliver_form"] = forms.get("deliver") or DeliverForm()
    context["approve_form"] = forms.get("approve") or ApproveForm()
    return context


def _step(request, pk, form_class, key, run, success):
    """Validate the step's form, run the service, come back to the deal page (with the errors, if any)."""
    deal = get_visible(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(deal, form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        except PermissionDenied:
            raise
        else:
            messages.success(request, success)
            return redirect(deal)
    deal = get_visible(request, pk)
    return render(request, "sales/deal_detail.html", _detail_context(request, deal, **{key: form}), status=422)


@require_POST
@permission_required("sales.change_deal", raise_exception=True)
def deal_subscribe(request, pk):
    def run(deal, data):
        done = services.deal_subscribe(deal=deal, by=request.user, **data)
        if done.approval == Deal.Approval.PENDING:
            messages.warning(request, _("The discount is above the limit: the subscription waits for approval."))

    return _step(request, pk, SubscribeForm, "subscribe", run, _("Subscription recorded."))


@require_POST
@permission_required("sales.change_deal", raise_exception=True)
def deal_contract(request, pk):
    def run(deal, data):
        done = services.deal_contract(deal=deal, by=request.user, **data)
        if done.approval == Deal.Approval.PENDING:
            messages.warning(request, _("The discount is above the limit: the contract waits for approval."))

    return _step(request, pk, ContractForm, "contract", run, _("Contract recorded."))


@require_POST
@permission_required("sales.approve_discount", raise_exception=True)
def deal_approve(request, pk):
    def run(deal, data):
        services.deal_approve(deal=deal, approve=data["decision"] == "approve", note=data["note"], by=request.user)

    return _step(request, pk, ApproveForm, "approve", run, _("Decision recorded."))


@require_POST
@permission_required("sales.change_deal", raise_exception=True)
def deal_cancel(request, pk):
    def run(deal, data):
        services.deal_cancel(deal=deal, reason=data["reason"], by=request.user)

    return _step(request, pk, CancelForm, "cancel", run, _("Deal cancelled: the unit is available again."))


@require_POST
@permission_required("sales.change_deal", raise_exception=True)
def deal_deliver(request, pk):
    def run(deal, data):
        services.deal_deliver(deal=deal, delivered_on=data["delivered_on"], by=request.user)

    return _step(request, pk, DeliverForm, "deliver", run, _("Unit handed over."))


@permission_required("sales.view_deal", raise_exception=True)
def deal_list(request):
    form = DealFilterForm(request.GET or None, user=request.user)
    rows = selectors.deal_list(user=request.user, **form.filters())
    page = keyed_page(rows.values_list("pk", flat=True), selectors.deal_rows(), PAGE_SIZE, request.GET.get("page"))
    context = {"form": form, "page": page, "show_margin": False}
    template = "sales/deal_list.html#deal-rows" if request.htmx else "sales/deal_list.html"
    return render(request, template, context)


@permission_required("sales.approve_discount", raise_exception=True)
def approval_list(request):
    page = CappedPaginator(selectors.approval_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sales/deal_approvals.html", {"page": page})
