"""What a signed or cancelled contract does in the club: the buyer joins and earns, the referrer is rewarded;
on 退房 both awards are reversed."""

from decimal import Decimal

from django.db import transaction

from members import reasons
from members.models import LedgerEntry, Member, MemberSettings
from members.services.ledger import points_earn, points_reverse
from members.services.members import member_ensure
from members.services.referrals import referral_reverse, referral_reward
from members.services.tiers import tier_promote
from sales.models import Deal


def contract_points(price) -> int:
    """Points for a contract: the configured points per whole 10,000 CNY of the price."""
    if price is None:
        return 0
    return int(Decimal(price) // Decimal(10000)) * MemberSettings.current().points_per_10k


@transaction.atomic
def contract_signed(*, deal: Deal) -> Member | None:
    """The buyer joins (if the setting says so), earns the contract points once, and may move up a tier."""
    deal = Deal.objects.select_related("customer", "owner").get(pk=deal.pk)
    if deal.stage != Deal.Stage.CONTRACT or deal.state == Deal.State.CANCELLED:
        return None
    member = Member.objects.filter(customer_id=deal.customer_id).first()
    if member is None and MemberSettings.current().auto_join_on_contract:
        member = member_ensure(customer=deal.customer, by=deal.owner, channel=Member.Channel.CONTRACT)
    if member is not None:
        points = contract_points(deal.price if deal.price is not None else deal.list_price)
        if points:
            points_earn(
                member=member,
                amount=points,
                # A code, read in each viewer's language (not that of whoever's request signed the contract).
                reason=reasons.Reason(reasons.CONTRACT_SIGNED, {"no": deal.contract_no}),
                rule=LedgerEntry.Rule.CONTRACT,
                source=deal,
                key=f"contract:deal:{deal.pk}:member:{member.pk}",
            )
        tier_promote(member=member, by=deal.owner)
    referral_reward(deal=deal)
    return member


@transaction.atomic
def contract_cancelled(*, deal: Deal) -> None:
    """退房: the contract's points and (within the period) the referral reward come back as reverse entries."""
    for entry in LedgerEntry.objects.filter(
        source_type="sales.deal", source_id=deal.pk, kind=LedgerEntry.Kind.EARN
    ).select_related("member"):
        points_reverse(
            member=entry.member,
            amount=entry.amount,
            reason=reasons.Reason(reasons.CONTRACT_CANCELLED, {"no": deal.contract_no}),
            source=deal,
            key=f"reverse:{entry.key or entry.pk}",
        )
    referral_reverse(deal=deal)
