"""Care plans: for key accounts and star customers (the value quadrant read through crm_site.segments), with a
review date and notes; due reviews on member staff's my day; scoped; audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from analytics.models import CustomerScore, JobRun
from crm_site import myday, segments
from crm_site.models import AuditEntry
from members import services
from members.models import CarePlan
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """The local date as each test starts: a module constant goes stale when a run crosses local midnight."""
    global TODAY
    TODAY = timezone.localdate()


def _star(customer):
    JobRun.objects.create(name="scores", night=TODAY, status=JobRun.Status.SUCCEEDED, started_at=timezone.now())
    CustomerScore.objects.create(night=TODAY, customer=customer, owner=customer.owner, quadrant="star")


def test_the_star_segment_is_read_through_the_registry(rep):
    star, other = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    assert segments.members("value.star", [star.pk, other.pk]) == set()  # no night scored yet
    _star(star)
    assert segments.members("value.star", [star.pk, other.pk]) == {star.pk}
    assert segments.members("nobody.provides.this", [star.pk]) == set()


def test_key_accounts_and_stars_may_have_a_plan_others_may_not(rep, member_staff):
    key = CustomerFactory(owner=rep, key_account=True)
    star = CustomerFactory(owner=rep)
    _star(star)
    plain = CustomerFactory(owner=rep)
    review = TODAY + datetime.timedelta(days=30)
    assert (
        services.care_plan_save(customer=key, by=member_staff, review_on=review, notes="Quarterly visit").reason
        == "key"
    )
    assert (
        services.care_plan_save(customer=star, by=member_staff, review_on=review, notes="VIP events").reason == "star"
    )
    with pytest.raises(ValidationError, match="key accounts and star customers"):
        services.care_plan_save(customer=plain, by=member_staff, review_on=review, notes="x")
    with pytest.raises(ValidationError, match="today or later"):
        services.care_plan_save(customer=key, by=member_staff, review_on=TODAY - datetime.timedelta(days=1), notes="x")
    assert AuditEntry.objects.filter(model="members.careplan").count() == 2


def test_the_plan_page_saves_and_refuses_bad_input(client, rep, member_staff):
    key = CustomerFactory(owner=rep, key_account=True)
    client.force_login(member_staff)
    url = reverse("members:care-plan", args=[key.pk])
    list_page = client.get(reverse("members:care-plan-list")).content.decode()
    assert url in list_page  # offered among the key accounts without a plan
    response = client.post(url, {"review_on": "not a date", "notes": "Visit"})
    assert response.status_code == 200 and not CarePlan.objects.exists()
    review = (TODAY + datetime.timedelta(days=7)).isoformat()
    assert client.post(url, {"review_on": review, "notes": "Visit with the GM"}).status_code == 302
    plan = CarePlan.objects.get(customer=key)
    assert (plan.review_on.isoformat(), plan.notes, plan.updated_by) == (review, "Visit with the GM", member_staff)
    plain = CustomerFactory(owner=rep)
    assert (
        'data-testid="care-plan-not-eligible"'
        in client.get(reverse("members:care-plan", args=[plain.pk])).content.decode()
    )


def test_due_reviews_show_on_my_day_of_member_staff_only_within_scope(rep, other_rep, member_staff):
    key = CustomerFactory(owner=rep, key_account=True)
    services.care_plan_save(customer=key, by=member_staff, review_on=TODAY, notes="Call")
    later = CustomerFactory(owner=rep, key_account=True)
    services.care_plan_save(customer=later, by=member_staff, review_on=TODAY + datetime.timedelta(days=9), notes="x")
    member_staff.staff.scope = "all"  # the member-service role's scope
    member_staff.staff.save()
    member_staff = type(member_staff).objects.get(pk=member_staff.pk)
    panel = myday.PANELS["care_reviews"]
    assert panel.shown_to(member_staff) and not panel.shown_to(rep)
    items = [item for provider in panel.providers for item in provider(member_staff)]
    assert [item.title for item in items] == [key.name]
    other_rep.user_permissions.add(*_perms("view_careplan", "change_careplan"))
    other_rep = type(other_rep).objects.get(pk=other_rep.pk)
    assert [item for provider in panel.providers for item in provider(other_rep)] == []


def test_a_plan_outside_the_scope_is_not_found(client, rep, other_rep, member_staff):
    key = CustomerFactory(owner=rep, key_account=True)
    other_rep.user_permissions.add(*_perms("view_careplan", "change_careplan"))
    client.force_login(other_rep)
    assert client.get(reverse("members:care-plan", args=[key.pk])).status_code == 404


def _perms(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="members", codename__in=codenames)
