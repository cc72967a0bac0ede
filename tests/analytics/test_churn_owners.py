"""The owners' churn tree (analytics.churn_owners): the label on hand-built owners, the features as of the day,
the refusal below the minimum, and a trained tree scoring tonight's owners with their reasons through the job."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics import churn_owners
from analytics.models import CustomerScore, JobRun
from analytics.selectors.dashboards import at_risk_chart, at_risk_scores
from analytics.selectors.facts import night_end
from analytics.selectors.scores import _tree_trained, customer_scores
from analytics.services.jobs import job_start
from customers.models import Customer, Interaction
from members import services as member_services
from members.models import ClubEvent, EventRegistration, LedgerEntry, Member
from sales.models import Deal, Opportunity
from service.models import Callback, Ticket
from tests.sales.factories import UnitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def unit(project_a):
    return UnitFactory(building__project=project_a)


def owners(rep, unit, count, *, signed_on, name="O"):
    """`count` owners, each with a contract on `signed_on` (handed over, so they may share the unit)."""
    customers = Customer.objects.bulk_create(
        [Customer(name=f"{name}{index}", owner=rep, project=unit.project) for index in range(count)]
    )
    Customer.objects.filter(pk__in=[c.pk for c in customers]).update(
        created_at=timezone.make_aware(datetime.datetime.combine(signed_on - 30 * DAY, datetime.time(10)))
    )
    for customer in customers:
        contract(customer, unit, signed_on)
    return customers


def contract(customer, unit, signed_on, **fields):
    signed_at = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(10)))
    opportunity = Opportunity.objects.create(
        customer=customer,
        project=unit.project,
        owner=customer.owner,
        stage=Opportunity.Stage.WON,
        stage_changed_at=signed_at,
        closed_at=signed_at,
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=signed_at - 10 * DAY)
    return Deal.objects.create(
        opportunity=opportunity,
        unit=unit,
        customer=customer,
        project=unit.project,
        owner=customer.owner,
        stage=Deal.Stage.CONTRACT,
        state=fields.pop("state", Deal.State.DELIVERED),
        reserved_at=signed_at - 5 * DAY,
        list_price=unit.list_price,
        price=unit.list_price,
        signed_on=signed_on,
        **fields,
    )


def complaint(customer, opened, escalated=None, kind=Ticket.Kind.COMPLAINT):
    return Ticket.objects.create(
        customer=customer, kind=kind, subject="Leak", created_at=opened, escalated_at=escalated
    )


def referral(referrer, at):
    referred = Customer.objects.create(name=f"Friend of {referrer.pk}", owner=referrer.owner, referrer=referrer)
    Customer.objects.filter(pk=referred.pk).update(created_at=at)


def earned(customer, at, kind=LedgerEntry.Kind.EARN, amount=100):
    member = Member.objects.filter(customer=customer).first() or member_services.member_enrol(customer=customer)
    entry = LedgerEntry.objects.create(member=member, kind=kind, amount=amount, reason="r")
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=at)


def test_the_label_escalation_without_a_follow_up_within_the_period(org, unit):
    since = night_end(timezone.localdate() - 400 * DAY)
    until = since + 180 * DAY
    at = since + 10 * DAY
    (referred, alone, late, earlier_activity, repurchased, checked_in, quiet, after_horizon, before_day,
     not_complaint, followed_then_again, cancelled_repurchase) = owners(
        org["rep"], unit, 12, signed_on=timezone.localdate(since) - 300 * DAY
    )  # fmt: skip
    for customer in (referred, alone, late, earlier_activity, repurchased, checked_in, cancelled_repurchase):
        complaint(customer, at - DAY, at)
    referral(referred, at + 20 * DAY)  # followed by a referral: not churned
    referral(late, until + DAY)  # the referral comes after the period: churned
    earned(earlier_activity, at - 5 * DAY)  # member activity before the escalation only: churned
    contract(repurchased, UnitFactory(building__project=unit.project), timezone.localdate(at))  # same day: follows
    event = ClubEvent.objects.create(
        title="Open day", place="Club", starts_at=at + 30 * DAY, capacity=50, created_by=org["rep"]
    )
    EventRegistration.objects.create(event=event, customer=checked_in, checked_in_at=at + 30 * DAY)
    complaint(after_horizon, until - DAY, until + DAY)  # escalated after the period: not churned
    complaint(before_day, since - 20 * DAY, since - 5 * DAY)  # escalated before the day: not churned
    complaint(not_complaint, at - DAY, at, kind=Ticket.Kind.REPAIR)  # a repair escalated: not a complaint
    complaint(followed_then_again, at - DAY, at)
    earned(followed_then_again, at + 5 * DAY, kind=LedgerEntry.Kind.SPEND, amount=-10)
    complaint(followed_then_again, at + 40 * DAY, at + 50 * DAY)  # the last escalation is not followed: churned
    cancelled = contract(
        cancelled_repurchase,
        UnitFactory(building__project=unit.project),
        timezone.localdate(at + 3 * DAY),
        state=Deal.State.CANCELLED,
    )
    Deal.objects.filter(pk=cancelled.pk).update(cancelled_at=at + 9 * DAY)  # cancelled within the period: churned

    ids = sorted(c.pk for c in (referred, alone, late, earlier_activity, repurchased, checked_in, quiet,
                                after_horizon, before_day, not_complaint, followed_then_again, cancelled_repurchase))  # fmt: skip
    result = churn_owners.labels(ids, since, until).to_dict()

    churned = {alone.pk, late.pk, earlier_activity.pk, followed_then_again.pk, cancelled_repurchase.pk}
    assert result == {pk: int(pk in churned) for pk in ids}


def test_features_as_of_the_day_and_nothing_after_it(org, unit):
    day = night_end(timezone.localdate() - 200 * DAY)
    signed = timezone.localdate(day) - 400 * DAY
    (owner,) = owners(org["rep"], unit, 1, signed_on=signed)
    complaint(owner, day - 10 * DAY, day - 9 * DAY)  # recent, open, escalated
    old = complaint(owner, day - 200 * DAY, kind=Ticket.Kind.REPAIR)  # not recent, resolved
    Ticket.objects.filter(pk=old.pk).update(status=Ticket.Status.RESOLVED, resolved_at=day - 190 * DAY)
    referral(owner, day - 30 * DAY)
    Interaction.objects.create(customer=owner, staff=org["rep"], summary="call", occurred_at=day - 12 * DAY - DAY / 24)
    Callback.objects.create(customer=owner, reason="contract", due_on=signed, done_at=day - 50 * DAY, score=4)
    earned(owner, day - 30 * DAY)
    first = churn_owners.population(day)
    assert first.to_dict() == {owner.pk: signed}
    expected = {
        "recent_tickets": 1.0,
        "open_complaints": 1.0,
        "escalated_complaints": 1.0,
        "satisfaction": 4.0,
        "member_active": 1.0,
        "referrals": 1.0,
        "days_since_contact": 12.0,
        "owner_days": 399.0,  # from the signing date to the night before the day
    }
    assert churn_owners.owner_facts([owner.pk], first, day).loc[owner.pk].to_dict() == expected

    # Everything after the day changes nothing.
    complaint(owner, day + DAY, day + 2 * DAY)
    Ticket.objects.filter(pk=old.pk).update(status=Ticket.Status.IN_PROGRESS, resolved_at=None)
    Ticket.objects.filter(created_at__lt=day, kind=Ticket.Kind.COMPLAINT).update(
        status=Ticket.Status.RESOLVED, resolved_at=day + DAY
    )
    referral(owner, day + 3 * DAY)
    Interaction.objects.create(customer=owner, staff=org["rep"], summary="call", occurred_at=day + DAY)
    Callback.objects.create(customer=owner, reason="contract", due_on=signed, done_at=day + DAY, score=1)
    earned(owner, day + DAY)
    contract(owner, UnitFactory(building__project=unit.project), timezone.localdate(day) + 2 * DAY)
    assert churn_owners.population(day).to_dict() == {owner.pk: signed}
    assert churn_owners.owner_facts([owner.pk], first, day).loc[owner.pk].to_dict() == expected
    # A contract signed on the day itself or cancelled before it does not make an owner of the day.
    (later,) = owners(org["rep"], unit, 1, signed_on=timezone.localdate(day), name="L")
    (cancelled,) = owners(org["rep"], unit, 1, signed_on=signed, name="C")
    Deal.objects.filter(customer=cancelled).update(state=Deal.State.CANCELLED, cancelled_at=day - DAY)
    assert set(churn_owners.population(day).index) == {owner.pk}


def test_too_little_history_is_refused(org, unit, night):
    angry = owners(org["rep"], unit, 3, signed_on=night - 500 * DAY)
    start = night_end(night) - 360 * DAY
    complaint(angry[0], start + 5 * DAY, start + 6 * DAY)
    result = churn_owners.train(night)
    assert result == {
        "examples": 3,
        "churned": 1,
        "trained": False,
        "minimum": 200,
        "per_class": 20,
        "reason": "not enough history: 3 labelled examples (1 churned); needs 200, with 20 of each class",
    }
    # The job records it, and no owner is scored.
    run = job_start("scores", night)
    assert run.figures["churn_owners"]["trained"] is False
    assert not CustomerScore.objects.filter(night=night, contracts__gt=0, churn__isnull=False).exists()
    # The customer page says why: the owners' tree was refused for want of history.
    section = customer_scores(customer=angry[0], user=org["rep"])
    assert section["churn_pct"] is None and section["churn_untrained"] is True


def test_a_trained_tree_scores_tonights_owners_with_their_reasons(org, unit, night, settings, client):
    settings.ANALYTICS = {"churn_min_examples": 10, "churn_min_per_class": 3}
    end = night_end(night)
    train_day, test_day = end - 360 * DAY, end - 180 * DAY
    signed = night - 500 * DAY
    angry = owners(org["rep"], unit, 12, signed_on=signed, name="A")
    calm = owners(org["rep"], unit, 12, signed_on=signed, name="B")
    for customer in angry:  # escalated before each day, and escalated again within each period, nothing follows
        complaint(customer, train_day - 25 * DAY, train_day - 20 * DAY)
        complaint(customer, train_day + 25 * DAY, train_day + 30 * DAY)
        complaint(customer, test_day + 25 * DAY, test_day + 30 * DAY)
    # Tonight's new owners: one whose complaint escalated yesterday, one without a ticket.
    (upset,) = owners(org["rep"], unit, 1, signed_on=night - 30 * DAY, name="U")
    (content,) = owners(org["rep"], unit, 1, signed_on=night - 30 * DAY, name="C")
    complaint(upset, end - 3 * DAY, end - 2 * DAY)

    run = job_start("scores", night)

    assert run.status == JobRun.Status.SUCCEEDED, run.error
    model = run.figures["churn_owners"]
    assert model["trained"] is True
    assert (model["examples"], model["churned"], model["test_examples"]) == (24, 12, 24)
    assert model["baseline"] == 0.5
    assert model["precision"] == model["recall"] == model["accuracy"] == 1.0
    assert run.figures["churn"]["trained"] is False  # the prospects' tree: no prospects at all
    scores = {row.customer_id: row for row in CustomerScore.objects.filter(night=night)}
    assert scores[upset.pk].churn == 1 and scores[content.pk].churn == 0
    assert {scores[c.pk].churn for c in angry} == {1} and {scores[c.pk].churn for c in calm} == {0}
    (step,) = scores[upset.pk].churn_reasons  # one split separates the two cohorts
    assert step["feature"] in {"recent_tickets", "open_complaints", "escalated_complaints"}
    assert step["op"] == ">" and step["value"] == 1.0 and step["threshold"] == 0.5
    assert scores[content.pk].churn_reasons == [{**step, "op": "<=", "value": 0.0}]
    assert CustomerScore.objects.filter(night=night, churn__isnull=False).count() == 26  # every owner

    # The customer page names the owners' feature and tree; the job page shows both trees.
    section = customer_scores(customer=upset, user=org["rep"])
    labels = {
        "recent_tickets": "Tickets in the last 180 days",
        "open_complaints": "Open complaints",
        "escalated_complaints": "Complaints escalated so far",
    }
    assert section["churn_pct"] == 100 and section["churn_tree"] == "owners' tree"
    assert section["churn_path"][0]["label"] == labels[step["feature"]]
    client.force_login(org["rep"])
    page = client.get(upset.get_absolute_url()).content.decode()
    assert "Churn: the path through the owners&#x27; tree" in page
    assert f"<li>{labels[step['feature']]} = 1 (more than 0.5)</li>" in page
    # The managers' at-risk list: the owners at risk, each with the path in words.
    at_risk = at_risk_chart(at_risk_scores(CustomerScore.objects.filter(night=night)))
    assert sorted(row[0] for row in at_risk.rows) == sorted(c.name for c in [*angry, upset])
    (row,) = [row for row in at_risk.rows if row[0] == upset.name]
    assert row[1:3] == [100.0, f"{labels[step['feature']]}: more than 0.5"]
    admin = type(org["rep"]).objects.create_superuser("churn-admin", "a@example.com", "pw")
    client.force_login(admin)
    page = client.get(reverse("analytics:job-detail", args=[run.pk])).content.decode()
    assert "Churn model: prospects" in page and "Churn model: owners" in page
    assert 'data-testid="churn-owners-figures"' in page and "Majority-class baseline" in page
    # Which tree was trained is read from the run's flag alone: the owners' was, the prospects' was not.
    assert _tree_trained(SimpleNamespace(night=night, contracts=1)) is True
    assert _tree_trained(SimpleNamespace(night=night, contracts=0)) is False
    assert _tree_trained(SimpleNamespace(night=night - DAY, contracts=1)) is False  # no run that night
