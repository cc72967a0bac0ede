"""Payment schedules, payments and refunds: exact Decimal arithmetic and the rules of the payment service."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sales.models import Deal, Installment, Payment
from sales.services import money as services
from sales.services.money import Plan, plan_lines
from tests.sales.factories import DealFactory

D = Decimal
TODAY = datetime.date(2025, 1, 31)


def contract(owner, price="1000000.00", **kwargs) -> Deal:
    return DealFactory(
        opportunity__customer__owner=owner,
        stage=Deal.Stage.CONTRACT,
        price=D(price),
        signed_on=kwargs.pop("signed_on", datetime.date(2025, 1, 10)),
        **kwargs,
    )


# --- plan arithmetic (no database) ------------------------------------------------------------------------

prices = st.decimals(min_value=D("0.01"), max_value=D("999999999999.99"), places=2)


@settings(max_examples=300, deadline=None)
@given(price=prices, count=st.integers(min_value=1, max_value=120), pct=st.integers(min_value=0, max_value=100))
def test_an_installment_plan_sums_exactly_to_the_price(price, count, pct):
    try:
        lines = plan_lines(
            price=price, plan=Plan.INSTALLMENTS, first_due=TODAY, down_payment_pct=D(pct), installments=count
        )
    except ValidationError:
        # Only refused when the rest cannot be split into whole cents (fewer cents than installments).
        rest = price - (price * pct / 100).quantize(D("0.01"))
        assert rest * 100 < count
        return
    assert sum(line.amount for line in lines) == price
    assert all(line.amount >= D("0.01") and line.amount == line.amount.quantize(D("0.01")) for line in lines)
    assert [line.due_on for line in lines] == sorted(line.due_on for line in lines)


@settings(max_examples=200, deadline=None)
@given(price=prices, pct=st.decimals(min_value=0, max_value=100, places=2))
def test_a_mortgage_plan_sums_exactly_to_the_price(price, pct):
    lines = plan_lines(price=price, plan=Plan.MORTGAGE, first_due=TODAY, down_payment_pct=pct)
    assert sum(line.amount for line in lines) == price
    assert {line.kind for line in lines} <= {Installment.Kind.DOWN_PAYMENT, Installment.Kind.MORTGAGE}


def test_the_last_installment_takes_the_rounding_remainder():
    lines = plan_lines(
        price=D("100.00"), plan=Plan.INSTALLMENTS, first_due=TODAY, down_payment_pct=D("0"), installments=3
    )
    assert [line.amount for line in lines] == [D("33.33"), D("33.33"), D("33.34")]


def test_monthly_installments_fall_on_the_same_day_or_the_end_of_shorter_months():
    lines = plan_lines(
        price=D("1000"), plan=Plan.INSTALLMENTS, first_due=TODAY, down_payment_pct=D("10"), installments=2
    )
    assert [(line.kind, line.due_on, line.amount) for line in lines] == [
        (Installment.Kind.DOWN_PAYMENT, TODAY, D("100.00")),
        (Installment.Kind.INSTALLMENT, datetime.date(2025, 2, 28), D("450.00")),
        (Installment.Kind.INSTALLMENT, datetime.date(2025, 3, 31), D("450.00")),
    ]


def test_full_payment_is_one_line():
    lines = plan_lines(price=D("2500000.50"), plan=Plan.FULL, first_due=TODAY)
    assert [(line.kind, line.amount) for line in lines] == [(Installment.Kind.FULL, D("2500000.50"))]


def test_money_refuses_floats_and_fractions_of_a_cent():
    with pytest.raises(TypeError):
        services.money(0.1)
    with pytest.raises(ValidationError):
        services.money("10.005")
    with pytest.raises(ValidationError):
        services.money("abc")


# --- schedules ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_schedule_create_copies_project_and_owner_and_sums_to_the_price(rep):
    deal = contract(rep, price="1000000.00")
    lines = services.schedule_create(deal=deal, plan=Plan.MORTGAGE, by=rep, first_due=TODAY)
    assert [(line.kind, line.amount) for line in lines] == [
        (Installment.Kind.DOWN_PAYMENT, D("300000.00")),
        (Installment.Kind.MORTGAGE, D("700000.00")),
    ]
    assert all(line.project_id == deal.project_id and line.owner_id == rep.pk for line in lines)
    services.schedule_check(deal=deal)


@pytest.mark.django_db
def test_a_reservation_without_price_gets_no_schedule(rep):
    deal = DealFactory(opportunity__customer__owner=rep)
    with pytest.raises(ValidationError, match="subscription or contract"):
        services.schedule_create(deal=deal, plan=Plan.FULL, by=rep)
    assert not Installment.objects.exists()


@pytest.mark.django_db
def test_a_cancelled_deal_gets_no_schedule(rep):
    deal = contract(rep, state=Deal.State.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        services.schedule_create(deal=deal, plan=Plan.FULL, by=rep)


@pytest.mark.django_db
def test_recreating_a_schedule_keeps_paid_lines_and_reschedules_the_rest(rep):
    deal = contract(rep, price="1000000.00")
    down, mortgage = services.schedule_create(deal=deal, plan=Plan.MORTGAGE, by=rep, first_due=TODAY)
    services.payment_record(installment=down, amount=D("100000"), received_on=TODAY, by=rep)
    lines = services.schedule_create(
        deal=deal, plan=Plan.INSTALLMENTS, by=rep, first_due=TODAY, down_payment_pct=D("0"), installments=4
    )
    assert [line.amount for line in lines] == [D("175000.00")] * 4
    assert [line.sequence for line in lines] == [2, 3, 4, 5]
    assert set(deal.installments.values_list("pk", flat=True)) == {down.pk, *[line.pk for line in lines]}
    assert not Installment.objects.filter(pk=mortgage.pk).exists()
    services.schedule_check(deal=deal)


@pytest.mark.django_db
def test_editing_a_line_moves_the_difference_so_the_schedule_still_sums(team_lead):
    deal = contract(team_lead, price="1200.00")
    lines = services.schedule_create(
        deal=deal, plan=Plan.INSTALLMENTS, by=team_lead, first_due=TODAY, down_payment_pct=D("0"), installments=3
    )
    services.installment_edit(installment=lines[0], by=team_lead, due_on=TODAY, amount=D("500.00"), note="bonus")
    amounts = list(deal.installments.order_by("sequence").values_list("amount", flat=True))
    assert amounts == [D("500.00"), D("400.00"), D("300.00")]
    services.installment_edit(
        installment=lines[0], by=team_lead, due_on=TODAY, amount=D("450.00"), balance_with=lines[1]
    )
    amounts = list(deal.installments.order_by("sequence").values_list("amount", flat=True))
    assert amounts == [D("450.00"), D("450.00"), D("300.00")]


@pytest.mark.django_db
def test_an_edit_that_would_break_the_sum_is_refused_and_changes_nothing(team_lead):
    deal = contract(team_lead, price="1000.00")
    (line,) = services.schedule_create(deal=deal, plan=Plan.FULL, by=team_lead, first_due=TODAY)
    with pytest.raises(ValidationError, match="No other line"):
        services.installment_edit(installment=line, by=team_lead, due_on=TODAY, amount=D("900.00"))
    line.refresh_from_db()
    assert line.amount == D("1000.00")


@pytest.mark.django_db
def test_a_line_cannot_be_cut_below_what_was_received(team_lead):
    deal = contract(team_lead, price="1000.00")
    first, second = services.schedule_create(
        deal=deal, plan=Plan.INSTALLMENTS, by=team_lead, first_due=TODAY, down_payment_pct=D("0"), installments=2
    )
    services.payment_record(installment=first, amount=D("400"), received_on=TODAY, by=team_lead)
    with pytest.raises(ValidationError, match="already been received"):
        services.installment_edit(installment=first, by=team_lead, due_on=TODAY, amount=D("300.00"))


# --- payments and refunds -------------------------------------------------------------------------------


@pytest.fixture
def line(rep):
    deal = contract(rep, price="1000.00")
    return services.schedule_create(deal=deal, plan=Plan.FULL, by=rep, first_due=TODAY)[0]


@pytest.mark.django_db
def test_partial_payments_add_up_and_outstanding_is_amount_minus_received(line, rep):
    services.payment_record(installment=line, amount=D("300.00"), received_on=TODAY, by=rep, reference="TX1")
    services.payment_record(installment=line, amount="200.50", received_on=TODAY, by=rep)
    line.refresh_from_db()
    assert line.received == D("500.50")
    assert line.outstanding == D("499.50")
    payment = Payment.objects.order_by("id").first()
    assert (payment.project_id, payment.owner_id, payment.by_id, payment.reference) == (
        line.project_id,
        rep.pk,
        rep.pk,
        "TX1",
    )


@pytest.mark.django_db
def test_overpaying_an_installment_is_refused_with_the_outstanding_amount(line, rep):
    services.payment_record(installment=line, amount=D("900"), received_on=TODAY, by=rep)
    with pytest.raises(services.PaymentRefused, match="Only 100.00 is outstanding"):
        services.payment_record(installment=line, amount=D("100.01"), received_on=TODAY, by=rep)
    line.refresh_from_db()
    assert line.received == D("900.00")
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_payments_in_the_future_or_not_positive_are_refused(line, rep):
    with pytest.raises(ValidationError):
        services.payment_record(installment=line, amount=D("0"), received_on=TODAY, by=rep)
    with pytest.raises(ValidationError):
        services.payment_record(
            installment=line, amount=D("1"), received_on=timezone.localdate() + datetime.timedelta(days=1), by=rep
        )
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_a_refund_is_a_negative_payment_and_never_more_than_received(line, rep):
    services.payment_record(installment=line, amount=D("600"), received_on=TODAY, by=rep)
    refund = services.payment_refund(installment=line, amount=D("250"), reason="Discount granted later", by=rep)
    assert refund.is_refund and refund.amount == D("-250.00")
    line.refresh_from_db()
    assert line.received == D("350.00")
    with pytest.raises(services.PaymentRefused, match="Only 350.00 has been received"):
        services.payment_refund(installment=line, amount=D("350.01"), reason="too much", by=rep)
    with pytest.raises(ValidationError):
        services.payment_refund(installment=line, amount=D("1"), reason="  ", by=rep)
    line.refresh_from_db()
    assert line.received == D("350.00")


@pytest.mark.django_db
def test_a_cancelled_deal_takes_refunds_but_no_payments(line, rep):
    services.payment_record(installment=line, amount=D("100"), received_on=TODAY, by=rep)
    Deal.objects.filter(pk=line.deal_id).update(state=Deal.State.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        services.payment_record(installment=line, amount=D("1"), received_on=TODAY, by=rep)
    services.payment_refund(installment=line, amount=D("100"), reason="Cancelled", by=rep)
    line.refresh_from_db()
    assert line.received == D("0.00")


@pytest.mark.django_db
def test_received_uses_the_locked_row_not_a_stale_copy(line, rep):
    """Two cashiers holding the same stale object: the second payment must see the first (no lost update)."""
    stale = Installment.objects.get(pk=line.pk)
    services.payment_record(installment=line, amount=D("600"), received_on=TODAY, by=rep)
    with pytest.raises(services.PaymentRefused):
        services.payment_record(installment=stale, amount=D("600"), received_on=TODAY, by=rep)
    services.payment_record(installment=stale, amount=D("400"), received_on=TODAY, by=rep)
    line.refresh_from_db()
    assert line.received == D("1000.00") and line.outstanding == 0


@pytest.mark.django_db
# The invariant holds from any starting state, so one line shared by every example is fine.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.booleans(), st.decimals(min_value=D("0.01"), max_value=D("1500"), places=2)), max_size=12
    )
)
def test_received_never_goes_negative_nor_above_the_amount(line, rep, steps):
    for is_refund, amount in steps:
        try:
            if is_refund:
                services.payment_refund(installment=line, amount=amount, reason="r", by=rep)
            else:
                services.payment_record(installment=line, amount=amount, received_on=TODAY, by=rep)
        except ValidationError:
            pass
        line.refresh_from_db()
        assert D("0") <= line.received <= line.amount
        assert line.outstanding == line.amount - line.received
        total = sum(Payment.objects.filter(installment=line).values_list("amount", flat=True), D("0"))
        assert total == line.received
