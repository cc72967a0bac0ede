"""The most specific SLA policy wins, with customer classes (key accounts, members from a tier up); and the open
tickets' deadlines are recounted after a calendar edit (in bulk, once per transaction, after commit)."""

import datetime
import zoneinfo

import pytest
from django.db import IntegrityError, transaction

from members.models import Member, Tier
from service.models import CalendarDay, Category, SlaPolicy, Ticket, WorkingInterval
from service.selectors import sla as sla_selectors
from service.services import sla as sla_services
from service.services import tickets as ticket_services
from tests.factories import CustomerFactory
from tests.service.conftest import run_pending_recount

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
URGENT = Ticket.Priority.URGENT


@pytest.fixture
def tree():
    leakage = Category.objects.create(name_en="Leakage (test)")
    return {
        "leakage": leakage,
        "roof": Category.objects.create(name_en="Roof leak (test)", parent=leakage),
        "cracks": Category.objects.create(name_en="Cracks (test)"),
    }


@pytest.fixture
def tiers():
    return {
        "silver": Tier.objects.create(name="Silver (test)", name_zh="银卡", rank=50),
        "gold": Tier.objects.create(name="Gold (test)", name_zh="金卡", rank=60),
    }


@pytest.fixture
def policies(tree, tiers):
    SlaPolicy.objects.filter(priority=URGENT).delete()
    rows = [
        dict(first_response_minutes=60, resolution_minutes=480),
        dict(category=tree["leakage"], first_response_minutes=30, resolution_minutes=240),
        dict(key_account=True, first_response_minutes=20, resolution_minutes=120),
        dict(member_tier=tiers["silver"], first_response_minutes=15, resolution_minutes=90),
        dict(member_tier=tiers["gold"], category=tree["leakage"], first_response_minutes=10, resolution_minutes=60),
    ]
    for row in rows:
        SlaPolicy.objects.create(priority=URGENT, **row)


def member(customer, tier, status=Member.Status.ACTIVE):
    return Member.objects.create(
        customer=customer,
        number=f"T{customer.pk}",
        card_no=f"C{customer.pk}",
        joined_on=datetime.date(2026, 1, 1),
        tier=tier,
        status=status,
    )


def targets(customer, category):
    return sla_selectors.targets_for(priority=URGENT, category=category, customer=customer)


def test_for_every_customer_the_closest_category_wins(org, tree, policies):
    customer = CustomerFactory(owner=org["rep"])
    assert targets(customer, tree["roof"]) == (30, 240)  # the parent's (leakage) policy
    assert targets(customer, tree["leakage"]) == (30, 240)
    assert targets(customer, tree["cracks"]) == (60, 480)  # no policy of its own: any category
    assert targets(customer, None) == (60, 480)


def test_a_key_account_gets_the_key_account_policy_whatever_the_category(org, tree, policies):
    key = CustomerFactory(owner=org["rep"], key_account=True)
    assert targets(key, tree["cracks"]) == (20, 120)
    assert targets(key, tree["roof"]) == (20, 120)


def test_members_get_their_tier_policy_or_a_lower_tiers(org, tree, tiers, policies):
    silver = CustomerFactory(owner=org["rep"])
    member(silver, tiers["silver"])
    gold = CustomerFactory(owner=org["rep"], key_account=True)
    member(gold, tiers["gold"])
    assert targets(silver, tree["roof"]) == (15, 90)
    assert targets(gold, tree["roof"]) == (10, 60)  # gold × leakage beats silver × any and the key-account policy
    assert targets(gold, tree["cracks"]) == (15, 90)  # gold reaches the silver policy (from silver up)


def test_a_suspended_member_is_an_ordinary_customer(org, tree, tiers, policies):
    customer = CustomerFactory(owner=org["rep"])
    member(customer, tiers["gold"], status=Member.Status.SUSPENDED)
    assert targets(customer, tree["roof"]) == (30, 240)


def test_a_key_account_ticket_gets_the_tighter_deadlines(org, tree, policies):
    key = CustomerFactory(owner=org["rep"], key_account=True)
    monday_nine = datetime.datetime(2026, 9, 14, 9, tzinfo=TZ)
    ticket = ticket_services.ticket_create(
        customer=key, subject="Water on the floor", priority=URGENT, category=tree["cracks"], at=monday_nine
    )
    assert (ticket.response_target, ticket.resolution_target) == (20, 120)
    assert ticket.response_due_at == datetime.datetime(2026, 9, 14, 9, 20, tzinfo=TZ)
    assert ticket.resolution_due_at == datetime.datetime(2026, 9, 14, 11, tzinfo=TZ)


def test_one_policy_per_priority_category_and_class(tree, tiers, policies):
    with pytest.raises(IntegrityError), transaction.atomic():
        SlaPolicy.objects.create(priority=URGENT, key_account=True, first_response_minutes=1, resolution_minutes=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlaPolicy.objects.create(
            priority=URGENT, key_account=True, member_tier=tiers["gold"], first_response_minutes=1, resolution_minutes=2
        )


# --- recount after a calendar edit ---------------------------------------------------------------------------


@pytest.fixture
def friday_ticket(org, tree, policies):
    """Opened Friday 18 Sep 16:00, 240 business minutes: Fri 16-18 (2 h), Mon 21 09-11 (2 h) → due Mon 11:00."""
    customer = CustomerFactory(owner=org["rep"])
    ticket = ticket_services.ticket_create(
        customer=customer,
        subject="Leak",
        priority=URGENT,
        category=tree["leakage"],
        at=datetime.datetime(2026, 9, 18, 16, tzinfo=TZ),
    )
    assert ticket.resolution_due_at == datetime.datetime(2026, 9, 21, 11, tzinfo=TZ)
    return ticket


def test_a_new_public_holiday_moves_open_deadlines(friday_ticket):
    CalendarDay.objects.create(day=datetime.date(2026, 9, 21), working=False, name="Test holiday")
    assert run_pending_recount() == 1
    friday_ticket.refresh_from_db()
    assert friday_ticket.resolution_due_at == datetime.datetime(2026, 9, 22, 11, tzinfo=TZ)  # Tuesday instead


def test_deleting_the_holiday_and_editing_hours_recount_again(friday_ticket):
    CalendarDay.objects.create(day=datetime.date(2026, 9, 21), working=False, name="Test holiday")
    assert run_pending_recount() == 1
    day = CalendarDay.objects.get(day=datetime.date(2026, 9, 21))
    with transaction.atomic():
        day.delete()
        # Monday now starts at 08:00: Mon 08:00 + 2 h → 10:00
        for interval in WorkingInterval.objects.filter(weekday=0, starts=datetime.time(9)):
            interval.starts = datetime.time(8)
            interval.save()
    assert run_pending_recount() == 1
    friday_ticket.refresh_from_db()
    assert friday_ticket.resolution_due_at == datetime.datetime(2026, 9, 21, 10, tzinfo=TZ)


def test_many_edits_in_one_transaction_queue_one_recount(friday_ticket):
    """Five days closed in one transaction: one recount waits for the commit (counted in the whole pending list:
    when the test's own setup already queued one in an enclosing block, that one serves, and none is added)."""
    from django.db import connection

    def queued() -> int:
        return sum(
            1 for _sids, function, _robust in connection.run_on_commit if function is sla_services._recount_after_commit
        )

    with transaction.atomic():
        for day in range(21, 26):
            CalendarDay.objects.create(day=datetime.date(2026, 9, day), working=False, name="Closed week")
        assert queued() == 1


def test_the_recount_is_bulk_and_skips_closed_tickets(friday_ticket, django_assert_max_num_queries):
    closed = ticket_services.ticket_create(customer=friday_ticket.customer, subject="Old", priority=URGENT)
    Ticket.objects.filter(pk=closed.pk).update(status=Ticket.Status.CLOSED, resolution_due_at=None)
    CalendarDay.objects.create(day=datetime.date(2026, 9, 21), working=False, name="Test holiday")
    with django_assert_max_num_queries(8):
        assert sla_services.sla_recount_open() == 1
    closed.refresh_from_db()
    assert closed.resolution_due_at is None
