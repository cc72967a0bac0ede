"""Deals on units: reserve → subscribe → contract → deliver, or cancel; discount approval; expiry.

The unit's status and the opportunity's stage follow the deal inside the same transaction. One live deal per
unit is a database constraint; the unit row is locked first so two reps acting at once queue, and the loser
is told the unit was taken.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import events
from customers.models import Customer
from sales.models import Deal, Opportunity, SalesSettings, Unit
from sales.services.funnel import stage_enter

TAKEN = "This unit was just taken by another deal"
EXPIRED_REASON = "reservation expired"
UNIT_STATUS = {
    Deal.Stage.RESERVATION: Unit.Status.RESERVED,
    Deal.Stage.SUBSCRIPTION: Unit.Status.SUBSCRIBED,
    Deal.Stage.CONTRACT: Unit.Status.CONTRACTED,
}


def taken_error() -> ValidationError:
    return ValidationError(_("This unit was just taken by another deal."), code="taken")


def _set_unit_status(unit_id: int, status: str) -> None:
    Unit.objects.filter(pk=unit_id).update(status=status, status_changed_at=timezone.now(), held_by=None)


def needs_approval(*, list_price: Decimal, price: Decimal, limit_pct: Decimal | None = None) -> bool:
    """True when the discount (list − price) is above the limit percent of the list price (exact, no rounding)."""
    limit_pct = SalesSettings.current().discount_limit_pct if limit_pct is None else limit_pct
    return (list_price - price) * 100 > list_price * limit_pct


def _check_price(price) -> Decimal:
    if price is None or price <= 0:
        raise ValidationError({"price": _("Enter a price above zero.")})
    price = Decimal(price)
    if price != price.quantize(Decimal("0.01")):
        raise ValidationError({"price": _("A price has at most two decimals.")})
    return price.quantize(Decimal("0.01"))


def _lock(deal: Deal) -> Deal:
    """The deal read again under a row lock, with its unit and opportunity."""
    return Deal.objects.select_for_update().select_related("unit", "opportunity").get(pk=deal.pk)


def _require_live(deal: Deal) -> None:
    if deal.state != Deal.State.LIVE:
        raise ValidationError(_("This deal is %(state)s.") % {"state": deal.get_state_display().lower()})


def _require_cleared(deal: Deal) -> None:
    if deal.approval == Deal.Approval.PENDING:
        raise ValidationError(_("The discount on this deal is waiting for approval."))


@transaction.atomic
def deal_reserve(
    *, opportunity: Opportunity, unit: Unit, deposit, by, expires_at=None, custom: dict | None = None
) -> Deal:
    """Hold `unit` for the opportunity's customer with a deposit until `expires_at` (default: the settings)."""
    now = timezone.now()
    if deposit is None or deposit < 0:
        raise ValidationError({"deposit": _("The deposit cannot be negative.")})
    if expires_at is None:
        expires_at = now + datetime.timedelta(days=SalesSettings.current().reservation_days)
    elif expires_at <= now:
        raise ValidationError({"expires_at": _("The reservation must expire in the future.")})
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not opportunity.is_open:
        raise ValidationError({"opportunity": _("This opportunity is closed.")})
    if unit.project_id != opportunity.project_id:
        raise ValidationError({"unit": _("The unit is not in the opportunity's project.")})
    if opportunity.deals.filter(state=Deal.State.LIVE).exists():
        raise ValidationError({"opportunity": _("This opportunity already holds a unit: cancel that deal first.")})
    # The lock makes a second rep wait here until the first commits; then they see the unit's new status.
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.status in Unit.DEAL_STATUSES:
        raise taken_error()
    free = unit.status == Unit.Status.AVAILABLE or (unit.status == Unit.Status.HELD and unit.held_by_id == by.pk)
    if not free:
        raise ValidationError(
            {"unit": _("This unit is not available (%(status)s).") % {"status": unit.get_status_display().lower()}}
        )
    try:
        with transaction.atomic():  # a savepoint: the constraint is the last word if the lock was bypassed
            deal = Deal.objects.create(
                opportunity=opportunity,
                unit=unit,
                customer_id=opportunity.customer_id,
                project_id=opportunity.project_id,
                owner_id=opportunity.owner_id,
                deposit=deposit,
                reserved_at=now,
                expires_at=expires_at,
                list_price=unit.list_price,
                custom=custom or {},
            )
    except IntegrityError:
        raise taken_error() from None
    _set_unit_status(unit.pk, Unit.Status.RESERVED)
    _promote_customer(deal.customer_id, CUSTOMER_STATUS[Deal.Stage.RESERVATION])
    opportunity.unit = unit
    if opportunity.expected_amount is None:
        opportunity.expected_amount = unit.list_price
    opportunity.save(update_fields=["unit", "expected_amount"])
    stage_enter(opportunity=opportunity, to_stage=Opportunity.Stage.RESERVATION, by=by, note=str(unit), at=now)
    return deal


# The customer's life-cycle status a deal stage implies; a customer never moves back down this ladder here.
LIFECYCLE = [Customer.Status.PROSPECT, Customer.Status.INTENDING, Customer.Status.BUYER, Customer.Status.OWNER]
CUSTOMER_STATUS = {
    Deal.Stage.RESERVATION: Customer.Status.INTENDING,
    Deal.Stage.SUBSCRIPTION: Customer.Status.INTENDING,
    Deal.Stage.CONTRACT: Customer.Status.BUYER,
}


def _promote_customer(customer_id: int, status: str) -> None:
    """Raise the customer's life-cycle status to `status` (a lost customer who buys is back, too)."""
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    current = LIFECYCLE.index(customer.status) if customer.status in LIFECYCLE else -1
    if current < LIFECYCLE.index(status):
        customer.status = status
        customer.save(update_fields=["status"])


def _advance(deal: Deal, stage: str, by, note: str = "") -> None:
    """Put the deal, its unit, its opportunity and its customer in `stage` (the caller saves the deal's fields).
    The stage change names the unit (then `note`): the customer's timeline reads "Contract · A-2001 · HT-0042"."""
    deal.stage = stage
    _set_unit_status(deal.unit_id, UNIT_STATUS[stage])
    note = " · ".join(part for part in (str(deal.unit), note) if part)
    stage_enter(opportunity=deal.opportunity, to_stage=stage, by=by, note=note)
    _promote_customer(deal.customer_id, CUSTOMER_STATUS[stage])
    if stage == Deal.Stage.CONTRACT:
        events.emit("contract.signed", {"deal_id": deal.pk, "customer_id": deal.customer_id, "price": deal.price})


def _price_step(deal: Deal, price: Decimal, by) -> bool:
    """Record the asked price; True when it may go ahead now, False when it waits for a manager."""
    if deal.approval == Deal.Approval.REJECTED and deal.price == price:
        raise ValidationError({"price": _("This price was rejected: offer a new one.")})
    already_approved = deal.approval == Deal.Approval.APPROVED and deal.price == price
    deal.price = price
    if already_approved or not needs_approval(list_price=deal.list_price, price=price):
        if not already_approved:
            deal.approval = Deal.Approval.NOT_NEEDED
        return True
    deal.approval = Deal.Approval.PENDING
    deal.approved_by = None
    deal.approved_at = None
    return False


@transaction.atomic
def deal_subscribe(*, deal: Deal, price, payment_method: str, subscribed_on: datetime.date, by) -> Deal:
    """Sign the subscription (认购) at `price`; above the discount limit it waits for approval first."""
    deal = _lock(deal)
    _require_live(deal)
    if deal.stage != Deal.Stage.RESERVATION:
        raise ValidationError(_("Only a reservation can be subscribed."))
    price = _check_price(price)
    if payment_method not in Deal.PaymentMethod.values:
        raise ValidationError({"payment_method": _("Choose a payment method.")})
    deal.payment_method = payment_method
    deal.subscribed_on = subscribed_on
    go = _price_step(deal, price, by)
    if go:
        _advance(deal, Deal.Stage.SUBSCRIPTION, by)
    deal.save()
    return deal


@transaction.atomic
def deal_contract(*, deal: Deal, price, payment_method: str, signed_on: datetime.date, contract_no: str, by) -> Deal:
    """Sign the purchase contract (签约); a new price above the discount limit waits for approval first."""
    deal = _lock(deal)
    _require_live(deal)
    if deal.stage != Deal.Stage.SUBSCRIPTION:
        raise ValidationError(_("Only a subscribed deal can be contracted."))
    price = _check_price(price)
    contract_no = (contract_no or "").strip()
    if not contract_no:
        raise ValidationError({"contract_no": _("Enter the contract number.")})
    if Deal.objects.filter(contract_no=contract_no).exclude(pk=deal.pk).exists():
        raise ValidationError({"contract_no": _("Another deal has this contract number.")})
    if payment_method not in Deal.PaymentMethod.values:
        raise ValidationError({"payment_method": _("Choose a payment method.")})
    deal.payment_method = payment_method
    deal.signed_on = signed_on
    deal.contract_no = contract_no
    go = _price_step(deal, price, by)
    if go:
        _advance(deal, Deal.Stage.CONTRACT, by, note=contract_no)
    try:
        with transaction.atomic():
            deal.save()
    except IntegrityError:
        raise ValidationError({"contract_no": _("Another deal has this contract number.")}) from None
    return deal


@transaction.atomic
def deal_approve(*, deal: Deal, approve: bool, by, note: str = "") -> Deal:
    """Approve (the waiting step then happens) or reject (the rep must offer a new price) a discount."""
    if not by.has_perm("sales.approve_discount"):
        raise PermissionDenied(_("Your role may not approve discounts."))
    deal = _lock(deal)
    _require_live(deal)
    if deal.approval != Deal.Approval.PENDING:
        raise ValidationError(_("This deal is not waiting for approval."))
    if deal.owner_id == by.pk:
        raise ValidationError(_("Someone else must approve a discount on your own deal."))
    deal._change_reason = note[:100]
    if approve:
        deal.approval = Deal.Approval.APPROVED
        deal.approved_by = by
        deal.approved_at = timezone.now()
        # The step that waited for the approval happens now.
        step = Deal.Stage.SUBSCRIPTION if deal.stage == Deal.Stage.RESERVATION else Deal.Stage.CONTRACT
        label = _("discount %(pct)s%% approved") % {"pct": deal.discount_pct}
        _advance(deal, step, by, note=f"{label} {note}".strip())
    else:
        deal.approval = Deal.Approval.REJECTED
        if deal.stage == Deal.Stage.SUBSCRIPTION:  # the contract waiting for approval is not signed
            deal.signed_on = None
            deal.contract_no = ""
    deal.save()
    return deal


@transaction.atomic
def deal_cancel(*, deal: Deal, reason: str, by) -> Deal:
    """Cancel a live deal: the unit is available again and the opportunity goes back to intending."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deal is cancelled.")})
    deal = _lock(deal)
    _require_live(deal)
    Unit.objects.select_for_update().filter(pk=deal.unit_id).first()
    was_contract = deal.stage == Deal.Stage.CONTRACT
    now = timezone.now()
    deal.state = Deal.State.CANCELLED
    deal.cancel_reason = reason[:300]
    deal.cancelled_by = by
    deal.cancelled_at = now
    deal.save()
    _set_unit_status(deal.unit_id, Unit.Status.AVAILABLE)
    opportunity = Opportunity.objects.select_for_update().get(pk=deal.opportunity_id)
    if opportunity.unit_id == deal.unit_id:
        opportunity.unit = None
        opportunity.save(update_fields=["unit"])
    if opportunity.is_open:
        stage_enter(opportunity=opportunity, to_stage=Opportunity.Stage.INTENDING, by=by, note=reason, at=now)
    if was_contract:  # 退房: the club reverses what the contract earned
        events.emit("contract.cancelled", {"deal_id": deal.pk, "customer_id": deal.customer_id, "reason": reason})
    return deal


@transaction.atomic
def deal_deliver(*, deal: Deal, delivered_on: datetime.date, by) -> Deal:
    """Hand the unit over: the deal is delivered, the unit too, and the opportunity won (if not yet)."""
    deal = _lock(deal)
    _require_live(deal)
    if deal.stage != Deal.Stage.CONTRACT:
        raise ValidationError(_("Only a contracted deal can be handed over."))
    _require_cleared(deal)
    deal.state = Deal.State.DELIVERED
    deal.delivered_on = delivered_on
    deal.save()
    _set_unit_status(deal.unit_id, Unit.Status.DELIVERED)
    _promote_customer(deal.customer_id, Customer.Status.OWNER)
    opportunity = Opportunity.objects.select_for_update().get(pk=deal.opportunity_id)
    if opportunity.stage != Opportunity.Stage.WON:
        stage_enter(opportunity=opportunity, to_stage=Opportunity.Stage.WON, by=by, note=_("handed over"))
    return deal


def reservations_expire(*, now=None) -> int:
    """Cancel live reservations past their expiry (not those waiting for a discount decision); returns how many."""
    now = now or timezone.now()
    expired = Deal.objects.live().filter(stage=Deal.Stage.RESERVATION, expires_at__lt=now)
    expired = expired.exclude(approval=Deal.Approval.PENDING).select_related("owner")
    count = 0
    for deal in expired.iterator(chunk_size=200):
        try:
            deal_cancel(deal=deal, reason=EXPIRED_REASON, by=deal.owner)
        except ValidationError:  # cancelled or signed meanwhile
            continue
        count += 1
    return count
