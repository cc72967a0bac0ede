"""Benefits and redemptions: points and stock are taken in one transaction, under the benefit's row lock, so
the last item in stock goes to exactly one member however many ask at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from members import reasons
from members.models import Benefit, LedgerEntry, Member, Redemption
from members.services.ledger import _lock, _write, points_spend


def _check(benefit: Benefit, member: Member) -> None:
    today = timezone.localdate()
    if (
        not benefit.active
        or (benefit.valid_from and today < benefit.valid_from)
        or (benefit.valid_to and today > benefit.valid_to)
    ):
        raise ValidationError(_("This benefit is not available now."))
    if benefit.min_tier_id and member.tier.rank < benefit.min_tier.rank:
        raise ValidationError(_("This benefit is for %(tier)s members and above.") % {"tier": benefit.min_tier})
    if benefit.stock is not None and benefit.stock <= 0:
        raise ValidationError(_("This benefit is out of stock."))


@transaction.atomic
def redemption_create(*, member: Member, benefit: Benefit, by) -> Redemption:
    """Redeem `benefit` for `member`: the stock and the points go together, or neither does."""
    benefit = Benefit.objects.select_for_update(of=("self",)).select_related("min_tier").get(pk=benefit.pk)
    member = Member.objects.select_related("tier").get(pk=member.pk)
    _check(benefit, member)
    redemption = Redemption.objects.create(member=member, benefit=benefit, points=benefit.points_price, by=by)
    if benefit.points_price:
        points_spend(
            member=member,
            amount=benefit.points_price,
            reason=reasons.Reason(reasons.REDEEMED, {"benefit": reasons.bilingual(benefit.name, benefit.name_zh)}),
            by=by,
            source=redemption,
            key=f"redemption:{redemption.pk}",
        )
    if benefit.stock is not None:
        benefit.stock -= 1
        benefit.save(update_fields=["stock"])
    return redemption


@transaction.atomic
def redemption_grant(*, member: Member, benefit: Benefit, referral, by=None) -> Redemption | None:
    """Grant `benefit` free as the reward of `referral` (no points; the stock is taken under the benefit's lock).
    None when the benefit cannot be given now (withdrawn, out of its validity or out of stock)."""
    benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)
    today = timezone.localdate()
    if (
        not benefit.active
        or (benefit.valid_from and today < benefit.valid_from)
        or (benefit.valid_to and today > benefit.valid_to)
        or (benefit.stock is not None and benefit.stock <= 0)
    ):
        return None
    redemption = Redemption.objects.create(member=member, benefit=benefit, points=0, by=by, referral=referral)
    if benefit.stock is not None:
        benefit.stock -= 1
        benefit.save(update_fields=["stock"])
    return redemption


# The fulfilment moves forward only: to fulfil → being arranged → fulfilled; an open one may be cancelled.
NEXT_STATUS = {
    Redemption.Status.REQUESTED: (Redemption.Status.ARRANGED, Redemption.Status.FULFILLED),
    Redemption.Status.ARRANGED: (Redemption.Status.FULFILLED,),
}


@transaction.atomic
def redemption_set_status(*, redemption: Redemption, status: str, by) -> Redemption:
    """Move the redemption's fulfilment forward (cancelling is redemption_cancel: it gives points and stock back)."""
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if status not in NEXT_STATUS.get(redemption.status, ()):
        raise ValidationError(
            _("A redemption that is “%(status)s” cannot move to that status.")
            % {"status": redemption.get_status_display()}
        )
    old = redemption.status
    redemption.status = status
    fields = ["status"]
    if status == Redemption.Status.FULFILLED:
        redemption.fulfilled_at = timezone.now()
        fields.append("fulfilled_at")
    redemption.save(update_fields=fields)
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=redemption, changes={"status": [old, status]})
    return redemption


def redemption_fulfil(*, redemption: Redemption, by) -> Redemption:
    return redemption_set_status(redemption=redemption, status=Redemption.Status.FULFILLED, by=by)


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, by, reason: str | reasons.Reason) -> Redemption:
    """Cancel an open redemption: the stock comes back and the points are returned by a `reverse` entry of the
    spend (once: its key names the redemption); audited with the reason (typed, or a system reason)."""
    if isinstance(reason, reasons.Reason):
        why, audit_reason = reason.as_param(), reason.stored_text()
    else:
        why = audit_reason = (reason or "").strip()
    if not why:
        raise ValidationError({"reason": _("Say why the redemption is cancelled.")})
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if not redemption.is_open:
        raise ValidationError(_("Only a redemption not yet fulfilled can be cancelled."))
    benefit = Benefit.objects.select_for_update().get(pk=redemption.benefit_id)
    if benefit.stock is not None:
        benefit.stock += 1
        benefit.save(update_fields=["stock"])
    if redemption.points:
        member = _lock(redemption.member)
        _write(
            member,
            kind=LedgerEntry.Kind.REVERSE,
            amount=redemption.points,
            reason=reasons.Reason(reasons.REDEMPTION_CANCELLED, {"reason": why}),
            by=by,
            source=redemption,
            key=f"refund:redemption:{redemption.pk}",
        )
    old = redemption.status
    redemption.status = Redemption.Status.CANCELLED
    redemption.save(update_fields=["status"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        instance=redemption,
        changes={"status": [old, "cancelled"]},
        reason=audit_reason[:200],
    )
    return redemption
