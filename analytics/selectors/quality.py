"""Data quality (000): how complete and fresh each rep's customer files are, per rep and per team, so managers fix
the input before it reaches the analyses. Within the viewer's scope: a manager sees their team, executives all.

The files counted: customers with an owner and a status other than lost. A file is
- complete in phone when its phone is filled;
- complete in intent when at least one purchase intent is recorded;
- complete in source when the source is specific: a "campaign" source with the campaign lead recorded, a
  "referral" source with the referrer named, any other source as it is;
- fresh when the last contact is within N days (DAYS_CHOICES, 30 by default).
A rep's quality = the mean of the four shares (0–100). Each gap drills down to the rep's incomplete files on the
customer list (its `owner` filter and the `quality` list filter of analytics.panels.insights).
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_site.charts import Chart
from crm_site.models import StaffProfile, Team
from customers.models import Customer, PurchaseIntent
from sales.models import CampaignLead

DAYS_CHOICES = (7, 14, 30, 60, 90)
DEFAULT_DAYS = 30
CHECKS = ("phone", "intent", "source", "fresh")


def missing_q(check: str, days: int = DEFAULT_DAYS, now=None) -> Q:
    """The files that fail `check` (phone, intent, source, or fresh within `days`)."""
    if check == "phone":
        return Q(phone="")
    if check == "intent":
        return ~Q(pk__in=PurchaseIntent.objects.values("customer_id"))
    if check == "source":
        return (Q(source=Customer.Source.CAMPAIGN) & ~Q(pk__in=CampaignLead.objects.values("customer_id"))) | Q(
            source=Customer.Source.REFERRAL, referrer__isnull=True
        )
    if check == "fresh":
        since = (now or timezone.now()) - datetime.timedelta(days=days)
        return Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=since)
    raise ValueError(check)


def files(*, user):
    return Customer.objects.visible_to(user).filter(owner__isnull=False).exclude(status=Customer.Status.LOST)


def _pct(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def _drill(rep_id: int, check: str, days: int) -> str:
    value = f"fresh_{days}" if check == "fresh" else check
    return f"{reverse('customers:customer-list')}?owner={rep_id}&quality={value}"


COLUMNS = [
    (_("Files"), "number"),
    (_("Phone"), "pct"),
    (_("Intent"), "pct"),
    (_("Source"), "pct"),
    (_("Contacted recently"), "pct"),
    (_("Quality"), "pct"),
    (_("Missing phone"), "number"),
    (_("Missing intent"), "number"),
    (_("Vague source"), "number"),
    (_("Not contacted"), "number"),
]


def data_quality(*, user, days: int = DEFAULT_DAYS, now=None) -> dict:
    if days not in DAYS_CHOICES:
        days = DEFAULT_DAYS
    measures = {"n": Count("pk")}
    for check in CHECKS:
        measures[f"miss_{check}"] = Count("pk", filter=missing_q(check, days, now))
    by_rep = list(files(user=user).values("owner_id").annotate(**measures).order_by("owner_id"))
    User = get_user_model()
    people = {person.pk: person for person in User.objects.filter(pk__in=[row["owner_id"] for row in by_rep])}
    teams_of = dict(StaffProfile.objects.filter(user_id__in=list(people)).values_list("user_id", "team_id"))
    team_names = dict(Team.objects.filter(pk__in=set(teams_of.values()) - {None}).values_list("pk", "name"))

    def cells(row) -> list:
        n = row["n"]
        shares = [_pct(n - row[f"miss_{check}"], n) for check in CHECKS]
        quality = (sum(shares, Decimal(0)) / len(shares)).quantize(Decimal("0.1")) if n else None
        return [n, *shares, quality, *[row[f"miss_{check}"] for check in CHECKS]]

    reps = Chart(
        "reps",
        _("Completeness and freshness by rep"),
        "hbar",
        [(_("Rep"), "text"), (_("Team"), "text"), *COLUMNS],
        plot=[7],
        note=_("Share of files with a phone, an intent, a specific source and a contact in the last %(days)s days; "
               "a rep's name opens their incomplete files.") % {"days": days},
    )  # fmt: skip
    rep_rows = []
    team_totals: dict = {}
    for row in by_rep:
        person = people.get(row["owner_id"])
        name = (person.get_full_name() or person.username) if person else "?"
        team_id = teams_of.get(row["owner_id"])
        rep_rows.append((cells(row), name, team_names.get(team_id, _("No team")), row["owner_id"]))
        total = team_totals.setdefault(team_id, {"n": 0, **{f"miss_{check}": 0 for check in CHECKS}})
        for key in total:
            total[key] += row[key]
    rep_rows.sort(key=lambda item: (item[0][5] if item[0][5] is not None else Decimal(101), item[1]))
    for values, name, team, rep_id in rep_rows:
        reps.rows.append([name, team, *values])
        worst = max(CHECKS, key=lambda check: values[6 + CHECKS.index(check)])
        reps.links.append(_drill(rep_id, worst, days))
    gaps = [
        {"name": name, "team": team, "files": values[0], "quality": values[5],
         "gaps": [(values[6 + index], _drill(rep_id, check, days)) for index, check in enumerate(CHECKS)]}
        for values, name, team, rep_id in rep_rows
    ]  # fmt: skip
    teams = Chart(
        "teams",
        _("Completeness and freshness by team"),
        "bar",
        [(_("Team"), "text"), *COLUMNS],
        plot=[6],
    )
    for team_id, total in sorted(team_totals.items(), key=lambda item: str(team_names.get(item[0], ""))):
        teams.rows.append([team_names.get(team_id, _("No team")), *cells(total)])
    whole = {"n": sum(total["n"] for total in team_totals.values())}
    for check in CHECKS:
        whole[f"miss_{check}"] = sum(total[f"miss_{check}"] for total in team_totals.values())
    overall = cells(whole)
    return {
        "charts": {"reps": reps, "teams": teams},
        "gaps": gaps,
        "kpis": {
            "files": overall[0],
            "phone": overall[1],
            "intent": overall[2],
            "source": overall[3],
            "fresh": overall[4],
            "quality": overall[5],
        },  # fmt: skip
        "days": days,
    }
