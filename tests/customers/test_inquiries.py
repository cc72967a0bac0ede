"""Web inquiries: the public form and its spam defences, API intake, the queue and its scope, assignment,
conversion to a customer file, response time, overdue flags and the my-day panel."""

import datetime
import re

import factory
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from factory.django import DjangoModelFactory

from crm_site.models import ApiToken, AuditEntry
from customers.forms.inquiries import form_token
from customers.models import Customer, CustomerConflict, CustomerSettings, Inquiry, Interaction
from customers.panels.inquiries import waiting_inquiries
from customers.services import inquiries as services
from customers.services import interaction_log
from tests.factories import CustomerFactory, ProjectFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

PUBLIC = "/inquire/"
THANKS = "/inquire/thanks/"
API = "/api/v1/inquiries/"
LIST = "/customers/inquiries/"


class InquiryFactory(DjangoModelFactory):
    class Meta:
        model = Inquiry

    name = factory.Sequence(lambda n: f"Visitor {n}")
    phone = factory.Sequence(lambda n: f"136{n:08d}")
    message = "Is there a three-bedroom flat facing south?"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # the rate-limit counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def director(org):
    return org["director"]


@pytest.fixture
def other_rep_same_team(org):
    return org["other_rep_same_team"]


@pytest.fixture
def marketing(org):
    return org["marketing"]


def fresh(user):
    """The user as a new request would load it (no cached permissions or scope)."""
    return User.objects.get(pk=user.pk)


def grant(user, codename: str, app_label: str = "customers"):
    user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label=app_label))
    return fresh(user)


def detail_url(inquiry) -> str:
    return reverse("customers:inquiry-detail", args=[inquiry.pk])


def action_url(name: str, inquiry) -> str:
    return reverse(f"customers:inquiry-{name}", args=[inquiry.pk])


def assigned(inquiry, to_user, by):
    return services.inquiry_assign(inquiry=inquiry, to_user=fresh(to_user), by=fresh(by))


def form_data(**overrides) -> dict:
    data = {
        "name": "Li Na",
        "phone": "+86 138-1234-5678",
        "email": "li.na@example.com",
        "message": "Please call me after 6 pm.",
        "started": form_token(issued_at=timezone.now().timestamp() - 30),
        "website": "",
    }
    data.update(overrides)
    return data


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="website")
    return {"Authorization": f"Bearer {raw}"}


def listed_ids(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-inquiry="(\d+)"', response.content.decode())}


# --- the public form ----------------------------------------------------------------------------------------------


def test_public_form_opens_without_login_and_hides_the_honeypot_from_people(client, project_a):
    ProjectFactory(code="sold-out", name="Sold Out Towers", active=False)
    response = client.get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Project A" in html
    assert "Sold Out Towers" not in html  # only active projects are offered
    honeypot = re.search(r'<div[^>]*class="visually-hidden"[^>]*>.*?name="website"[^>]*>', html, re.S)
    assert honeypot is not None
    assert 'aria-hidden="true"' in honeypot.group(0)
    assert 'tabindex="-1"' in honeypot.group(0) and 'autocomplete="off"' in honeypot.group(0)
    assert "style=" not in honeypot.group(0)
    assert 'name="started"' in html
    assert 'name="viewport"' in html  # usable on a phone


def test_public_form_creates_a_new_unassigned_inquiry_without_login(client, project_a):
    response = client.post(PUBLIC, form_data(project=project_a.pk), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == THANKS
    inquiry = Inquiry.objects.get()
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.assigned_to is None
    assert inquiry.channel == Inquiry.Channel.WEB
    assert inquiry.phone == "13812345678"
    assert inquiry.project == project_a
    assert inquiry.ip == "203.0.113.7"
    assert client.get(THANKS).status_code == 200


def test_public_form_keeps_the_campaign_source_of_the_link(client):
    response = client.get(PUBLIC + "?source=spring-expo")
    assert 'value="spring-expo"' in response.content.decode()
    client.post(PUBLIC, form_data(source_detail="spring-expo"))
    assert Inquiry.objects.get().source_detail == "spring-expo"


def test_invalid_phone_shows_the_error_and_creates_nothing(client):
    response = client.post(PUBLIC, form_data(phone="12345"))
    assert response.status_code == 200
    errors = response.context["form"].errors["phone"]
    assert errors == ["“12345” is not a valid phone number."]
    assert errors[0] in response.content.decode()
    assert not Inquiry.objects.exists()


def test_a_filled_honeypot_gets_the_thank_you_page_and_no_new_inquiry(client):
    response = client.post(PUBLIC, form_data(website="http://cheap-pills.example"))
    assert response.status_code == 302
    assert response["Location"] == THANKS
    assert not Inquiry.objects.filter(status=Inquiry.Status.NEW).exists()
    assert Inquiry.objects.get().status == Inquiry.Status.SPAM  # kept for a manager to review


def test_a_submission_faster_than_a_person_can_type_is_stored_as_spam(client):
    response = client.post(PUBLIC, form_data(started=form_token()))
    assert response["Location"] == THANKS
    assert not Inquiry.objects.filter(status=Inquiry.Status.NEW).exists()
    assert Inquiry.objects.filter(status=Inquiry.Status.SPAM).count() == 1


# Explicit ids: the tampered token changes with the clock, and xdist workers must collect the same names.
@pytest.mark.parametrize(
    "started", ["", "forged-token", form_token()[:-3] + "abc"], ids=["missing", "forged", "tampered-signature"]
)
def test_a_missing_or_forged_form_time_is_treated_as_spam(client, started):
    response = client.post(PUBLIC, form_data(started=started))
    assert response["Location"] == THANKS
    assert not Inquiry.objects.filter(status=Inquiry.Status.NEW).exists()


def test_spam_with_invalid_fields_is_dropped_silently(client):
    response = client.post(PUBLIC, form_data(website="x", phone="not a phone"))
    assert response["Location"] == THANKS
    assert not Inquiry.objects.exists()


def test_a_form_left_open_for_over_a_day_asks_to_send_again_with_a_fresh_time(client):
    old = form_token(issued_at=timezone.now().timestamp() - 25 * 3600)
    response = client.post(PUBLIC, form_data(started=old))
    assert response.status_code == 200
    assert "open for more than a day" in response.content.decode()
    assert old not in response.content.decode()
    assert not Inquiry.objects.exists()


def test_the_sixth_submission_in_ten_minutes_from_one_address_gets_429(client):
    for number in range(5):
        response = client.post(PUBLIC, form_data(phone=f"1391111000{number}"), REMOTE_ADDR="198.51.100.9")
        assert response.status_code == 302
    response = client.post(PUBLIC, form_data(phone="13911110009"), REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    assert "Too many inquiries" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Inquiry.objects.count() == 5
    # Another address is not affected.
    assert client.post(PUBLIC, form_data(phone="13911110008"), REMOTE_ADDR="198.51.100.10").status_code == 302


def test_the_rate_limit_counts_an_ipv6_network_not_each_address(client, settings):
    settings.INQUIRY_RATE_LIMIT = 1
    assert client.post(PUBLIC, form_data(), REMOTE_ADDR="2001:db8:1:2::1").status_code == 302
    assert client.post(PUBLIC, form_data(phone="13911110007"), REMOTE_ADDR="2001:db8:1:2::99").status_code == 429


def test_a_double_submit_creates_one_inquiry(client):
    client.post(PUBLIC, form_data())
    client.post(PUBLIC, form_data())
    assert Inquiry.objects.count() == 1


def test_the_public_form_rejects_other_methods(client):
    assert client.put(PUBLIC).status_code == 405


# --- API intake and listing ----------------------------------------------------------------------------------------


def test_api_intake_creates_an_inquiry_in_the_queue(client, admin_user, project_a):
    integration = grant(admin_user, "add_inquiry")
    payload = {
        "name": "Zhang Wei",
        "phone": "139 0000 2222",
        "message": "Price list please",
        "project_code": "project-a",
        "source_detail": "call-center",
    }
    response = client.post(API, payload, content_type="application/json", headers=bearer(integration))
    assert response.status_code == 201, response.content
    body = response.json()
    inquiry = Inquiry.objects.get(pk=body["id"])
    assert body["status"] == "new"
    assert (inquiry.channel, inquiry.phone, inquiry.project, inquiry.source_detail) == (
        Inquiry.Channel.API,
        "13900002222",
        project_a,
        "call-center",
    )
    assert AuditEntry.objects.filter(model="customers.inquiry", object_id=str(inquiry.pk), actor=integration).exists()


def test_api_intake_without_a_valid_token_is_401(client):
    payload = {"name": "Zhang Wei", "phone": "13900002222"}
    assert client.post(API, payload, content_type="application/json").status_code == 401
    bad = {"Authorization": "Bearer crm_not-a-token"}
    assert client.post(API, payload, content_type="application/json", headers=bad).status_code == 401
    assert not Inquiry.objects.exists()


def test_api_intake_needs_the_add_inquiry_permission(client, rep):
    payload = {"name": "Zhang Wei", "phone": "13900002222"}
    assert client.post(API, payload, content_type="application/json", headers=bearer(rep)).status_code == 403
    assert not Inquiry.objects.exists()


def test_api_intake_with_an_invalid_phone_is_422_with_the_field_error(client, admin_user):
    integration = grant(admin_user, "add_inquiry")
    response = client.post(
        API, {"name": "Zhang Wei", "phone": "12345"}, content_type="application/json", headers=bearer(integration)
    )
    assert response.status_code == 422
    assert response.json()["errors"]["phone"]
    response = client.post(
        API,
        {"name": "Zhang Wei", "phone": "13900002222", "project_code": "nope"},
        content_type="application/json",
        headers=bearer(integration),
    )
    assert response.status_code == 422
    assert "project_code" in response.json()["errors"]
    response = client.post(API, {"phone": "13900002222"}, content_type="application/json", headers=bearer(integration))
    assert response.status_code == 422
    assert not Inquiry.objects.exists()


def test_api_lists_the_queue_scoped_and_masked(client, rep, other_rep, director):
    mine = assigned(InquiryFactory(phone="13912345678"), rep, director)
    theirs = assigned(InquiryFactory(), other_rep, director)
    waiting = InquiryFactory()
    response = client.get(API, headers=bearer(rep))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [mine.pk]
    assert items[0]["phone"] == "139****5678"  # the queue is masked for a rep, as on the page
    response = client.get(API, headers=bearer(director))
    assert {item["id"] for item in response.json()["items"]} == {mine.pk, theirs.pk, waiting.pk}
    assert client.get(API).status_code == 401


def test_the_openapi_schema_lists_the_inquiry_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/inquiries/"]) >= {"get", "post"}


# --- the queue ---------------------------------------------------------------------------------------------------------


def test_a_manager_sees_the_unassigned_inquiries_first_then_the_rest(client, rep, director):
    answered = assigned(InquiryFactory(), rep, director)
    services.inquiry_first_contact(inquiry=answered, by=fresh(rep))
    older_new = InquiryFactory()
    newer_new = InquiryFactory()
    Inquiry.objects.filter(pk=older_new.pk).update(received_at=timezone.now() - datetime.timedelta(hours=1))
    spam = InquiryFactory(status=Inquiry.Status.SPAM)
    client.force_login(director)
    response = client.get(LIST)
    assert response.status_code == 200
    order = [int(pk) for pk in re.findall(r'data-inquiry="(\d+)"', response.content.decode())]
    assert order == [older_new.pk, newer_new.pk, answered.pk]  # oldest waiting first; spam left out
    assert listed_ids(client.get(LIST, {"status": "spam"})) == {spam.pk}


def test_a_rep_sees_only_the_inquiries_assigned_to_them_with_masked_phones(client, rep, other_rep, director):
    mine = assigned(InquiryFactory(phone="13912345678"), rep, director)
    assigned(InquiryFactory(), other_rep, director)
    InquiryFactory()
    client.force_login(rep)
    response = client.get(LIST)
    assert listed_ids(response) == {mine.pk}
    assert "139****5678" in response.content.decode()
    assert "13912345678" not in response.content.decode()


def test_a_team_lead_sees_the_unassigned_queue_and_their_teams_inquiries_only(
    client, rep, other_rep, director, team_lead
):
    north = assigned(InquiryFactory(), rep, director)
    south = assigned(InquiryFactory(), other_rep, director)
    waiting = InquiryFactory()
    client.force_login(team_lead)
    assert listed_ids(client.get(LIST)) == {north.pk, waiting.pk}
    assert client.get(detail_url(south)).status_code == 404


def test_a_rep_gets_404_for_an_inquiry_not_assigned_to_them(client, rep, other_rep, director):
    inquiry = assigned(InquiryFactory(), other_rep, director)
    unassigned = InquiryFactory()
    client.force_login(rep)
    for target in (inquiry, unassigned):
        assert client.get(detail_url(target)).status_code == 404
        assert client.post(action_url("first-contact", target)).status_code == 404
        assert client.post(action_url("convert", target)).status_code == 404
        assert client.post(action_url("status", target), {"status": "closed"}).status_code == 404
    assert client.post(action_url("assign", inquiry), {"to_user": rep.pk}).status_code == 403
    inquiry.refresh_from_db()
    assert (inquiry.assigned_to, inquiry.status, inquiry.customer) == (other_rep, Inquiry.Status.ASSIGNED, None)


def test_the_queue_needs_the_view_permission_and_a_login(client, service_agent):
    assert client.get(LIST).status_code == 302
    client.force_login(service_agent)
    assert client.get(LIST).status_code == 403


def test_the_queue_filters_and_answers_htmx_with_the_rows_only(client, rep, other_rep_same_team, director):
    CustomerSettings.objects.create(inquiry_alert_hours=1)
    for_rep = assigned(InquiryFactory(), rep, director)
    for_rep2 = assigned(InquiryFactory(), other_rep_same_team, director)
    late = InquiryFactory()
    Inquiry.objects.filter(pk=late.pk).update(received_at=timezone.now() - datetime.timedelta(hours=3))
    client.force_login(director)
    assert listed_ids(client.get(LIST, {"assigned_to": rep.pk})) == {for_rep.pk}
    assert listed_ids(client.get(LIST, {"status": "assigned"})) == {for_rep.pk, for_rep2.pk}
    assert listed_ids(client.get(LIST, {"overdue": "on"})) == {late.pk}
    response = client.get(LIST, {"status": "new"}, headers={"HX-Request": "true"})
    assert listed_ids(response) == {late.pk}
    assert "<html" not in response.content.decode()
    # Nonsense filters are ignored, not a 500.
    assert client.get(LIST, {"status": "bogus", "assigned_to": "x", "page": "zz"}).status_code == 200


def test_the_queue_reads_a_bounded_number_of_queries(client, rep, director, django_assert_max_num_queries):
    for _number in range(30):
        assigned(InquiryFactory(project=ProjectFactory()), rep, director)
    InquiryFactory.create_batch(10)
    client.force_login(director)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(18):
        response = client.get(LIST)
    assert len(listed_ids(response)) == 25


# --- assignment and status --------------------------------------------------------------------------------------------


def test_a_manager_assigns_an_inquiry_with_an_audited_reason(client, rep, director):
    inquiry = InquiryFactory()
    client.force_login(director)
    response = client.post(action_url("assign", inquiry), {"to_user": rep.pk, "reason": "Speaks Cantonese"})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.assigned_to, inquiry.assigned_by, inquiry.status) == (rep, director, Inquiry.Status.ASSIGNED)
    assert inquiry.assigned_at is not None
    entry = AuditEntry.objects.get(model="customers.inquiry", object_id=str(inquiry.pk))
    assert entry.actor == director
    assert entry.changes["assigned_to_id"] == [None, rep.pk]
    assert entry.reason == "Speaks Cantonese"


def test_assigning_over_htmx_answers_with_the_refreshed_panel(client, rep, director):
    inquiry = InquiryFactory()
    client.force_login(director)
    response = client.post(action_url("assign", inquiry), {"to_user": rep.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="inquiry-panel"' in html and "<html" not in html
    assert "Assigned to" in html
    inquiry.refresh_from_db()
    assert inquiry.assigned_to == rep


def test_a_manager_cannot_assign_to_a_colleague_outside_their_scope(client, team_lead, other_rep, service_agent):
    inquiry = InquiryFactory()
    client.force_login(team_lead)
    for outsider in (other_rep, service_agent):
        response = client.post(action_url("assign", inquiry), {"to_user": outsider.pk}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.assigned_to is None and inquiry.status == Inquiry.Status.NEW


def test_the_service_refuses_an_assignee_who_could_not_open_the_inquiry(admin_user, marketing):
    with pytest.raises(ValidationError):
        services.inquiry_assign(inquiry=InquiryFactory(), to_user=marketing, by=fresh(admin_user))


def test_a_manager_marks_spam_and_reopens(client, director):
    inquiry = InquiryFactory()
    client.force_login(director)
    client.post(action_url("status", inquiry), {"status": "spam", "reason": "advert"})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.SPAM
    assert AuditEntry.objects.filter(model="customers.inquiry", object_id=str(inquiry.pk), reason="advert").exists()
    client.post(action_url("status", inquiry), {"status": "reopen"})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


def test_the_assigned_rep_may_close_their_inquiry(client, rep, director):
    inquiry = assigned(InquiryFactory(), rep, director)
    client.force_login(rep)
    response = client.post(action_url("status", inquiry), {"status": "closed"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED


def test_mutating_views_refuse_get(client, director):
    inquiry = InquiryFactory()
    client.force_login(director)
    for name in ("assign", "status", "first-contact", "convert"):
        assert client.get(action_url(name, inquiry)).status_code == 405


# --- conversion to a customer file ---------------------------------------------------------------------------------------


def test_convert_creates_a_web_customer_owned_by_the_rep(client, rep, director, project_a):
    inquiry = assigned(InquiryFactory(phone="13955554444", project=project_a, email="a@example.com"), rep, director)
    client.force_login(rep)
    response = client.post(action_url("convert", inquiry))
    inquiry.refresh_from_db()
    customer = inquiry.customer
    assert response.status_code == 302
    assert response["Location"] == customer.get_absolute_url()
    assert (customer.owner, customer.source, customer.phone, customer.project, customer.email) == (
        rep,
        Customer.Source.WEB,
        "13955554444",
        project_a,
        "a@example.com",
    )
    assert customer.notes == inquiry.message
    # A second click does not create a second file.
    client.post(action_url("convert", inquiry))
    assert Customer.objects.filter(phone="13955554444").count() == 1


def test_convert_of_a_colleagues_customer_records_a_conflict_and_creates_nothing(client, rep, other_rep, director):
    existing = CustomerFactory(owner=other_rep, phone="13955553333")
    inquiry = assigned(InquiryFactory(phone="13955553333"), rep, director)
    client.force_login(rep)
    response = client.post(action_url("convert", inquiry), follow=True)
    assert "conflict" in response.content.decode()
    conflict = CustomerConflict.objects.get()
    assert (conflict.customer, conflict.claimant, conflict.evidence["inquiry"]) == (existing, rep, inquiry.pk)
    assert Customer.objects.count() == 1
    inquiry.refresh_from_db()
    assert inquiry.customer is None


def test_convert_of_a_customer_the_rep_already_owns_links_it(client, rep, director):
    existing = CustomerFactory(owner=rep, phone="13955552222")
    inquiry = assigned(InquiryFactory(phone="13955552222"), rep, director)
    client.force_login(rep)
    response = client.post(action_url("convert", inquiry))
    assert response["Location"] == existing.get_absolute_url()
    inquiry.refresh_from_db()
    assert inquiry.customer == existing
    assert Customer.objects.count() == 1


def test_only_the_assignee_converts(client, rep, director):
    inquiry = assigned(InquiryFactory(), rep, director)
    client.force_login(director)
    response = client.post(action_url("convert", inquiry), follow=True)
    assert "Only the colleague this inquiry is assigned to" in response.content.decode()
    assert not Customer.objects.exists()


# --- response time and overdue flags ----------------------------------------------------------------------------------


def test_a_contact_logged_on_the_converted_customer_sets_the_response_time(client, rep, director):
    inquiry = assigned(InquiryFactory(), rep, director)
    customer = services.inquiry_convert(inquiry=inquiry, by=fresh(rep)).customer
    Inquiry.objects.filter(pk=inquiry.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=80))
    interaction_log(customer=customer, by=rep, channel=Interaction.Channel.PHONE, summary="Called back")
    inquiry.refresh_from_db()
    assert inquiry.first_contact_at is not None
    assert inquiry.status == Inquiry.Status.CONTACTED
    client.force_login(rep)
    assert "1 h 20 min" in client.get(detail_url(inquiry)).content.decode()
    assert "1 h 20 min" in client.get(LIST).content.decode()


def test_the_rep_logs_the_first_contact_on_the_inquiry_itself(client, rep, director):
    inquiry = assigned(InquiryFactory(), rep, director)
    Inquiry.objects.filter(pk=inquiry.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=45))
    client.force_login(rep)
    response = client.post(action_url("first-contact", inquiry), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "45 min" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED
    first = inquiry.first_contact_at
    response = client.post(action_url("first-contact", inquiry), follow=True)
    assert "already recorded" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.first_contact_at == first


def test_an_unanswered_inquiry_is_flagged_after_the_configured_hours(client, rep, director):
    CustomerSettings.objects.create(inquiry_alert_hours=1)
    late = InquiryFactory()
    Inquiry.objects.filter(pk=late.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=61))
    recent = InquiryFactory()
    Inquiry.objects.filter(pk=recent.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=30))
    client.force_login(director)
    response = client.get(LIST)
    html = response.content.decode()
    assert re.search(rf'<tr class="table-warning" data-inquiry="{late.pk}"', html)
    assert not re.search(rf'<tr class="table-warning" data-inquiry="{recent.pk}"', html)
    assert response.context["stats"]["overdue"] == 1
    assert 'data-testid="overdue"' in client.get(detail_url(late)).content.decode()
    assert 'data-testid="overdue"' not in client.get(detail_url(recent)).content.decode()


def test_an_answered_inquiry_is_never_overdue(director, rep):
    CustomerSettings.objects.create(inquiry_alert_hours=1)
    inquiry = assigned(InquiryFactory(), rep, director)
    services.inquiry_first_contact(inquiry=inquiry, by=fresh(rep))
    Inquiry.objects.filter(pk=inquiry.pk).update(received_at=timezone.now() - datetime.timedelta(hours=5))
    assert services.inquiry_stats(user=fresh(director))["overdue"] == 0


def test_the_summary_shows_the_median_response_time_of_the_last_30_days(client, rep, director):
    now = timezone.now()
    for minutes in (10, 30, 90, 600):
        inquiry = InquiryFactory()
        Inquiry.objects.filter(pk=inquiry.pk).update(
            received_at=now - datetime.timedelta(minutes=minutes + 5),
            first_contact_at=now - datetime.timedelta(minutes=5),
            assigned_to=rep,
            status=Inquiry.Status.CONTACTED,
        )
    ancient = InquiryFactory()
    Inquiry.objects.filter(pk=ancient.pk).update(
        received_at=now - datetime.timedelta(days=40),
        first_contact_at=now - datetime.timedelta(days=39),
        assigned_to=rep,
        status=Inquiry.Status.CONTACTED,
    )
    stats = services.inquiry_stats(user=fresh(director))
    assert stats["answered"] == 4
    assert stats["median_response"] == datetime.timedelta(minutes=60)
    client.force_login(director)
    assert "1 h 0 min" in client.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (datetime.timedelta(seconds=20), "under 1 min"),
        (datetime.timedelta(minutes=45), "45 min"),
        (datetime.timedelta(hours=1, minutes=20), "1 h 20 min"),
        (datetime.timedelta(days=2, hours=3, minutes=5), "2 d 3 h"),
        (None, ""),
    ],
)
def test_durations_read_like_people_say_them(duration, text):
    assert services.duration_text(duration) == text


# --- the my-day panel ---------------------------------------------------------------------------------------------------


def panel_html(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("my_day")).content.decode()  # "/" sends managers to their dashboard
    match = re.search(r'data-panel="inquiries".*?</section>', html, re.S)
    assert match, "the inquiries panel is on the page"
    return match.group(0)


def test_the_my_day_panel_lists_waiting_inquiries_for_a_manager(client, rep, director):
    CustomerSettings.objects.create(inquiry_alert_hours=1)
    InquiryFactory(name="Waiting Wang")
    late = assigned(InquiryFactory(name="Late Liu"), rep, director)
    Inquiry.objects.filter(pk=late.pk).update(received_at=timezone.now() - datetime.timedelta(hours=2))
    answered = assigned(InquiryFactory(name="Answered Anna"), rep, director)
    services.inquiry_first_contact(inquiry=answered, by=fresh(rep))
    html = panel_html(client, director)
    assert "Waiting Wang" in html and "Late Liu" in html
    assert "Answered Anna" not in html
    assert "list-group-item-warning" in html  # the overdue one is urgent
    assert detail_url(late) in html


def test_the_my_day_panel_shows_a_rep_their_assigned_unanswered_inquiries(client, rep, other_rep, director):
    assigned(InquiryFactory(name="For Rep"), rep, director)
    assigned(InquiryFactory(name="For Other"), other_rep, director)
    InquiryFactory(name="Unassigned Ursula")
    html = panel_html(client, rep)
    assert "For Rep" in html
    assert "For Other" not in html and "Unassigned Ursula" not in html


def test_the_my_day_panel_stays_bounded_and_says_how_many_more(client, director, django_assert_max_num_queries):
    InquiryFactory.create_batch(15)
    user = fresh(director)
    user.get_all_permissions()
    # Settings, the scope (memoised per request in real use), the rows and one count: not one per inquiry.
    with django_assert_max_num_queries(8):
        items = waiting_inquiries(user)
    assert len(items) == 10
    assert items[-1].title == "6 more in the inquiry queue"


# --- robustness ----------------------------------------------------------------------------------------------------------


def test_bad_ids_and_bad_posts_never_fail(client, director, rep):
    inquiry = InquiryFactory()
    client.force_login(director)
    assert client.get("/customers/inquiries/999999/").status_code == 404
    assert client.get("/customers/inquiries/abc/").status_code == 404
    assert client.post("/customers/inquiries/999999/assign/", {"to_user": rep.pk}).status_code == 404
    for name, data in [
        ("assign", {"to_user": "abc"}),
        ("assign", {}),
        ("status", {"status": "bogus"}),
        ("status", {}),
        ("first-contact", {}),
        ("convert", {}),
    ]:
        assert client.post(action_url(name, inquiry), data).status_code == 302
        assert client.post(action_url(name, inquiry), data, headers={"HX-Request": "true"}).status_code in (200, 302)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.assigned_to) == (Inquiry.Status.NEW, None)
    assert client.post(PUBLIC, {"name": "x" * 500, "phone": "1" * 100, "email": "nope"}).status_code in (200, 302)


def test_names_with_markup_are_escaped(client, director):
    InquiryFactory(name='<script>alert("x")</script>')
    client.force_login(director)
    html = client.get(LIST).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
