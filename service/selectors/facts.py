"""What service tells the nightly scores about each customer (analytics.facts), as of a night, in bulk.

One ORM-built query per fact group and chunk of customer ids (read as tuples, no model instances); nothing at or
after the end of the night counts. Registered in service/panels/analytics.py.

    tickets          tickets opened by the night
    complaints       of them, the complaints
    open_complaints  complaints still open on the night: the status of the last status event before the night's
                     end (a reopened ticket is open again); a ticket written without events (bench rows) reads
                     its resolved / closed times instead
    callbacks        callbacks made by the night (unreachable ones too: the call was made)
    satisfaction     the mean of the callbacks' scores (1–5) and the survey answers to rating questions (1–5)
                     given by the night, pooled; a customer who never answered has none (reads 0)

Service keeps no cost per ticket and no change requests of a customer (renovations belong to a unit and record
work done), so `service_cost` and `change_requests` are not given: analytics counts tickets × ticket_cost.
"""

import pandas as pd
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When

from analytics.selectors.facts import night_end, read_frame
from service.models import Callback, Question, SurveyAnswer, Ticket, TicketEvent

CLOSED = set(Ticket.CLOSED_STATUSES)


def _tickets(lo: int, hi: int, end) -> pd.DataFrame:
    frame = read_frame(
        Ticket.objects.filter(customer__pk__range=(lo, hi), created_at__lt=end)
        .values("customer_id")
        .annotate(tickets=Count("pk"), complaints=Count("pk", filter=Q(kind=Ticket.Kind.COMPLAINT)))
        .order_by(),
        ["customer_id", "tickets", "complaints"],
    )
    return frame.set_index("customer_id").astype(float)


def _open_complaints(lo: int, hi: int, end) -> pd.Series:
    last_status = (
        TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=TicketEvent.Kind.STATUS, at__lt=end)
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    rows = read_frame(
        Ticket.objects.filter(customer__pk__range=(lo, hi), created_at__lt=end, kind=Ticket.Kind.COMPLAINT)
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


def _callbacks(lo: int, hi: int, end) -> pd.DataFrame:
    frame = read_frame(
        Callback.objects.filter(customer__pk__range=(lo, hi), done_at__lt=end)
        .values("customer_id")
        .annotate(callbacks=Count("pk"), score_sum=Sum("score"), score_n=Count("score"))
        .order_by(),
        ["customer_id", "callbacks", "score_sum", "score_n"],
    )
    return frame.set_index("customer_id").fillna(0).astype(float)


def _ratings(lo: int, hi: int, end) -> pd.DataFrame:
    frame = read_frame(
        SurveyAnswer.objects.filter(
            invite__customer__pk__range=(lo, hi),
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


def service_facts(lo: int, hi: int, night) -> pd.DataFrame:
    """tickets, complaints, open_complaints, callbacks, satisfaction of customers lo..hi as of `night`."""
    end = night_end(night)
    tickets = _tickets(lo, hi, end)
    callbacks = _callbacks(lo, hi, end)
    ratings = _ratings(lo, hi, end)
    frame = pd.concat(
        [tickets, _open_complaints(lo, hi, end), callbacks, ratings], axis=1, join="outer", sort=True
    ).fillna(0.0)
    for column in (
        "tickets",
        "complaints",
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
    return frame[["tickets", "complaints", "open_complaints", "callbacks", "satisfaction"]]
