"""Visits due by the visit-frequency rules (analytics.models.VisitRule): the customers whose segment or value
quadrant on the newest score snapshot has a rule and who were last contacted more than that many days ago (or
never).

Days are calendar days in the local time zone: with a 14-day rule, a customer last contacted on the 1st is due
on the 15th and overdue from the 16th. A customer matching two rules (a segment and a quadrant) follows the
stricter one. Everything is one query joining the night's scores with the customers; nothing runs per customer.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from analytics.models import CustomerScore, VisitRule
from analytics.models.scores import latest_night
from customers.models import Customer


@dataclass(frozen=True)
class Rule:
    kind: str  # "segment" or "quadrant": the CustomerScore field it reads
    value: str
    days: int


def active_rules() -> list[Rule]:
    """The active rules, strictest (fewest days) first."""
    rows = VisitRule.objects.filter(active=True).order_by("days", "kind", "value")
    return [Rule(row.kind, row.value, row.days) for row in rows]


def rule_days() -> dict[tuple[str, str], int | None]:
    """Days per (kind, value) for every segment and quadrant; None where no active rule is set."""
    days: dict[tuple[str, str], int | None] = {
        **{(VisitRule.Kind.SEGMENT.value, value): None for value in CustomerScore.Segment.values},
        **{(VisitRule.Kind.QUADRANT.value, value): None for value in CustomerScore.Quadrant.values},
    }
    for rule in active_rules():
        days[(rule.kind, rule.value)] = rule.days
    return days


def cutoff(days: int, today: datetime.date | None = None) -> datetime.datetime:
    """The start of the local day `days` before `today`: a contact before it is more than `days` days old."""
    today = today or timezone.localdate()
    start = datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.min)
    return timezone.make_aware(start) if timezone.is_naive(start) else start


def due_q(rules: list[Rule], *, score: str, contact: str, today: datetime.date | None = None) -> Q:
    """Rows due under any of `rules`: `score` is the path to the score's fields ("" on CustomerScore,
    "scores__" on Customer), `contact` the path to the customer's last_contact_at."""
    if not rules:
        return Q(pk__in=[])
    condition = Q()
    for rule in rules:
        stale = Q(**{f"{contact}__isnull": True}) | Q(**{f"{contact}__lt": cutoff(rule.days, today)})
        condition |= Q(**{f"{score}{rule.kind}": rule.value}) & stale
    return condition


def customers_due_q(*, today: datetime.date | None = None) -> Q:
    """A condition on Customer: due for a visit by the rules, on the newest night (nothing before a first run)."""
    night = latest_night()
    rules = active_rules()
    if night is None or not rules:
        return Q(pk__in=[])
    # One join: night and rule conditions in one filter() use the same score row (one per customer and night).
    return Q(scores__night=night) & due_q(rules, score="scores__", contact="last_contact_at", today=today)


def visits_due(*, user, own: bool = False, today: datetime.date | None = None) -> QuerySet[Customer]:
    """The customers due for a visit that `user` may see (`own`: only those they own), most overdue first
    (never contacted first), each with `visit_every` (the rule's days) and `visit_due_at` (when it fell due)."""
    night = latest_night()
    rules = active_rules()
    if night is None or not rules:
        return Customer.objects.none()
    on_night = Q(scores__night=night)
    if own:
        # The score's owner is the customer's owner on that night: it lets the (night, owner) index find the rows.
        customers = Customer.objects.filter(owner=user)
        on_night &= Q(scores__owner=user)
    else:
        customers = Customer.objects.visible_to(user)
    matches = [(rule, Q(**{f"scores__{rule.kind}": rule.value})) for rule in rules]  # strictest first
    return (
        customers.filter(on_night & due_q(rules, score="scores__", contact="last_contact_at", today=today))
        .annotate(
            visit_every=Case(
                *[When(match, then=Value(rule.days)) for rule, match in matches], output_field=IntegerField()
            ),
            visit_due_at=Case(
                *[
                    When(match, then=F("last_contact_at") + datetime.timedelta(days=rule.days))
                    for rule, match in matches
                ],
                output_field=DateTimeField(),
            ),
        )
        .select_related("owner")
        .order_by(F("visit_due_at").asc(nulls_first=True), "pk")
    )


def overdue_days(customer, today: datetime.date | None = None) -> int | None:
    """Whole days `customer` (from visits_due) is past its rule; None if never contacted."""
    if customer.last_contact_at is None:
        return None
    today = today or timezone.localdate()
    contacted = timezone.localdate(customer.last_contact_at)
    return (today - contacted).days - customer.visit_every


def due_counts_by_owner(scores: QuerySet[CustomerScore], *, today: datetime.date | None = None) -> dict[int, int]:
    """Customers due per owner among `scores` (one night's rows, already scoped): one grouped query."""
    rules = active_rules()
    if not rules:
        return {}
    rows = (
        scores.filter(due_q(rules, score="", contact="customer__last_contact_at", today=today))
        .values("owner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["owner_id"]: row["n"] for row in rows}
