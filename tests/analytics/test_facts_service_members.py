"""The service and members fact providers (service.selectors.facts, members.selectors.facts) on hand-built rows:
exact values per customer, nothing after the night counted, and the facts reaching the nightly snapshot."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics import facts
from analytics.models import CustomerScore, JobRun
from analytics.selectors.facts import night_end
from analytics.services.jobs import job_start
from members import services as member_services
from members.models import LedgerEntry, Member, Redemption, Tier, TierChange
from members.selectors.facts import members_facts, members_facts_of
from service.models import Callback, Question, Survey, SurveyAnswer, SurveyInvite, Ticket, TicketEvent
from service.selectors.facts import service_facts, service_facts_of
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
D = Decimal
NIGHT = timezone.localdate() - datetime.timedelta(days=5)
END = night_end(NIGHT)


@pytest.fixture(autouse=True)
def _night():
    """The night as each test starts: a module constant goes stale when a run crosses local midnight."""
    global NIGHT, END
    NIGHT = timezone.localdate() - datetime.timedelta(days=5)
    END = night_end(NIGHT)


def before(days=0, hours=1):
    """A moment `days` days and `hours` hours before the night's end."""
    return END - datetime.timedelta(days=days, hours=hours)


AFTER = END + datetime.timedelta(hours=2)  # after the night (still in the past)


def ticket(customer, kind=Ticket.Kind.COMPLAINT, at=None, **fields):
    return Ticket.objects.create(customer=customer, kind=kind, subject="s", created_at=at or before(3), **fields)


def status(ticket_, to_status, at):
    TicketEvent.objects.create(ticket=ticket_, kind=TicketEvent.Kind.STATUS, at=at, to_status=to_status)


def test_service_facts_as_of_the_night():
    served, quiet = CustomerFactory(), CustomerFactory()
    # Open on the night, written without events (resolved / closed times decide); escalated before the night.
    ticket(served, escalated_at=before(1))
    # Praise opened 200 days before: a ticket, not a recent one.
    ticket(served, kind=Ticket.Kind.PRAISE, at=before(200))
    # Resolved after the night, without events: open on the night.
    ticket(served, status=Ticket.Status.RESOLVED, resolved_at=AFTER)
    # Resolved before the night by its events.
    done = ticket(served, status=Ticket.Status.RESOLVED, resolved_at=before(2))
    status(done, Ticket.Status.NEW, before(3))
    status(done, Ticket.Status.RESOLVED, before(2))
    # Resolved before the night, reopened after it: resolved on the night.
    reopened = ticket(served, status=Ticket.Status.IN_PROGRESS, escalated_at=AFTER)  # escalated after the night
    status(reopened, Ticket.Status.NEW, before(3))
    status(reopened, Ticket.Status.RESOLVED, before(2))
    status(reopened, Ticket.Status.IN_PROGRESS, AFTER)
    ticket(served, kind=Ticket.Kind.REPAIR)
    ticket(served, at=AFTER)  # opened after the night: not counted at all
    # Callbacks: scored 4 and unreachable before the night; one after it (score 1) and one not made yet.
    due = NIGHT - datetime.timedelta(days=10)
    Callback.objects.create(customer=served, reason="contract", due_on=due, done_at=before(4), score=4)
    Callback.objects.create(customer=served, reason="contract", due_on=due, done_at=before(4), outcome="unreachable")
    Callback.objects.create(customer=served, reason="contract", due_on=due, done_at=AFTER, score=1)
    Callback.objects.create(customer=served, reason="contract", due_on=due)
    # Surveys: a rating of 5 before the night counts; an NPS answer and a rating answered after it do not.
    first, second = Survey.objects.create(title_en="One"), Survey.objects.create(title_en="Two")
    rating = Question.objects.create(survey=first, kind=Question.Kind.RATING, text_en="How satisfied?")
    nps = Question.objects.create(survey=first, kind=Question.Kind.NPS, text_en="Recommend us?")
    late = Question.objects.create(survey=second, kind=Question.Kind.RATING, text_en="How satisfied?")
    invite = SurveyInvite.objects.create(survey=first, customer=served, token="t1", answered_at=before(1))
    SurveyAnswer.objects.create(invite=invite, question=rating, number=5)
    SurveyAnswer.objects.create(invite=invite, question=nps, number=9)
    late_invite = SurveyInvite.objects.create(survey=second, customer=served, token="t2", answered_at=AFTER)
    SurveyAnswer.objects.create(invite=late_invite, question=late, number=1)

    frame = service_facts(min(served.pk, quiet.pk), max(served.pk, quiet.pk), NIGHT)

    assert frame.loc[served.pk].to_dict() == {
        "tickets": 6.0,
        "complaints": 4.0,
        "recent_tickets": 5.0,
        "escalated_complaints": 1.0,
        "open_complaints": 2.0,
        "callbacks": 2.0,
        "satisfaction": 4.5,  # (callback 4 + rating 5) / 2
    }
    # The same queries for a list of ids (the owners' churn training).
    assert service_facts_of([served.pk, quiet.pk], NIGHT).loc[served.pk].to_dict() == frame.loc[served.pk].to_dict()
    assert quiet.pk not in frame.index  # no service rows: every fact reads 0 (analytics.facts.read)
    # The whole registry gives the same, and zero for the quiet customer.
    read = facts.read(served.pk, quiet.pk, NIGHT, [served.pk, quiet.pk])
    assert read.loc[served.pk, "open_complaints"] == 2.0 and read.loc[quiet.pk, "tickets"] == 0.0
    # A night later the late ticket counts and the complaint resolved after the night is closed.
    later = service_facts(served.pk, served.pk, timezone.localdate())
    assert (later.loc[served.pk, "tickets"], later.loc[served.pk, "complaints"]) == (7.0, 5.0)
    assert later.loc[served.pk, "escalated_complaints"] == 2.0
    assert later.loc[served.pk, "open_complaints"] == 3.0  # first, late and reopened (now in progress)


def entry(member, kind, amount, at, source=None):
    row = LedgerEntry.objects.create(
        member=member,
        kind=kind,
        amount=amount,
        reason="r",
        source_type=source._meta.label_lower if source else "",
        source_id=source.pk if source else None,
    )
    LedgerEntry.objects.filter(pk=row.pk).update(created_at=at)


def test_members_facts_as_of_the_night():
    silver, gold, platinum = Tier.objects.order_by("rank")[:3]
    promoted, dormant, newcomer, gone, stranger = (CustomerFactory() for _ in range(5))
    # Silver from 100 days before, Gold 10 days before the night, Platinum after it: Gold (2nd tier) on the night.
    member = member_services.member_enrol(customer=promoted)
    Member.objects.filter(pk=member.pk).update(joined_on=NIGHT - datetime.timedelta(days=100), tier=platinum)
    TierChange.objects.filter(member=member).update(at=before(100))
    for from_tier, to_tier, at in ((silver, gold, before(10)), (gold, platinum, AFTER)):
        change = TierChange.objects.create(member=member, from_tier=from_tier, to_tier=to_tier, reason="promoted")
        TierChange.objects.filter(pk=change.pk).update(at=at)
    entry(member, LedgerEntry.Kind.EARN, 500, before(30))
    benefit_redeemed = Redemption.objects.create(member=member, benefit=_benefit(), points=50)
    entry(member, LedgerEntry.Kind.SPEND, -50, before(20), source=benefit_redeemed)
    cancelled = Redemption.objects.create(member=member, benefit=_benefit(), points=30, status="cancelled")
    entry(member, LedgerEntry.Kind.SPEND, -30, before(15), source=cancelled)
    entry(member, LedgerEntry.Kind.ADJUST, 30, before(12), source=cancelled)  # the points given back
    late = Redemption.objects.create(member=member, benefit=_benefit(), points=20)
    entry(member, LedgerEntry.Kind.SPEND, -20, AFTER, source=late)
    # A Silver member without tier history whose last earning is 120 days old: inactive.
    quiet = member_services.member_enrol(customer=dormant)
    TierChange.objects.filter(member=quiet).delete()
    Member.objects.filter(pk=quiet.pk).update(joined_on=NIGHT - datetime.timedelta(days=200))
    entry(quiet, LedgerEntry.Kind.EARN, 100, before(120))
    # Joined after the night; and one who left: neither is a member on the night.
    late_member = member_services.member_enrol(customer=newcomer)
    Member.objects.filter(pk=late_member.pk).update(joined_on=NIGHT + datetime.timedelta(days=1))
    entry(late_member, LedgerEntry.Kind.EARN, 100, AFTER)
    left = member_services.member_enrol(customer=gone)
    Member.objects.filter(pk=left.pk).update(joined_on=NIGHT - datetime.timedelta(days=50), status=Member.Status.LEFT)

    ids = [promoted.pk, dormant.pk, newcomer.pk, gone.pk, stranger.pk]
    frame = facts.read(min(ids), max(ids), NIGHT, ids)[["member_tier", "member_active", "points_redeemed"]]

    assert frame.loc[promoted.pk].to_dict() == {"member_tier": 2.0, "member_active": 1.0, "points_redeemed": 50.0}
    assert frame.loc[dormant.pk].to_dict() == {"member_tier": 1.0, "member_active": 0.0, "points_redeemed": 0.0}
    for customer in (newcomer, gone, stranger):
        assert frame.loc[customer.pk].sum() == 0.0
    assert set(members_facts(min(ids), max(ids), NIGHT).index) == {promoted.pk, dormant.pk}
    # The same queries for a list of ids (the owners' churn training).
    of_ids = members_facts_of(ids, NIGHT)
    assert of_ids.loc[promoted.pk].to_dict() == frame.loc[promoted.pk].to_dict()
    assert set(of_ids.index) == {promoted.pk, dormant.pk}
    # Today the Platinum promotion and the late redemption count.
    today = members_facts(promoted.pk, promoted.pk, timezone.localdate()).loc[promoted.pk]
    assert (today["member_tier"], today["points_redeemed"]) == (3.0, 70.0)


def _benefit():
    from members.models import Benefit

    return Benefit.objects.create(name="Moving help", name_zh="搬家协助", points_price=10)


def test_complaints_and_membership_reach_the_nightly_snapshot(world, night):
    c2 = world["c2"]  # contract, one cancelled deal (tests/analytics/conftest.py)
    ticket(c2, at=timezone.now() - datetime.timedelta(hours=1))  # an open complaint
    member = member_services.member_enrol(customer=c2)  # its contracted unit earns Gold, the 2nd tier
    member_services.points_earn(member=member, amount=100, reason="Event attended")

    run = job_start("scores", night)

    assert run.status == JobRun.Status.SUCCEEDED, run.error
    row = CustomerScore.objects.get(customer=c2, night=night)
    assert row.risk == "medium"  # cancelled deal 1 + open complaint 2 = 3 points
    assert row.risk_reasons == {"cancelled_deals": 1, "open_complaints": 1}
    # Gold 2 × 8 + active 10 − one complaint 8 = 18.
    assert row.loyalty_factors == {"member_tier": 16.0, "member_active": 10.0, "complaints": -8.0}
    assert row.loyalty == D("18.00")
    assert row.service_cost == D("200.00")  # 1 ticket × ticket_cost
    assert row.demand == 2  # ticket + complaint
