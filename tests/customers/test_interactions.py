"""Logging a contact: what it writes, what it settles (next steps, planned visits, waiting inquiries), how it
is validated, and where the follow-ups show up (followups_due, the my-day panels)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from customers import selectors, services
from customers.models import Customer, Inquiry, Interaction, VisitPlan
from tests.factories import CustomerFactory

User = get_user_model()

UTC = datetime.UTC


@pytest.fixture
def cast(org):
    """The conftest cast, with each user read again so their staff profile carries the team they were put in."""
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


@pytest.fixture
def customer(cast):
    return CustomerFactory(owner=cast["rep"], team=cast["north"], name="Zhou Min", level="B")


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def local_at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def log(customer, by, **kwargs):
    kwargs.setdefault("channel", Interaction.Channel.PHONE)
    kwargs.setdefault("summary", "Talked about the two-bedroom units")
    return services.interaction_log(customer=customer, by=by, **kwargs)


def panel(html: str, key: str) -> str:
    """The HTML of the my-day panel `key` (its <section> element)."""
    match = re.search(rf'<section[^>]*data-panel="{key}".*?</section>', html, re.S)
    assert match, f"panel {key!r} is not on the page"
    return match.group(0)


# --- what a logged contact writes ------------------------------------------------------------------------------


def test_logging_a_contact_creates_the_interaction_and_sets_last_contact(cast, customer):
    when = ago(hours=2)
    interaction = log(
        customer,
        cast["rep"],
        channel="message",
        direction="in",
        occurred_at=when,
        outcome="wants a second viewing",
        next_step="Send the floor plan",
        next_due=timezone.localdate() + datetime.timedelta(days=2),
    )
    row = Interaction.objects.get()
    assert row == interaction
    assert (row.customer, row.staff, row.channel, row.direction) == (customer, cast["rep"], "message", "in")
    assert row.occurred_at == when
    assert (row.outcome, row.next_step, row.next_done) == ("wants a second viewing", "Send the floor plan", False)
    assert Customer.objects.get(pk=customer.pk).last_contact_at == when
    assert customer.last_contact_at == when


def test_contact_without_a_time_is_logged_now(cast, customer):
    before = timezone.now()
    interaction = log(customer, cast["rep"])
    assert before <= interaction.occurred_at <= timezone.now()


def test_logging_an_older_contact_never_moves_last_contact_backwards(cast, customer):
    recent = ago(hours=1)
    log(customer, cast["rep"], occurred_at=recent)
    log(customer, cast["rep"], occurred_at=ago(days=3), summary="Forgot to log Monday's call")
    assert Interaction.objects.count() == 2
    assert Customer.objects.get(pk=customer.pk).last_contact_at == recent


def test_a_new_contact_closes_the_customers_earlier_open_next_steps(cast, customer):
    today = timezone.localdate()
    mine = log(customer, cast["rep"], occurred_at=ago(days=3), next_step="Call back", next_due=today)
    colleague = log(
        customer, cast["other_rep_same_team"], occurred_at=ago(days=2), next_step="Send brochure", next_due=today
    )
    other_customer = CustomerFactory(owner=cast["rep"], team=cast["north"])
    elsewhere = log(other_customer, cast["rep"], occurred_at=ago(days=2), next_step="Call", next_due=today)
    newest = log(customer, cast["rep"], next_step="Visit the site", next_due=today + datetime.timedelta(days=1))
    assert Interaction.objects.get(pk=mine.pk).next_done is True
    assert Interaction.objects.get(pk=colleague.pk).next_done is True
    assert Interaction.objects.get(pk=newest.pk).next_done is False
    assert Interaction.objects.get(pk=elsewhere.pk).next_done is False


def test_logging_an_older_contact_does_not_close_a_next_step_promised_later(cast, customer):
    today = timezone.localdate()
    promise = log(customer, cast["rep"], occurred_at=ago(hours=1), next_step="Bring the contract", next_due=today)
    log(customer, cast["rep"], occurred_at=ago(days=4), summary="Backdated: the call before the visit")
    assert Interaction.objects.get(pk=promise.pk).next_done is False


# --- validation: field errors, nothing written -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("occurred_at", {"occurred_at": timezone.now() + datetime.timedelta(hours=3)}),
        ("summary", {"summary": "   "}),
        ("summary", {"summary": ""}),
        ("next_due", {"next_step": "Call back"}),
        ("next_due", {"occurred_at": ago(days=2), "next_step": "Call back", "next_due": ago(days=5).date()}),
    ],
    ids=["future", "blank-summary", "empty-summary", "step-without-due", "due-before-contact"],
)
def test_invalid_contact_gives_a_field_error_and_writes_nothing(cast, customer, field, kwargs):
    today = timezone.localdate()
    earlier = log(customer, cast["rep"], occurred_at=ago(days=10), next_step="Call back", next_due=today)
    VisitPlan.objects.create(staff=cast["rep"], customer=customer, planned_for=today)
    before = Customer.objects.get(pk=customer.pk).last_contact_at
    with pytest.raises(ValidationError) as raised:
        log(customer, cast["rep"], **{"channel": "visit", **kwargs})
    assert field in raised.value.message_dict
    assert Interaction.objects.count() == 1
    assert Interaction.objects.get(pk=earlier.pk).next_done is False
    assert Customer.objects.get(pk=customer.pk).last_contact_at == before
    assert VisitPlan.objects.get().status == VisitPlan.Status.PLANNED


def test_next_step_due_the_same_day_as_the_contact_is_accepted(cast, customer):
    interaction = log(customer, cast["rep"], next_step="Bring floor plans", next_due=timezone.localdate())
    assert interaction.next_due == timezone.localdate()


# --- a visit completes the planned visit -----------------------------------------------------------------------


def test_logging_a_visit_on_the_planned_day_marks_the_plan_done_and_links_it(cast, customer):
    day = timezone.localdate() - datetime.timedelta(days=1)
    plan = VisitPlan.objects.create(staff=cast["rep"], customer=customer, planned_for=day, purpose="show flat")
    other_day = VisitPlan.objects.create(
        staff=cast["rep"], customer=customer, planned_for=day - datetime.timedelta(days=1)
    )
    interaction = log(customer, cast["rep"], channel="visit", occurred_at=local_at(day, 14))
    plan.refresh_from_db()
    assert plan.status == VisitPlan.Status.DONE
    assert plan.interaction == interaction
    assert VisitPlan.objects.get(pk=other_day.pk).status == VisitPlan.Status.PLANNED


def test_a_phone_call_does_not_complete_a_planned_visit(cast, customer):
    day = timezone.localdate() - datetime.timedelta(days=1)
    VisitPlan.objects.create(staff=cast["rep"], customer=customer, planned_for=day)
    log(customer, cast["rep"], channel="phone", occurred_at=local_at(day, 14))
    assert VisitPlan.objects.get().status == VisitPlan.Status.PLANNED


@pytest.fixture
def shanghai():
    with timezone.override("Asia/Shanghai"):
        yield


def test_a_visit_completes_the_plan_of_its_local_day_whatever_the_timezone_of_the_timestamp(cast, customer, shanghai):
    # 07:00 in Shanghai is 23:00 UTC the evening before; timezone.now() hands the service UTC timestamps.
    day = timezone.localdate() - datetime.timedelta(days=1)
    plan = VisitPlan.objects.create(staff=cast["rep"], customer=customer, planned_for=day)
    early_morning_utc = local_at(day, 7).astimezone(UTC)
    assert early_morning_utc.date() != day  # the case this test is about
    interaction = log(customer, cast["rep"], channel="visit", occurred_at=early_morning_utc)
    plan.refresh_from_db()
    assert (plan.status, plan.interaction) == (VisitPlan.Status.DONE, interaction)


def test_next_step_due_before_the_local_day_of_the_contact_is_refused_whatever_the_timezone(cast, customer, shanghai):
    day = timezone.localdate() - datetime.timedelta(days=1)
    early_morning_utc = local_at(day, 7).astimezone(UTC)
    with pytest.raises(ValidationError) as raised:
        log(
            customer,
            cast["rep"],
            occurred_at=early_morning_utc,
            next_step="Call back",
            next_due=day - datetime.timedelta(days=1),
        )
    assert "next_due" in raised.value.message_dict
    assert not Interaction.objects.exists()


# --- a waiting inquiry gets its first contact ------------------------------------------------------------------


def test_an_inquiry_waiting_for_first_contact_gets_first_contact_at(cast, customer):
    waiting = Inquiry.objects.create(
        name="Zhou Min",
        phone=customer.phone,
        status=Inquiry.Status.ASSIGNED,
        assigned_to=cast["rep"],
        customer=customer,
    )
    answered_at = ago(days=1)
    answered = Inquiry.objects.create(
        name="Zhou Min", phone=customer.phone, customer=customer, status=Inquiry.Status.CONTACTED,
        first_contact_at=answered_at,
    )  # fmt: skip
    someone_else = Inquiry.objects.create(name="Other", phone="13900000000", assigned_to=cast["rep"])
    interaction = log(customer, cast["rep"])
    waiting.refresh_from_db()
    assert waiting.first_contact_at == interaction.occurred_at
    assert waiting.status == Inquiry.Status.CONTACTED
    assert Inquiry.objects.get(pk=answered.pk).first_contact_at == answered_at
    assert Inquiry.objects.get(pk=someone_else.pk).first_contact_at is None


@pytest.mark.parametrize("status", [Inquiry.Status.CLOSED, Inquiry.Status.SPAM])
def test_a_closed_or_spam_inquiry_is_not_reopened_by_a_later_contact(cast, customer, status):
    finished = Inquiry.objects.create(name="Zhou Min", phone=customer.phone, customer=customer, status=status)
    log(customer, cast["rep"])
    finished.refresh_from_db()
    assert finished.status == status
    assert finished.first_contact_at is None


# --- follow-ups due, and the my-day page -----------------------------------------------------------------------


def test_followups_due_lists_due_and_overdue_next_steps_of_the_staff_oldest_first(cast, customer):
    rep, today = cast["rep"], timezone.localdate()
    second = CustomerFactory(owner=rep, team=cast["north"])
    third = CustomerFactory(owner=rep, team=cast["north"])
    fourth = CustomerFactory(owner=rep, team=cast["north"])
    due_today = log(customer, rep, occurred_at=ago(days=3), next_step="Call", next_due=today)
    overdue = log(second, rep, occurred_at=ago(days=6), next_step="Email", next_due=today - datetime.timedelta(days=2))
    log(third, rep, next_step="Later", next_due=today + datetime.timedelta(days=1))
    done = log(fourth, rep, occurred_at=ago(days=6), next_step="Done", next_due=today - datetime.timedelta(days=1))
    Interaction.objects.filter(pk=done.pk).update(next_done=True)
    log(CustomerFactory(owner=cast["other_rep"], team=cast["south"]), cast["other_rep"], next_step="X", next_due=today)
    assert list(selectors.followups_due(user=rep)) == [overdue, due_today]
    tomorrow = today + datetime.timedelta(days=1)
    assert len(selectors.followups_due(user=rep, until=tomorrow)) == 3


def test_my_day_shows_the_follow_up_due(client, cast, customer):
    log(customer, cast["rep"], next_step="Bring floor plans", next_due=timezone.localdate())
    client.force_login(cast["rep"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    followups = panel(response.text, "followups")
    assert "Zhou Min" in followups
    assert "Bring floor plans" in followups
    assert customer.get_absolute_url() in followups


def test_my_day_does_not_show_a_colleagues_follow_up(client, cast, customer):
    log(customer, cast["other_rep_same_team"], next_step="Bring floor plans", next_due=timezone.localdate())
    client.force_login(cast["rep"])
    assert "Zhou Min" not in panel(client.get(reverse("home")).text, "followups")


def test_my_day_warns_that_protection_of_an_old_contact_is_ending(client, cast):
    rep = cast["rep"]
    CustomerFactory(
        owner=rep, team=cast["north"], name="Fading Lead", level="A", last_contact_at=ago(days=27, hours=12)
    )
    CustomerFactory(owner=rep, team=cast["north"], name="Fresh Lead", level="A", last_contact_at=ago(days=3))
    CustomerFactory(
        owner=rep, team=cast["north"], name="Key Lead", level="A", last_contact_at=ago(days=27), key_account=True
    )
    client.force_login(rep)
    lapsing = panel(client.get(reverse("home")).text, "lapsing")
    assert "Protection ending soon" in lapsing
    assert "Fading Lead" in lapsing
    assert "goes to the pool in 2 days" in lapsing  # A: 30 days of protection, 27½ used
    assert "Fresh Lead" not in lapsing
    assert "Key Lead" not in lapsing


def test_my_day_reads_as_many_queries_for_six_lapsing_files_as_for_one(client, cast):
    """The panels read only the columns they show (.only): a column they forgot would cost a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rep = cast["rep"]

    def fading(number):
        CustomerFactory(owner=rep, team=cast["north"], name=f"Fading {number}", level="A", last_contact_at=ago(days=28))

    fading(0)
    client.force_login(rep)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        assert "Fading 0" in client.get(reverse("home")).text
    for number in range(1, 6):
        fading(number)
    with CaptureQueriesContext(connection) as six:
        assert "Fading 5" in panel(client.get(reverse("home")).text, "lapsing")
    assert len(six) == len(one)


def test_my_day_lapsing_panel_is_empty_when_everything_is_followed_up(client, cast, customer):
    log(customer, cast["rep"])
    client.force_login(cast["rep"])
    lapsing = panel(client.get(reverse("home")).text, "lapsing")
    assert "None of your customers is about to go to the pool." in lapsing
