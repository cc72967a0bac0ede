"""What service tells the nightly scores about each customer (analytics.facts), as of a night, in bulk.

One ORM-built query per fact group and chunk of customer ids (read as tuples, no model instances); nothing at or
after the end of the night counts. Registered in service/panels/analytics.py.

    tickets          tickets opened by the night
    complaints       of them, the complaints
    recent_tickets   tickets opened in the 180 days before the night's end
    escalated_complaints  complaints escalated (their SLA breached: Ticket.escalated_at) before the night's end
    open_complaints  complaints still open on the night: the status of the last status event before the night's
                     end (a reopened ticket is open again); a ticket written without events (bench rows) reads
                     its resolved / closed times instead
    callbacks        callbacks made by the night (unreachable ones too: the call was made)
    satisfaction     the mean of the callbacks' scores (1–5) and the survey answers to rating questions (1–5)
                     given by the night, pooled; a customer who never answered has none (reads 0)

`service_facts` reads a chunk of ids (lo..hi), `service_facts_of` a list of ids (a sample, or a past day's owners
for the owners' churn tree): the same queries. `latest_escalations` gives the owners' churn label its escalations.

Service keeps no cost per ticket and no change requests of a customer (renovations belong to a unit and record
work done), so `service_cost` and `change_requests` are not given: analytics counts tickets × ticket_cost.
"""

import datetime

import pandas as pd
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When

from analytics.selectors.facts import BATCH, customers_in, latest_between, night_end, read_frame
from service.models import Callback, Question, SurveyAnswer, Ticket, TicketEvent

CLOSED = set(Ticket.CLOSED_STATUSES)
RECENT_DAYS = 180
COMPLAINT = Q(kind=Ticket.Kind.COMPLAINT)


def _tickets(scope, end) -> pd.DataFrame:
    frame = read_frame(
        Ticket.objects.filter(customers_in("customer", scope), created_at__lt=end)
        .values("customer_id")
        .annotate(
            tickets=Count("pk"),
            complaints=Count("pk", filter=COMPLAINT),
            recent_tickets=Count("pk", filter=Q(created_at__gte=end - datetime.timedelta(days=RECENT_DAYS))),
            escalated_complaints=Count("pk", filter=COMPLAINT & Q(escalated_at__lt=end)),
        )
        .order_by(),
        ["customer_id", "tickets", "complaints", "recent_tickets", "escalated_complaints"],
    )
    return frame.set_index("customer_id").astype(float)


def _open_complaints(scope, end) -> pd.Series:
    last_status = (
        TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=TicketEvent.Kind.STATUS, at__lt=end)
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    rows = read_frame(
        Ticket.objects.filter(customers_in("customer", scope), COMPLAINT, created_at__lt=end)
        .annotate(
            status_then=Subquery(last_status),
            done_then=Case(
                When(Q(resolved_at__lt=end) | Q(closed_at__lt=end), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .values_list("customer_id", "status_then", "done_then")
        .order_by(),
        ["customer_id", "status_then", "done_then"],
    )
    if rows.empty:
        return pd.Series(dtype=float, name="open_complaints")
    is_open = [
        (status not in CLOSED) if isinstance(status, str) and status else not done
        for status, done in zip(rows["status_then"], rows["done_then"], strict=True)
    ]
    rows["open"] = pd.Series(is_open, index=rows.index, dtype=float)
    return rows.groupby("customer_id")["open"].sum().rename("open_complaints")


def _callbacks(scope, end) -> pd.DataFrame:
    frame = read_frame(
        Callback.objects.filter(customers_in("customer", scope), done_at__lt=end)
        .values("customer_id")
        .annotate(callbacks=Count("pk"), score_sum=Sum("score"), score_n=Count("score"))
        .order_by(),
        ["customer_id", "callbacks", "score_sum", "score_n"],
    )
    return frame.set_index("customer_id").fillna(0).astype(float)


def _ratings(scope, end) -> pd.DataFrame:
    frame = read_frame(
        SurveyAnswer.objects.filter(
            customers_in("invite__customer", scope),
            invite__answered_at__lt=end,
            question__kind=Question.Kind.RATING,
            number__range=(1, 5),
        )
        .values("invite__customer_id")
        .annotate(rating_sum=Sum("number"), rating_n=Count("pk"))
        .order_by(),
        ["customer_id", "rating_sum", "rating_n"],
    )
    return frame.set_index("customer_id").fillna(0).astype(float)


COLUMNS = [
    "tickets", "complaints", "recent_tickets", "escalated_complaints", "open_complaints", "callbacks", "satisfaction",
]  # fmt: skip


def service_facts(lo: int, hi: int, night) -> pd.DataFrame:
    """COLUMNS of customers lo..hi as of `night`."""
    return _facts((lo, hi), night)


def service_facts_of(ids: list, night) -> pd.DataFrame:
    """COLUMNS of the customers `ids` as of `night` (in batches of analytics' BATCH ids)."""
    parts = [_facts(ids[start : start + BATCH], night) for start in range(0, len(ids), BATCH)]
    return pd.concat(parts) if parts else pd.DataFrame(columns=COLUMNS)


def _facts(scope, night) -> pd.DataFrame:
    end = night_end(night)
    tickets = _tickets(scope, end)
    callbacks = _callbacks(scope, end)
    ratings = _ratings(scope, end)
    frame = pd.concat(
        [tickets, _open_complaints(scope, end), callbacks, ratings], axis=1, join="outer", sort=True
    ).fillna(0.0)
    for column in (
        "tickets",
        "complaints",
        "recent_tickets",
        "escalated_complaints",
        "open_complaints",
        "callbacks",
        "score_sum",
        "score_n",
        "rating_sum",
        "rating_n",
    ):
        if column not in frame:
            frame[column] = 0.0
    answers = frame["score_n"] + frame["rating_n"]
    frame["satisfaction"] = ((frame["score_sum"] + frame["rating_sum"]) / answers.where(answers > 0)).fillna(0.0)
    frame.index.name = "customer_id"
    return frame[COLUMNS]


def latest_escalations(ids: list, since: datetime.datetime, until: datetime.datetime) -> pd.Series:
    """The latest escalation (Ticket.escalated_at) in [since, until) of each customer's complaints, for the
    customers `ids` (the owners' churn label, analytics.churn_owners). Reopening a ticket clears its escalation
    (service.services.tickets), so a complaint reopened and escalated again counts from its last escalation."""
    return latest_between(Ticket.objects.filter(COMPLAINT), ids, "escalated_at", since, until)
