"""SLA arithmetic on hand-computed cases: nights, the lunch break, weekends, a public holiday, a make-up working
day (调休), a pause while waiting on the customer; and properties (hypothesis) of business time."""

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.calendar import Calendar
from service.models import CalendarDay, Ticket, TicketEvent
from service.selectors import sla as sla_selectors
from service.services import tickets as ticket_services

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
# 2026-10-01 (Thu) .. 10-07 are the National Day holiday; Saturday 10-10 is a make-up working day.
HOLIDAYS = {datetime.date(2026, 10, day): False for day in range(1, 8)}
MAKE_UP = {datetime.date(2026, 10, 10): True}


def at(day, hour, minute=0, month=9):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def calendar(**overrides):
    return Calendar(overrides={**HOLIDAYS, **MAKE_UP, **overrides}, tz=TZ)


def test_within_one_morning():
    assert calendar().seconds_between(at(14, 9), at(14, 11)) == 2 * 3600  # Monday


def test_the_lunch_break_is_not_counted():
    # 11:00-12:00 (1 h) + 13:30-15:00 (1.5 h)
    assert calendar().seconds_between(at(14, 11), at(14, 15)) == int(2.5 * 3600)


def test_a_night_is_not_counted():
    # Monday 17:00-18:00 (1 h) + Tuesday 09:00-10:00 (1 h)
    assert calendar().seconds_between(at(14, 17), at(15, 10)) == 2 * 3600


def test_a_weekend_is_not_counted():
    # Friday 09-18 18 Sep: 17:00-18:00 = 1 h; Saturday, Sunday: 0; Monday 21 Sep 09:00-10:00 = 1 h
    assert calendar().seconds_between(at(18, 17), at(21, 10)) == 2 * 3600


def test_adding_across_a_weekend():
    # 8 business hours from Friday 18 Sep 14:00: Fri 14-18 = 4 h; Mon 09-12 = 3 h; 13:30-14:30 = 1 h
    assert calendar().add(at(18, 14), 8 * 3600) == at(21, 14, 30).astimezone(datetime.UTC)


def test_a_public_holiday_and_a_make_up_day():
    # From Wed 30 Sep 17:00, 3 business hours: Wed 17-18 (1 h); 1-7 Oct holiday (Thu-Wed), Thu 8 Oct 09-11 (2 h)
    assert calendar().add(at(30, 17), 3 * 3600) == datetime.datetime(2026, 10, 8, 11, tzinfo=TZ)
    # Friday 9 Oct 17:00 + 2 h: Fri 17-18 (1 h), Saturday 10 Oct is worked (调休): 09-10 (1 h)
    assert calendar().add(datetime.datetime(2026, 10, 9, 17, tzinfo=TZ), 2 * 3600) == datetime.datetime(
        2026, 10, 10, 10, tzinfo=TZ
    )
    # Without the make-up day the same deadline is Monday 12 Oct 10:00.
    plain = Calendar(overrides=HOLIDAYS, tz=TZ)
    assert plain.add(datetime.datetime(2026, 10, 9, 17, tzinfo=TZ), 2 * 3600) == datetime.datetime(
        2026, 10, 12, 10, tzinfo=TZ
    )


def test_starting_at_night_starts_the_next_morning():
    assert calendar().add(at(14, 22), 3600) == at(15, 10).astimezone(datetime.UTC)


@pytest.fixture
def holidays(db):
    for day, working in {**HOLIDAYS, **MAKE_UP}.items():
        CalendarDay.objects.create(day=day, working=working, name="National Day")


def test_a_ticket_deadline_with_a_pause_while_waiting_on_the_customer(org, buyer, agent, holidays):
    """Resolution target 8 business hours, opened Mon 14 Sep 10:00.

    Running Mon 10:00-15:00 = 2 h (10-12) + 1.5 h (13:30-15) = 3.5 h; waiting on the customer Mon 15:00 to
    Wed 16 Sep 10:00 (not counted); running again from Wed 10:00, 4.5 h left: 10-12 (2 h), 13:30-16:00 (2.5 h).
    Deadline Wed 16 Sep 16:00 (without the pause it would have been Tue 15 Sep 10:30).
    """
    ticket = ticket_services.ticket_create(customer=buyer, subject="Leak", by=agent, assignee=agent, at=at(14, 10))
    Ticket.objects.filter(pk=ticket.pk).update(resolution_target=8 * 60, response_target=60)
    ticket.refresh_from_db()
    ticket_services.ticket_transition(ticket=ticket, to_status="in_progress", by=agent, at=at(14, 10, 30))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.resolution_due_at == at(15, 10, 30)
    ticket_services.ticket_transition(ticket=ticket, to_status="waiting", by=agent, at=at(14, 15))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.paused_at == at(14, 15)
    assert ticket.sla_used == 210
    ticket_services.ticket_transition(ticket=ticket, to_status="in_progress", by=agent, at=at(16, 10))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.paused_at is None
    assert ticket.resolution_due_at == at(16, 16)
    # The first response (1 business hour) was due Mon 11:00, before the pause.
    assert ticket.response_due_at == at(14, 11)
    # Recomputing from the history rows gives the same answer.
    again = sla_selectors.clock(ticket, now=at(16, 12))
    assert again.resolution_due_at == at(16, 16)
    assert again.used == (210 + 120) * 60


def test_the_clock_stops_when_resolved_and_runs_again_on_reopening(org, buyer, agent):
    ticket = ticket_services.ticket_create(customer=buyer, subject="Crack", by=agent, assignee=agent, at=at(14, 9))
    ticket_services.ticket_transition(ticket=ticket, to_status="resolved", by=agent, at=at(14, 10))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert sla_selectors.clock(ticket, now=at(18, 10)).used == 3600
    assert not sla_selectors.clock(ticket, now=at(18, 10)).running


# --- properties ------------------------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime.datetime(2026, 9, 1), max_value=datetime.datetime(2026, 11, 30), timezones=st.just(TZ)
)


@settings(max_examples=80, deadline=None)
@given(start=moments, first=moments, second=moments)
def test_business_time_elapsed_never_decreases(start, first, second):
    early, late = sorted([first, second])
    cal = calendar()
    assert cal.seconds_between(start, early) <= cal.seconds_between(start, late)


@settings(max_examples=80, deadline=None)
@given(start=moments, seconds=st.integers(min_value=0, max_value=200 * 3600))
def test_adding_business_time_then_measuring_it_gives_it_back(start, seconds):
    cal = calendar()
    assert cal.seconds_between(start, cal.add(start, seconds)) == seconds


class FakeTicket:
    """Just what the clock reads: the opening time and the targets."""

    def __init__(self, created_at):
        self.created_at = created_at
        self.resolution_target = 600
        self.response_target = 60


@settings(max_examples=60, deadline=None)
@given(
    opened=moments,
    pause=st.integers(min_value=1, max_value=30 * 24 * 60),
    first=st.floats(0, 1),
    second=st.floats(0, 1),
)
def test_business_time_is_zero_inside_a_pause(opened, pause, first, second):
    paused = opened + datetime.timedelta(hours=1)
    resumed = paused + datetime.timedelta(minutes=pause)
    events = [
        TicketEvent(kind="status", at=paused, to_status="waiting"),
        TicketEvent(kind="status", at=resumed, to_status="in_progress"),
    ]
    ticket = FakeTicket(opened)
    cal = calendar()
    a, b = sorted([first, second])
    inside_a = paused + (resumed - paused) * a
    inside_b = paused + (resumed - paused) * b
    used_a = sla_selectors.clock(ticket, events=events, calendar=cal, now=inside_a, share=75).used
    used_b = sla_selectors.clock(ticket, events=events, calendar=cal, now=inside_b, share=75).used
    assert used_a == used_b == cal.seconds_between(opened, paused)
