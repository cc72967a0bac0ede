"""Project announcements: every buyer (and, as chosen, tenant) of a project or building is told, consent or not; the
project page lists the announcement and who was not reached; each buyer's timeline shows it."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from outreach.models import Announcement, Message
from outreach.services import announcement_create, announcement_send, send_report
from sales.models import Deal, Lease
from tests.factories import CustomerFactory
from tests.sales.factories import BuildingFactory, DealFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(rep, project_a):
    """Building T1: a consenting buyer, a buyer who refused marketing, a buyer without e-mail, a reservation only,
    a cancelled contract; building T2: one buyer; a tenant of a shop in T1."""
    t1, t2 = BuildingFactory(project=project_a, name="T1"), BuildingFactory(project=project_a, name="T2")

    def buyer(name, building, email, consent=True, stage=Deal.Stage.CONTRACT, state=Deal.State.LIVE):
        customer = CustomerFactory(owner=rep, name=name, email=email, marketing_consent=consent)
        DealFactory(
            opportunity__customer=customer,
            opportunity__project=project_a,
            unit=UnitFactory(building=building),
            stage=stage,
            state=state,
            price=Decimal("1000000"),
        )
        return customer

    people = {
        "consenting": buyer("Buyer One", t1, "one@example.com"),
        "refusing": buyer("Buyer Two", t1, "two@example.com", consent=False),
        "no_email": buyer("Buyer Three", t1, ""),
        "reserved": buyer("Only Reserved", t1, "res@example.com", stage=Deal.Stage.RESERVATION),
        "cancelled": buyer("Cancelled", t1, "can@example.com", state=Deal.State.CANCELLED),
        "other_building": buyer("Buyer Four", t2, "four@example.com"),
    }
    tenant = CustomerFactory(owner=rep, name="Shop Tenant", email="shop@example.com")
    today = timezone.localdate()
    Lease.objects.create(
        unit=UnitFactory(building=t1, use="shop", for_lease=True),
        project=project_a,
        tenant=tenant,
        owner=rep,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=365),
        monthly_rent=Decimal("8000"),
        signed_on=today,
    )
    people["tenant"] = tenant
    return {"project": project_a, "t1": t1, "t2": t2, "people": people}


def announce(marketing, project, capture, **extra):
    announcement = announcement_create(
        by=marketing,
        project=project["project"],
        category=Announcement.Category.DESIGN_CHANGE,
        subject_en="Design change in {{ project }}",
        body_en="Dear {{ customer_name }}, the lobby of {{ building }} changes.",
        language="en",
        **extra,
    )
    with capture(execute=True):
        announcement_send(announcement=announcement, by=marketing)
    announcement.send.refresh_from_db()
    return announcement


def test_every_contract_buyer_of_the_building_is_told_consent_or_not(
    marketing, project, django_capture_on_commit_callbacks
):
    announcement = announce(marketing, project, django_capture_on_commit_callbacks, building=project["t1"])
    assert sorted(email.to[0] for email in mail.outbox) == ["one@example.com", "two@example.com"]
    assert mail.outbox[0].subject == "Design change in Project A"
    report = send_report(announcement.send)
    assert (report.audience, report.sent, report.no_address) == (3, 2, 1)
    unreached = Message.objects.get(send=announcement.send, status=Message.Status.UNREACHABLE)
    assert unreached.customer == project["people"]["no_email"]
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers  # service: no unsubscribe


def test_the_whole_project_and_its_tenants_when_chosen(marketing, project, django_capture_on_commit_callbacks):
    announce(marketing, project, django_capture_on_commit_callbacks, include_tenants=True)
    assert sorted(email.to[0] for email in mail.outbox) == [
        "four@example.com",
        "one@example.com",
        "shop@example.com",
        "two@example.com",
    ]


def test_the_project_page_lists_the_announcement_and_who_was_not_reached(
    client, marketing, admin_user, project, django_capture_on_commit_callbacks
):
    announcement = announce(marketing, project, django_capture_on_commit_callbacks, building=project["t1"])
    client.force_login(admin_user)  # marketing has no project pages; whoever reads the project sees it
    html = client.get(project["project"].get_absolute_url()).content.decode()
    assert 'data-testid="project-announcements"' in html and "Design change in Project A" in html
    client.force_login(marketing)
    client.force_login(marketing)
    detail = client.get(announcement.get_absolute_url())
    rows = list(detail.context["page"].object_list)
    assert [message.customer.name for message in rows] == ["Buyer Three"]
    assert detail.context["report"].no_address == 1
    chinese = client.get(announcement.get_absolute_url(), headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "档案中没有邮箱地址" in chinese  # the reason is stored as a msgid and shown in the reader's language


def test_a_buyers_timeline_shows_the_announcement_with_its_status(
    client, marketing, rep, project, django_capture_on_commit_callbacks
):
    announce(marketing, project, django_capture_on_commit_callbacks, building=project["t1"])
    client.force_login(rep)
    reached = client.get(project["people"]["consenting"].get_absolute_url()).content.decode()
    assert "Announcement · Design change in Project A" in reached and "Sent" in reached
    missed = client.get(project["people"]["no_email"].get_absolute_url()).content.decode()
    assert "Announcement · Design change in Project A" in missed and "No address" in missed


def test_a_building_of_another_project_is_refused(marketing, project, project_b):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        announcement_create(
            by=marketing,
            project=project_b,
            building=project["t1"],
            category="other",
            subject_en="x",
            body_en="y",
        )


def test_announcement_pages_by_role(client, org, project):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="call.center", role="integration"))
    assert client.get("/outreach/announcements/").status_code == 403
    client.force_login(UserFactory(username="agent.partner", role="partner"))
    assert client.get("/outreach/announcements/").status_code == 302  # outside users are sent to their portal
    for role in ("rep", "team_lead", "service_agent"):
        client.force_login(org[role])
        assert client.get("/outreach/announcements/").status_code == 200  # what buyers were told
        assert client.get("/outreach/announcements/new/").status_code == 403
    client.force_login(org["marketing"])
    response = client.post(
        "/outreach/announcements/new/",
        {"project": project["project"].pk, "category": "delivery", "language": "zh-hans", "subject_zh": "交付通知",
         "body_zh": "尊敬的{{ customer_name }}"},
    )  # fmt: skip
    announcement = Announcement.objects.get()
    assert response["Location"] == announcement.get_absolute_url()
    review = client.get(announcement.get_absolute_url())
    assert review.context["count"].total == 4 and review.context["count"].no_address == 1
