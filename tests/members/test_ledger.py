"""The points ledger: immutable entries, a balance equal to their sum, no overdraw, FIFO expiry, reconciliation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_site.models import AuditEntry
from members import services
from members.models import LedgerEntry, Member, MemberSettings
from members.services.ledger import add_months, expiry_due

pytestmark = pytest.mark.django_db


def ledger_sum(member) -> int:
    return sum(member.entries.values_list("amount", flat=True))


def earn(member, amount, **kwargs):
    return services.points_earn(member=member, amount=amount, reason="test", **kwargs)


def backdate(entry, *, days):
    """Move an entry `days` into the past (its expiry too), as if it had been earned then."""
    when = timezone.now() - datetime.timedelta(days=days)
    expires_on = (
        add_months(timezone.localdate(when), MemberSettings.current().expiry_months) if entry.amount > 0 else None
    )
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=when, expires_on=expires_on)


def test_earn_and_spend_move_the_balance_with_the_entries(member):
    earn(member, 500)
    services.points_spend(member=member, amount=200, reason="gift")
    member.refresh_from_db()
    assert member.balance == 300 == ledger_sum(member)
    assert list(member.entries.order_by("id").values_list("kind", "amount")) == [("earn", 500), ("spend", -200)]


def test_a_spend_beyond_the_balance_is_refused_and_writes_nothing(member):
    earn(member, 100)
    with pytest.raises(ValidationError, match="Not enough points"):
        services.points_spend(member=member, amount=101, reason="too much")
    member.refresh_from_db()
    assert member.balance == 100
    assert member.entries.count() == 1


def test_a_suspended_member_cannot_spend(member, admin_user):
    earn(member, 100)
    services.member_set_status(member=member, status=Member.Status.SUSPENDED, by=admin_user)
    with pytest.raises(ValidationError):
        services.points_spend(member=member, amount=10, reason="x")


def test_the_same_award_key_is_granted_once(member):
    first = earn(member, 300, key="event:7:member:1")
    again = earn(member, 300, key="event:7:member:1")
    assert first.pk == again.pk
    member.refresh_from_db()
    assert member.balance == 300


def test_the_database_refuses_a_second_entry_with_a_key(member):
    earn(member, 10, key="k1")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(member=member, kind="earn", amount=10, reason="dup", key="k1")


def test_a_manual_adjustment_needs_the_permission_and_a_reason_and_is_audited(member, rep, org):
    marketing = org["marketing"]
    with pytest.raises(PermissionDenied):
        services.points_adjust(member=member, amount=50, reason="goodwill", by=rep)
    with pytest.raises(ValidationError):
        services.points_adjust(member=member, amount=50, reason="  ", by=marketing)
    services.points_adjust(member=member, amount=50, reason="goodwill", by=marketing)
    member.refresh_from_db()
    assert member.balance == 50
    audit = AuditEntry.objects.get(model="members.member", object_id=str(member.pk), reason="goodwill")
    assert audit.changes == {"points": 50}
    assert audit.actor == marketing


def test_expiry_is_first_in_first_out_and_safe_to_run_twice(member):
    """Hand-computed: 100 earned 30 months ago, 200 earned 20 months ago (both past 24 months? no: only the
    first), 150 spent 10 months ago. FIFO: the spend drew the 100 first, then 50 of the 200; nothing of the
    first lot is left to expire; the 200-lot is not due. Then 27 months later of the second lot: 150 expire."""
    old = earn(member, 100)
    backdate(old, days=30 * 30)
    newer = earn(member, 200)
    backdate(newer, days=20 * 30)
    ten_months_ago = timezone.localdate() - datetime.timedelta(days=10 * 30)
    spend = services.points_spend(member=member, amount=150, reason="gift", today=ten_months_ago)
    backdate(spend, days=10 * 30)
    assert services.points_expire_all() == 0
    later = timezone.localdate() + datetime.timedelta(days=5 * 31)
    assert expiry_due(member.pk, today=later) == 150
    assert services.points_expire_all(today=later) == 150
    assert services.points_expire_all(today=later) == 0  # the second run finds nothing
    member.refresh_from_db()
    assert member.balance == 0 == ledger_sum(member)
    assert member.entries.filter(kind="expire").get().amount == -150


def test_a_spend_cannot_use_points_that_expired_before_the_nightly_job(member):
    lot = earn(member, 100)
    backdate(lot, days=25 * 31)
    earn(member, 40)
    member.refresh_from_db()
    assert member.balance == 140
    assert services.available(member) == 40
    with pytest.raises(ValidationError):
        services.points_spend(member=member, amount=41, reason="x")
    services.points_spend(member=member, amount=40, reason="x")


def test_the_member_page_lists_what_expires_when(member):
    lot = earn(member, 100)
    backdate(lot, days=400)
    earn(member, 60)
    services.points_spend(member=member, amount=30, reason="x")
    member.refresh_from_db()
    lots = services.expiring(member)
    assert [lot.points for lot in lots] == [70, 60]
    assert lots[0].expires_on < lots[1].expires_on


def test_reconciliation_reports_a_balance_that_differs_and_changes_nothing(member, caplog):
    earn(member, 100)
    assert services.balances_reconcile() == []
    Member.objects.filter(pk=member.pk).update(balance=90)  # a write that went around the ledger
    mismatches = services.balances_reconcile()
    assert [(m.member_id, m.balance, m.ledger_sum) for m in mismatches] == [(member.pk, 90, 100)]
    member.refresh_from_db()
    assert member.balance == 90
    assert "differs from the ledger" in caplog.text


def test_the_reconciliation_task_notifies_the_staff_who_adjust_points(member, org):
    from members.tasks import balances_reconcile_task
    from outreach.models import Message

    Member.objects.filter(pk=member.pk).update(balance=5)
    assert balances_reconcile_task() == 1
    assert Message.objects.filter(user=org["marketing"]).exists()


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 24) == datetime.date(2028, 11, 15)


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(1, 500), st.integers(0, 900)),
        st.tuples(st.just("spend"), st.integers(1, 500), st.integers(0, 900)),
        st.tuples(st.just("expire"), st.just(0), st.integers(0, 900)),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_any_sequence_keeps_the_balance_the_sum_never_negative_and_expiry_exact(member, ops):
    """Each operation happens `age` days ago, in order of age (oldest first). A model of lots, drawn FIFO,
    predicts the balance; the ledger must agree, never go negative, and expire exactly what the model says."""
    Member.objects.filter(pk=member.pk).update(balance=0)
    LedgerEntry.objects.filter(member=member).delete()
    member.refresh_from_db()
    months = MemberSettings.current().expiry_months
    lots: list[list] = []  # [expires_on, remaining]
    today = timezone.localdate()
    for kind, amount, age in sorted(ops, key=lambda op: -op[2]):
        day = today - datetime.timedelta(days=age)
        for lot in lots:  # the model: what expired by `day` is gone
            if lot[0] <= day:
                lot[1] = 0
        usable = sum(lot[1] for lot in lots)
        if kind == "earn":
            entry = earn(member, amount)
            backdate(entry, days=age)
            lots.append([add_months(day, months), amount])
        elif kind == "spend":
            try:
                entry = services.points_spend(member=member, amount=amount, reason="x", today=day)
            except ValidationError:
                assert amount > usable
                continue
            assert amount <= usable
            backdate(entry, days=age)
            for lot in sorted(lots):
                drawn = min(lot[1], amount)
                lot[1] -= drawn
                amount -= drawn
        else:
            entry = services.points_expire(member=member, today=day)
            if entry is not None:
                backdate(entry, days=age)
        member.refresh_from_db()
        assert member.balance >= 0
        assert member.balance == ledger_sum(member)
    services.points_expire_all(today=today)
    for lot in lots:
        if lot[0] <= today:
            lot[1] = 0
    member.refresh_from_db()
    assert member.balance == ledger_sum(member) == sum(lot[1] for lot in lots)
    assert member.balance >= 0


def test_a_spend_after_an_unwritten_expiry_never_revives_the_expired_points(member):
    """100 expired (the nightly job has not run yet) and 100 live: a spend of 100 draws on the live lot, so
    nothing is left — before the fix the expired lot counted as spent and its 100 points came back to life."""
    expired = earn(member, 100)
    backdate(expired, days=25 * 31)
    earn(member, 100)
    services.points_spend(member=member, amount=100, reason="gift")
    member.refresh_from_db()
    assert member.balance == 0 == ledger_sum(member)
    assert member.entries.filter(kind="expire").get().amount == -100
    with pytest.raises(ValidationError):
        services.points_spend(member=member, amount=1, reason="gift")
