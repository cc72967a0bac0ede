"""What members adds to the customer page (membership, tier, balance, referrals, an enrol button), to the
customer timeline (joined, tier changes, points earned and spent, referrals), and to a new purchase (the member
tier's discount, pre-filled on the deal through sales.discounts)."""

from django.utils.translation import gettext as _

from crm_site import formatting
from customers import footprint, sections
from customers.selectors import TimelineEvent, timeline_register
from members.models import Member, Referral, TierChange
from sales import discounts
from sales.discounts import OfferedDiscount

# Most files are no member and referred nobody: the 360 page reads these marks with the file and skips the queries.
footprint.register("members.membership", footprint.customer_rows("members.Member"))
footprint.register("members.referrals_made", footprint.customer_rows("members.Referral", "referrer"))
footprint.register("members.referred_by", footprint.customer_rows("members.Referral", "referred"))


def membership_section(customer, user) -> dict | None:
    if not user.has_perm("members.view_member"):
        return None
    member = None
    if footprint.has(customer, "members.membership"):
        member = Member.objects.select_related("tier").filter(customer=customer).first()
    referrals = []
    if footprint.has(customer, "members.referrals_made"):
        referrals = list(Referral.objects.filter(referrer=customer).select_related("referred")[:10])
    referral = None
    if footprint.has(customer, "members.referred_by"):
        referral = Referral.objects.select_related("referrer").filter(referred=customer).first()
    return {
        "customer": customer,
        "member": member,
        "referrals": referrals,
        "referral": referral,
        "can_enrol": member is None and user.has_perm("members.add_member"),
    }


sections.register("membership", "members/_customer_membership_section.html", membership_section, order=30)


def _member_events(customer, limit):
    if not footprint.has(customer, "members.membership"):
        return []
    member = Member.objects.filter(customer=customer).first()
    if member is None:
        return []
    events = []
    for entry in member.entries.select_related("by").order_by("-created_at", "-id")[:limit]:
        title = _("%(kind)s %(points)s points") % {
            "kind": entry.get_kind_display(),
            "points": ("+" if entry.amount > 0 else "") + formatting.number(entry.amount),
        }
        events.append(
            TimelineEvent(entry.created_at, "member", title, entry.reason_text, entry.by, member.get_absolute_url())
        )
    for change in member.tier_changes.select_related("to_tier", "by")[:limit]:
        if change.reason == TierChange.Reason.JOINED:
            title = _("Joined the club (%(tier)s)") % {"tier": change.to_tier}
        else:
            title = _("Tier: %(tier)s (%(reason)s)") % {"tier": change.to_tier, "reason": change.get_reason_display()}
        events.append(TimelineEvent(change.at, "member", title, change.note, change.by, member.get_absolute_url()))
    return events


def _referral_events(customer, limit):
    if not footprint.has(customer, "members.referrals_made"):
        return []
    rows = Referral.objects.filter(referrer=customer).select_related("referred", "by")[:limit]
    return [
        TimelineEvent(
            row.created_at,
            "member",
            _("Referred %(name)s") % {"name": row.referred.name},
            row.get_status_display(),
            row.by,
            row.referred.get_absolute_url(),
        )
        for row in rows
    ]


timeline_register(_member_events)
timeline_register(_referral_events)


def member_discount(customer_id: int) -> OfferedDiscount | None:
    """An active member's tier discount on a new purchase (sales pre-fills it; its approval rule applies)."""
    member = Member.objects.select_related("tier").filter(customer_id=customer_id, status=Member.Status.ACTIVE).first()
    if member is None or not member.tier.discount_pct:
        return None
    return OfferedDiscount(member.tier.discount_pct, _("Member discount (%(tier)s)") % {"tier": member.tier.label})


discounts.register(member_discount)
