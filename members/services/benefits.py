"""Benefits and redemptions: points and stock are taken in one transaction, under the benefit's row lock, so
the last item in stock goes to exactly one member however many ask at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
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
            reason=_("Redeemed: %(benefit)s") % {"benefit": benefit.label},
            by=by,
            source=redemption,
            key=f"redemption:{redemption.pk}",
        )
    if benefit.stock is not None:
        benefit.stock -= 1
        benefit.save(update_fields=["stock"])
    return redemption


@transaction.atomic
def redemption_fulfil(*, redemption: Redemption, by) -> Redemption:
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if redemption.status != Redemption.Status.REQUESTED:
        raise ValidationError(_("Only a redemption waiting to be fulfilled can be fulfilled."))
    redemption.status = Redemption.Status.FULFILLED
    redemption.fulfilled_at = timezone.now()
    redemption.save(update_fields=["status", "fulfilled_at"])
    return redemption


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, by, reason: str) -> Redemption:
    """Cancel an unfulfilled redemption: the stock comes back and the points are credited again (audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the redemption is cancelled.")})
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if redemption.status != Redemption.Status.REQUESTED:
        raise ValidationError(_("Only a redemption waiting to be fulfilled can be cancelled."))
    benefit = Benefit.objects.select_for_update().get(pk=redemption.benefit_id)
    if benefit.stock is not None:
        benefit.stock += 1
        benefit.save(update_fields=["stock"])
    if redemption.points:
        member = _lock(redemption.member)
        _write(
            member,
            kind=LedgerEntry.Kind.ADJUST,
            amount=redemption.points,
            reason=_("Redemption cancelled: %(reason)s") % {"reason": reason},
            by=by,
            source=redemption,
            key=f"refund:redemption:{redemption.pk}",
        )
    redemption.status = Redemption.Status.CANCELLED
    redemption.save(update_fields=["status"])
    audit.record(
        actor=by, action=AuditEntry.Action.UPDATE, instance=redemption, changes={"status": "cancelled"}, reason=reason
    )
    return redemption
