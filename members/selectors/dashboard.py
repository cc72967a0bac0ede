"""The member dashboard: members by tier and by project, new members by month, active vs dormant, referral
conversion, points liability, upcoming events with their fill. Each table is a list of rows with a header, so
the page and its CSV / XLSX exports show the same figures; every figure is within the viewer's scope."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from crm_site import reportcache
from members.models import ClubEvent, EventRegistration, Member, MemberSettings, Referral
from members.selectors.events import event_list


@dataclass
class Table:
    key: str
    title: str
    header: list
    rows: list = field(default_factory=list)


def _members(user, *, project=None, tier=None):
    members = Member.objects.visible_to(user)
    if project is not None:
        members = members.filter(customer__project=project)
    if tier is not None:
        members = members.filter(tier=tier)
    return members


def dashboard(*, user, project=None, tier=None, now=None) -> dict[str, Table]:
    now = now or timezone.now()
    rules = MemberSettings.current()
    members = _members(user, project=project, tier=tier)
    name_field = "tier__name_zh" if (get_language() or "").startswith("zh") else "tier__name"
    tables = {}
    tables["tiers"] = Table(
        "tiers",
        _("Members by tier"),
        [_("Tier"), pgettext("club", "Members"), _("Points outstanding")],
        [
            [row[name_field], row["count"], row["points"] or 0]
            for row in members.values("tier__rank", "tier__name", "tier__name_zh")
            .annotate(count=Count("id"), points=Sum("balance"))
            .order_by("tier__rank")
        ],
    )
    tables["projects"] = Table(
        "projects",
        _("Members by project"),
        [_("Project"), pgettext("club", "Members")],
        [
            [row["customer__project__name"] or "—", row["count"]]
            for row in members.values("customer__project__name").annotate(count=Count("id")).order_by("-count")[:50]
        ],
    )
    since = timezone.localdate(now).replace(day=1) - datetime.timedelta(days=365)
    tables["months"] = Table(
        "months",
        _("New members by month"),
        [_("Month"), _("New members")],
        [
            [row["month"].strftime("%Y-%m"), row["count"]]
            for row in members.filter(joined_on__gte=since)
            .annotate(month=TruncMonth("joined_on"))
            .values("month")
            .annotate(count=Count("id"))
            .order_by("month")
        ],
    )
    cutoff = now - datetime.timedelta(days=rules.dormant_days)
    activity = members.aggregate(
        total=Count("id"),
        # last_activity_at moves with every ledger entry (events attended earn points) and every logged contact
        # (members.receivers): one table, no join to the customer files.
        active=Count("id", filter=Q(last_activity_at__gte=cutoff)),
        points=Sum("balance"),
    )
    active, total = activity["active"], activity["total"]
    tables["activity"] = Table(
        "activity",
        _("Active and dormant members (%(days)s days)") % {"days": rules.dormant_days},
        [_("Status"), pgettext("club", "Members")],
        [[_("Active"), active], [_("Dormant"), total - active]],
    )
    points = activity["points"] or 0
    tables["liability"] = Table(
        "liability",
        _("Points liability"),
        [_("Points outstanding"), _("Value of one point"), _("Liability (CNY)")],
        [[points, rules.point_value, (Decimal(points) * rules.point_value).quantize(Decimal("0.01"))]],
    )
    referrals = Referral.objects.visible_to(user)
    if project is not None:
        referrals = referrals.filter(project=project)
    counts = referrals.aggregate(
        total=Count("id"),
        converted=Count("id", filter=~Q(status=Referral.Status.OPEN)),
        rewarded=Count("id", filter=Q(status=Referral.Status.REWARDED)),
        reversed=Count("id", filter=Q(status=Referral.Status.REVERSED)),
        partner=Count("id", filter=Q(status=Referral.Status.PARTNER)),
    )
    rate = f"{counts['converted'] * 100 / counts['total']:.1f}%" if counts["total"] else "—"
    tables["referrals"] = Table(
        "referrals",
        _("Referral conversion"),
        [_("Referrals"), _("Signed a contract"), _("Conversion"), _("Rewarded"), _("Reversed"), _("Partner paid")],
        [[counts["total"], counts["converted"], rate, counts["rewarded"], counts["reversed"], counts["partner"]]],
    )
    by = {"converted": Count("id", filter=~Q(status=Referral.Status.OPEN))}
    for key, status in (("rewarded", Referral.Status.REWARDED), ("reversed", Referral.Status.REVERSED)):
        by[key] = Count("id", filter=Q(status=status))
    header = [_("Referrals"), _("Signed a contract"), _("Rewarded"), _("Reversed")]
    tables["referrers"] = Table(
        "referrers",
        _("Referrals by referrer"),
        [_("Referrer"), *header],
        [
            [row["referrer__name"], row["total"], row["converted"], row["rewarded"], row["reversed"]]
            for row in referrals.values("referrer__name").annotate(total=Count("id"), **by).order_by("-total")[:20]
        ],
    )
    tables["referral_projects"] = Table(
        "referral_projects",
        _("Referrals by project"),
        [_("Project"), *header],
        [
            [row["project__name"] or "—", row["total"], row["converted"], row["rewarded"], row["reversed"]]
            for row in referrals.values("project__name").annotate(total=Count("id"), **by).order_by("-total")[:20]
        ],
    )
    tables["events"] = Table(
        "events",
        _("Upcoming events"),
        [_("Event"), _("When"), _("Capacity"), _("Seats taken"), _("Fill rate")],
        [
            [
                event.title,
                timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
                event.capacity,
                event.seated,
                f"{event.seated * 100 / event.capacity:.0f}%" if event.capacity else "—",
            ]
            for event in event_list(upcoming=True)[:20]
        ],
    )
    return tables


# The dashboard is cached per scope (members.views.dashboard); these writes change what it shows.
reportcache.watch("members.dashboard", Member, ClubEvent, EventRegistration, Referral)
