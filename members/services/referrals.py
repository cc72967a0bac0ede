"""Referrals (老带新): registered under the customer identity rules, rewarded exactly once, reversed on 退房.

Who is paid for a deal a partner also registered is decided by one rule (MemberSettings.partner_precedence):
by default the partner's protected registration wins and the referral records why it earned nothing; with the
setting off the referral is rewarded and the deal's unpaid commission is voided. Never both.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import services as customer_services
from customers.identity import normalize_phone
from customers.models import Customer, CustomerPhone
from customers.selectors import customer_by_identity
from members import reasons
from members.models import LedgerEntry, Member, MemberSettings, Redemption, Referral
from members.services.benefits import redemption_cancel, redemption_grant
from members.services.ledger import points_earn, points_reverse
from members.services.members import member_ensure
from sales.models import Commission, Deal
from sales.services.partners import commission_set_status, protected_registration_for, registration_for_deal


class ReferralRefused(ValidationError):
    """The referral is not valid; the message says why (and names no owner)."""


@transaction.atomic
def referral_create(*, referrer: Customer, name: str, phone: str, by, project=None) -> Referral:
    """Register the person `referrer` brings as a new customer file (source: referral) and the referral.

    Refused when the phone is the referrer's own, already has a file, or is under a partner's live protection.
    The new file is owned by the referrer's rep (who serves the family), else by the person registering it.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the name of the person referred.")})
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    if CustomerPhone.objects.filter(customer=referrer, number=phone).exists():
        raise ReferralRefused(_("A customer cannot refer themselves."), code="self")
    if customer_by_identity(phone=phone) is not None:
        raise ReferralRefused(
            _("This person is already a customer: a referral must bring someone new."), code="on_file"
        )
    if protected_registration_for(phone) is not None:
        raise ReferralRefused(
            _("This person is under a channel partner's protection: the referral is not valid."), code="partner"
        )
    try:
        referred = customer_services.customer_create(
            by=by,
            owner=referrer.owner or by,
            name=name[:100],
            phone=phone,
            source=Customer.Source.REFERRAL,
            referrer=referrer,
            project=project,
        )
    except customer_services.DuplicateCustomer:  # registered by someone else a moment ago
        raise ReferralRefused(
            _("This person is already a customer: a referral must bring someone new."), code="on_file"
        ) from None
    return Referral.objects.create(referrer=referrer, referred=referred, project=project, by=by)


def _void_commission(deal: Deal) -> bool:
    commission = Commission.objects.filter(
        deal=deal, status__in=[Commission.Status.PENDING, Commission.Status.APPROVED]
    ).first()
    if commission is None:
        return False
    commission_set_status(commission=commission, status=Commission.Status.VOID, by=None)
    return True


@transaction.atomic
def referral_reward(*, deal: Deal) -> Referral | None:
    """Decide the referral of the deal's customer once, at their first contract: points to the referrer, or none
    because a partner brought the deal. Re-running it (a retried task, a second contract) changes nothing."""
    referral = Referral.objects.select_for_update().filter(referred_id=deal.customer_id).first()
    if referral is None or referral.status != Referral.Status.OPEN:
        return referral
    rules = MemberSettings.current()
    registration = registration_for_deal(deal)
    # A gift is taken from the catalogue: points are the fallback when it cannot be given.
    referral.deal = deal
    referral.decided_at = timezone.now()
    if registration is not None and rules.partner_precedence:
        referral.status = Referral.Status.PARTNER
        referral.decision = _(
            "Partner %(partner)s registered this customer first: the partner's commission is paid."
        ) % {"partner": registration.partner}
    else:
        member = member_ensure(customer=referral.referrer, channel=Member.Channel.DESK)
        gift = None
        if rules.referral_reward == MemberSettings.ReferralReward.GIFT and rules.referral_gift_id:
            gift = redemption_grant(member=member, benefit=rules.referral_gift, referral=referral)
        points = 0 if gift is not None else rules.referral_points
        if points:
            points_earn(
                member=member,
                amount=points,
                reason=reasons.Reason(reasons.REFERRAL_SIGNED, {"name": referral.referred.name}),
                rule=LedgerEntry.Rule.REFERRAL,
                source=referral,
                key=f"referral:{referral.pk}",
            )
        referral.points = points
        referral.status = Referral.Status.REWARDED
        if registration is not None and _void_commission(deal):
            referral.decision = _("The referral takes precedence: the partner's commission was voided.")
        else:
            referral.decision = _("No partner registration: the referrer is rewarded.")
        if gift is not None:
            referral.decision += " " + _("Reward: %(gift)s, granted free.") % {"gift": gift.benefit.label}
        elif rules.referral_reward == MemberSettings.ReferralReward.GIFT:
            referral.decision += " " + _("The gift could not be given now: points instead.")
        referral.decision = referral.decision[:200]
    referral.save()
    return referral


@transaction.atomic
def referral_reverse(*, deal: Deal, on: datetime.date | None = None) -> Referral | None:
    """The contract was cancelled (退房): within the configured period the referral reward is taken back."""
    referral = Referral.objects.select_for_update().filter(deal=deal).first()
    if referral is None or referral.status != Referral.Status.REWARDED:
        return referral
    on = on or timezone.localdate()
    signed_on = deal.signed_on or on
    if (on - signed_on).days > MemberSettings.current().referral_reversal_days:
        return referral
    gift = Redemption.objects.filter(referral=referral).first()
    if gift is not None and gift.is_open:
        redemption_cancel(redemption=gift, by=None, reason=reasons.Reason(reasons.REFERRED_CONTRACT_CANCELLED))
    member = Member.objects.filter(customer_id=referral.referrer_id).first()
    if member is not None and referral.points:
        points_reverse(
            member=member,
            amount=referral.points,
            reason=reasons.Reason(reasons.REFERRED_CONTRACT_CANCELLED),
            source=referral,
            key=f"reverse:referral:{referral.pk}",
        )
    referral.status = Referral.Status.REVERSED
    referral.decision = f"{referral.decision} {_('Reversed: the contract was cancelled.')}".strip()[:200]
    referral.save(update_fields=["status", "decision"])
    return referral
