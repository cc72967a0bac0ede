"""Payment schedules of contracts, received payments (回款) and refunds: all money in Decimal, to the cent.

`Installment.received` is the sum of the installment's payments (refunds are negative); it is only changed
here, under a row lock, in the same transaction as the Payment row, so two cashiers recording at once
cannot lose an update.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site import events
from customers.services import customers_touch
from sales.models import Deal, Installment, Payment

CENT = Decimal("0.01")
MAX_INSTALLMENTS = 120
SCHEDULE_STAGES = (Deal.Stage.SUBSCRIPTION, Deal.Stage.CONTRACT)


class Plan:
    FULL = "full"
    MORTGAGE = "mortgage"
    INSTALLMENTS = "installments"
    CHOICES = [
        (FULL, gettext_lazy("Full payment")),
        (MORTGAGE, gettext_lazy("Mortgage: down payment + bank disbursement")),
        (INSTALLMENTS, gettext_lazy("Installments: down payment + monthly installments")),
    ]


class PaymentRefused(ValidationError):
    """The amount does not fit the installment: more than is outstanding, or a refund beyond what came in."""


@dataclass(frozen=True)
class Line:
    kind: str
    due_on: datetime.date
    amount: Decimal


def money(value) -> Decimal:
    """`value` as a Decimal amount of cents; refuses floats, fractions of a cent and nonsense."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float.")
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not an amount.") % {"value": value}) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ValidationError(_("Amounts are in yuan and fen: at most two decimal places."))
    return amount.quantize(CENT)


def add_months(day: datetime.date, months: int, *, on_day: int | None = None) -> datetime.date:
    """`day` moved by `months` calendar months, on `on_day` (default: the same day), kept inside the month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(on_day or day.day, last))


def split_evenly(total: Decimal, count: int) -> list[Decimal]:
    """`total` in `count` parts of whole cents; the last part takes the remainder so they sum exactly."""
    if count < 1:
        raise ValidationError(_("A schedule needs at least one installment."))
    part = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    if part < CENT:
        raise ValidationError(_("The amount is too small for %(count)d installments.") % {"count": count})
    return [part] * (count - 1) + [total - part * (count - 1)]


def plan_lines(
    *,
    price: Decimal,
    plan: str,
    first_due: datetime.date,
    down_payment_pct: Decimal = Decimal("30"),
    installments: int = 12,
    mortgage_after_months: int = 2,
) -> list[Line]:
    """The lines of a schedule for `price`: amounts in cents that sum exactly to it."""
    price = money(price)
    if price < CENT:
        raise ValidationError(_("The deal has no price to schedule."))
    if plan == Plan.FULL:
        return [Line(Installment.Kind.FULL, first_due, price)]
    if plan not in (Plan.MORTGAGE, Plan.INSTALLMENTS):
        raise ValidationError(_("Unknown payment plan."))
    pct = Decimal(down_payment_pct)
    if not Decimal("0") <= pct <= Decimal("100"):
        raise ValidationError({"down_payment_pct": _("The down payment is between 0 and 100 %.")})
    down = (price * pct / 100).quantize(CENT)
    rest = price - down
    lines = [Line(Installment.Kind.DOWN_PAYMENT, first_due, down)] if down else []
    if not rest:
        return lines
    if plan == Plan.MORTGAGE:
        lines.append(Line(Installment.Kind.MORTGAGE, add_months(first_due, mortgage_after_months), rest))
        return lines
    if not 1 <= installments <= MAX_INSTALLMENTS:
        raise ValidationError({"installments": _("Between 1 and %(max)d installments.") % {"max": MAX_INSTALLMENTS}})
    for number, amount in enumerate(split_evenly(rest, installments), start=1):
        lines.append(Line(Installment.Kind.INSTALLMENT, add_months(first_due, number), amount))
    return lines


def _lock_deal(deal: Deal) -> Deal:
    return Deal.objects.select_for_update().get(pk=deal.pk)


@transaction.atomic
def schedule_create(
    *,
    deal: Deal,
    plan: str,
    by,
    first_due: datetime.date | None = None,
    down_payment_pct: Decimal = Decimal("30"),
    installments: int = 12,
    mortgage_after_months: int = 2,
) -> list[Installment]:
    """Generate the deal's schedule; lines without payments are replaced, paid ones kept (the rest is rescheduled)."""
    deal = _lock_deal(deal)  # two schedules created at once must not both survive
    if deal.state == Deal.State.CANCELLED:
        raise ValidationError(_("This deal was cancelled: it has no schedule."))
    if deal.stage not in SCHEDULE_STAGES or deal.price is None:
        raise ValidationError(_("A schedule can be created once the deal is a subscription or contract with a price."))
    existing = list(deal.installments.select_for_update())
    paid_ids = set(Payment.objects.filter(installment__deal=deal).values_list("installment_id", flat=True))
    kept = [line for line in existing if line.pk in paid_ids or line.received]
    remaining = deal.price - sum((line.amount for line in kept), Decimal("0"))
    if remaining <= 0:
        raise ValidationError(_("Lines with payments already cover the whole price: nothing to reschedule."))
    lines = plan_lines(
        price=remaining,
        plan=plan,
        first_due=first_due or timezone.localdate(),
        down_payment_pct=down_payment_pct,
        installments=installments,
        mortgage_after_months=mortgage_after_months,
    )
    deal.installments.exclude(pk__in=[line.pk for line in kept]).delete()
    start = max((line.sequence for line in kept), default=0)
    created = Installment.objects.bulk_create(
        Installment(
            deal=deal,
            project_id=deal.project_id,
            owner_id=deal.owner_id,
            kind=line.kind,
            sequence=start + number,
            due_on=line.due_on,
            amount=line.amount,
        )
        for number, line in enumerate(lines, start=1)
    )
    schedule_check(deal=deal)
    return created


def schedule_total(*, deal: Deal) -> Decimal:
    return deal.installments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def schedule_check(*, deal: Deal) -> None:
    """Raise unless the deal's schedule sums exactly to its price."""
    total = schedule_total(deal=deal)
    if deal.price is None or total != deal.price:
        raise ValidationError(
            _("The schedule adds up to %(total)s but the price is %(price)s.") % {"total": total, "price": deal.price}
        )


@transaction.atomic
def installment_edit(
    *,
    installment: Installment,
    by,
    due_on: datetime.date,
    amount: Decimal,
    note: str = "",
    balance_with: Installment | None = None,
) -> Installment:
    """Change one line; for a contract, the difference in amount moves to `balance_with` (default: the last
    other unpaid line), so the schedule still sums to the price."""
    line = Installment.objects.select_for_update().get(pk=installment.pk)
    amount = money(amount)
    if amount < CENT:
        raise ValidationError({"amount": _("An installment is at least 0.01.")})
    if amount < line.received:
        raise ValidationError(
            {"amount": _("%(received)s has already been received on this line.") % {"received": line.received}}
        )
    difference = amount - line.amount
    if difference and line.deal_id:
        deal = _lock_deal(line.deal)
        others = deal.installments.select_for_update().exclude(pk=line.pk)
        partner = others.filter(pk=balance_with.pk).first() if balance_with else others.order_by("-due_on").first()
        if partner is None:
            raise ValidationError({"amount": _("No other line can take the difference; the price would not match.")})
        new_amount = partner.amount - difference
        if new_amount < max(partner.received, CENT):
            raise ValidationError(
                {
                    "amount": _("Line %(line)s cannot absorb a difference of %(diff)s.")
                    % {"line": partner, "diff": difference}
                }
            )
        partner.amount = new_amount
        partner.save(update_fields=["amount"])
    line.amount, line.due_on, line.note = amount, due_on, note
    line.save(update_fields=["amount", "due_on", "note"])
    if line.deal_id:
        schedule_check(deal=line.deal)
    return line


def _payable(line: Installment) -> None:
    if line.deal_id and line.deal.state == Deal.State.CANCELLED:
        raise ValidationError(_("This deal was cancelled: no more payments can be recorded, only refunds."))


@transaction.atomic
def payment_record(
    *,
    installment: Installment,
    amount,
    received_on: datetime.date,
    method: str = Payment.Method.TRANSFER,
    reference: str = "",
    by,
) -> Payment:
    """Record money received on `installment`; partial payments are fine, more than is outstanding is refused."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("A payment is a positive amount.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("A payment cannot be received in the future.")})
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Unknown payment method.")})
    line = Installment.objects.select_for_update(of=("self",)).select_related("deal").get(pk=installment.pk)
    _payable(line)
    outstanding = line.amount - line.received
    if amount > outstanding:
        raise PaymentRefused(
            {
                "amount": _("Only %(outstanding)s is outstanding on this installment; %(amount)s would overpay it.")
                % {"outstanding": outstanding, "amount": amount}
            }
        )
    payment = Payment.objects.create(
        installment=line,
        project_id=line.project_id,
        owner_id=line.owner_id,
        amount=amount,
        received_on=received_on,
        method=method,
        reference=reference[:60],
        by=by,
    )
    line.received += amount
    line.save(update_fields=["received"])
    installment.received = line.received
    events.emit("payment.received", {"payment_id": payment.pk, "deal_id": line.deal_id, "amount": amount})
    # Money coming in is activity on the customer: it renews the owner's protection from the public pool.
    customer_id = line.deal.customer_id if line.deal_id else line.lease.tenant_id
    customers_touch(customer_ids=[customer_id])
    return payment


@transaction.atomic
def payment_refund(
    *,
    installment: Installment,
    amount,
    reason: str,
    by,
    refunded_on: datetime.date | None = None,
    method: str = Payment.Method.TRANSFER,
) -> Payment:
    """Pay money back on `installment` (a negative Payment); never more than has been received on it."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Enter the refund as a positive amount.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the money is refunded.")})
    refunded_on = refunded_on or timezone.localdate()
    if refunded_on > timezone.localdate():
        raise ValidationError({"refunded_on": _("A refund cannot be dated in the future.")})
    line = Installment.objects.select_for_update().get(pk=installment.pk)
    if amount > line.received:
        raise PaymentRefused(
            {
                "amount": _("Only %(received)s has been received on this installment; %(amount)s cannot be refunded.")
                % {"received": line.received, "amount": amount}
            }
        )
    payment = Payment.objects.create(
        installment=line,
        project_id=line.project_id,
        owner_id=line.owner_id,
        amount=-amount,
        is_refund=True,
        received_on=refunded_on,
        method=method,
        reference=reason.strip()[:60],
        by=by,
    )
    line.received -= amount
    line.save(update_fields=["received"])
    installment.received = line.received
    return payment
