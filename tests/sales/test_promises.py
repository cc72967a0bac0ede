"""The promises register: recording, closing (once, with a note when broken), who may close, scope, the list,
the report, the my-day panel, the customer timeline, the deal section and the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from crm_site.models import ApiToken
from customers.selectors import timeline
from sales import sections as deal_sections
from sales.models import Promise, SalesSettings
from sales.services import promises as services
from tests.factories import CustomerFactory, ProjectFactory
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/promises/"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """The local date as each test starts: a module constant goes stale when a run crosses local midnight."""
    global TODAY
    TODAY = timezone.localdate()


@pytest.fixture
def director(org):
    return org["director"]


@pytest.fixture
def service_manager(org):
    return org["service_manager"]


@pytest.fixture
def customer(rep, project_a):
    return CustomerFactory(owner=rep, project=project_a)


def make_promise(customer, by, **kwargs) -> Promise:
    values = {"topic": Promise.Topic.PARKING, "content": "A parking space in B2", "due_on": TODAY, "evidence": ""}
    values.update(kwargs)
    project = values.pop("project", None)
    return services.promise_create(customer=customer, project=project, by=by, **values)


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


# --- services ----------------------------------------------------------------------------------------------


def test_a_promise_defaults_to_the_customers_project_and_the_acting_rep(customer, rep, project_a):
    promise = make_promise(customer, rep)
    assert promise.project == project_a
    assert promise.promised_by == rep
    assert promise.status == Promise.Status.OPEN


def test_a_promise_on_a_contract_takes_the_contracts_project(rep, project_b):
    deal = DealFactory(opportunity=OpportunityFactory(customer=CustomerFactory(owner=rep), project=project_b))
    promise = make_promise(deal.customer, rep, deal=deal)
    assert promise.project == project_b
    assert promise.deal == deal


def test_a_contract_of_another_customer_is_refused(customer, rep, project_a):
    deal = DealFactory(opportunity=OpportunityFactory(customer=CustomerFactory(owner=rep), project=project_a))
    with pytest.raises(ValidationError) as error:
        make_promise(customer, rep, deal=deal)
    assert "deal" in error.value.message_dict
    assert not Promise.objects.exists()


def test_a_customer_without_project_needs_one(rep):
    with pytest.raises(ValidationError) as error:
        make_promise(CustomerFactory(owner=rep, project=None), rep)
    assert "project" in error.value.message_dict


def test_a_rep_cannot_record_promises_for_a_customer_they_cannot_see(rep, other_rep, project_a):
    with pytest.raises(PermissionDenied):
        make_promise(CustomerFactory(owner=other_rep, project=project_a), rep)


def test_a_promise_closes_once(customer, rep):
    promise = make_promise(customer, rep)
    services.promise_close(promise=promise, status=Promise.Status.KEPT, note="", by=rep)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.KEPT
    assert promise.closed_by == rep and promise.closed_at is not None
    with pytest.raises(ValidationError, match="already closed"):
        services.promise_close(promise=promise, status=Promise.Status.BROKEN, note="late", by=rep)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.KEPT


@pytest.mark.parametrize("status", [Promise.Status.BROKEN, Promise.Status.WITHDRAWN])
def test_breaking_or_withdrawing_needs_a_note(customer, rep, status):
    promise = make_promise(customer, rep)
    with pytest.raises(ValidationError) as error:
        services.promise_close(promise=promise, status=status, note="  ", by=rep)
    assert "note" in error.value.message_dict
    promise.refresh_from_db()
    assert promise.status == Promise.Status.OPEN


def test_closing_is_audited_in_the_history(customer, rep):
    promise = make_promise(customer, rep)
    services.promise_close(promise=promise, status=Promise.Status.BROKEN, note="Developer sold the space", by=rep)
    latest = promise.history.order_by("-history_date").first()
    assert latest.status == Promise.Status.BROKEN
    assert promise.history.count() == 2


def test_the_team_lead_and_the_projects_service_agent_may_close(customer, rep, team_lead, service_agent):
    first, second = make_promise(customer, rep), make_promise(customer, rep)
    services.promise_close(promise=first, status=Promise.Status.KEPT, note="", by=team_lead)
    services.promise_close(promise=second, status=Promise.Status.KEPT, note="", by=service_agent)
    assert Promise.objects.filter(status=Promise.Status.KEPT).count() == 2


def test_another_rep_and_the_service_manager_may_not_close(customer, rep, other_rep, service_manager):
    promise = make_promise(customer, rep)
    for user in (other_rep, service_manager):
        with pytest.raises(PermissionDenied):
            services.promise_close(promise=promise, status=Promise.Status.KEPT, note="", by=user)


def test_a_service_agent_of_another_project_may_not_close(rep, service_agent, project_b):
    promise = make_promise(CustomerFactory(owner=rep, project=project_b), rep)
    with pytest.raises(PermissionDenied):
        services.promise_close(promise=promise, status=Promise.Status.KEPT, note="", by=service_agent)


# --- pages -------------------------------------------------------------------------------------------------


def test_the_list_shows_open_promises_and_highlights_overdue_ones(client, customer, rep):
    overdue = make_promise(customer, rep, due_on=TODAY - datetime.timedelta(days=2), content="Overdue school place")
    later = make_promise(customer, rep, due_on=TODAY + datetime.timedelta(days=20), content="Later delivery")
    closed = make_promise(customer, rep, content="Kept parking")
    services.promise_close(promise=closed, status=Promise.Status.KEPT, note="", by=rep)
    client.force_login(rep)
    page = client.get(reverse("sales:promise-list")).text
    assert "Overdue school place" in page and "Later delivery" in page
    assert "Kept parking" not in page
    assert f'data-overdue="1" data-promise="{overdue.pk}"' in page
    assert f'data-overdue="1" data-promise="{later.pk}"' not in page


def test_the_list_filters_by_status_topic_and_rep(client, customer, rep, team_lead):
    make_promise(customer, rep, topic=Promise.Topic.SCHOOL, content="School place at No. 1")
    kept = make_promise(customer, rep, topic=Promise.Topic.PARKING, content="Parking kept")
    services.promise_close(promise=kept, status=Promise.Status.KEPT, note="", by=rep)
    client.force_login(team_lead)
    page = client.get(reverse("sales:promise-list"), {"status": "kept"}).text
    assert "Parking kept" in page and "at No. 1" not in page
    page = client.get(reverse("sales:promise-list"), {"status": "all", "topic": "school"}).text
    assert "at No. 1" in page and "Parking kept" not in page
    page = client.get(reverse("sales:promise-list"), {"status": "all", "promised_by": rep.pk}).text
    assert "at No. 1" in page and "Parking kept" in page


def test_the_list_answers_htmx_with_the_rows_only(client, customer, rep):
    make_promise(customer, rep, content="Row for htmx")
    client.force_login(rep)
    response = client.get(reverse("sales:promise-list"), headers={"HX-Request": "true"})
    assert "Row for htmx" in response.text
    assert "<html" not in response.text


def test_another_reps_promises_are_neither_listed_nor_found(client, customer, rep, other_rep):
    promise = make_promise(customer, rep, content="Private promise")
    client.force_login(other_rep)
    assert "Private promise" not in client.get(reverse("sales:promise-list")).text
    assert client.get(promise.get_absolute_url()).status_code == 404
    response = client.post(reverse("sales:promise-close", args=[promise.pk]), {"status": "kept"})
    assert response.status_code == 404


def test_the_list_keeps_its_query_count_as_rows_grow(client, customer, rep, django_assert_max_num_queries):
    client.force_login(rep)
    for index in range(3):
        make_promise(customer, rep, content=f"p{index}")
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("sales:promise-list"))
    for index in range(20):
        make_promise(customer, rep, content=f"q{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("sales:promise-list"))


def test_recording_a_promise_from_the_customer(client, customer, rep, project_a):
    client.force_login(rep)
    url = f"{reverse('sales:promise-create')}?customer={customer.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"topic": "decoration", "content": "Full decoration, brand kitchen", "due_on": "2026-09-01"}
    )
    promise = Promise.objects.get()
    assert response.status_code == 302 and response.url == promise.get_absolute_url()
    assert promise.topic == "decoration" and promise.project == project_a and promise.promised_by == rep


def test_recording_over_htmx_answers_with_a_fragment(client, customer, rep):
    client.force_login(rep)
    url = f"{reverse('sales:promise-create')}?customer={customer.pk}"
    form = client.get(url, headers={"HX-Request": "true"}).text
    assert 'data-testid="promise-form"' in form and "<html" not in form
    invalid = client.post(url, {"topic": "parking", "content": ""}, headers={"HX-Request": "true"})
    assert invalid.status_code == 200 and 'data-testid="promise-form"' in invalid.text
    assert not Promise.objects.exists()
    done = client.post(url, {"topic": "parking", "content": "Space 12"}, headers={"HX-Request": "true"})
    assert 'data-testid="promise-done"' in done.text
    assert Promise.objects.get().content == "Space 12"


def test_the_form_for_a_customer_out_of_scope_is_not_found(client, rep, other_rep, project_a):
    client.force_login(rep)
    stranger = CustomerFactory(owner=other_rep, project=project_a)
    assert client.get(f"{reverse('sales:promise-create')}?customer={stranger.pk}").status_code == 404
    assert client.get(reverse("sales:promise-create")).status_code == 404


def test_roles_without_add_promise_are_refused(client, customer, service_manager):
    client.force_login(service_manager)
    assert client.get(f"{reverse('sales:promise-create')}?customer={customer.pk}").status_code == 403


def test_closing_from_the_page(client, customer, rep):
    promise = make_promise(customer, rep)
    client.force_login(rep)
    missing = client.post(reverse("sales:promise-close", args=[promise.pk]), {"status": "broken", "note": ""})
    assert missing.status_code == 200 and "Say why" in missing.text
    promise.refresh_from_db()
    assert promise.status == Promise.Status.OPEN
    response = client.post(reverse("sales:promise-close", args=[promise.pk]), {"status": "broken", "note": "Sold"})
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == Promise.Status.BROKEN and promise.close_note == "Sold"
    again = client.post(reverse("sales:promise-close", args=[promise.pk]), {"status": "kept"})
    assert "already closed" in again.text


def test_closing_over_htmx_answers_with_the_status_panel(client, customer, rep, service_agent):
    promise = make_promise(customer, rep)
    client.force_login(service_agent)
    response = client.post(
        reverse("sales:promise-close", args=[promise.pk]), {"status": "kept"}, headers={"HX-Request": "true"}
    )
    assert 'id="promise-status"' in response.text and "<html" not in response.text
    assert "Kept" in response.text


def test_roles_that_may_view_but_not_close_see_no_close_form(client, customer, rep, executive):
    promise = make_promise(customer, rep)
    client.force_login(executive)
    page = client.get(promise.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="close-form"' not in page.text
    assert client.post(reverse("sales:promise-close", args=[promise.pk]), {"status": "kept"}).status_code == 403


def test_the_service_manager_sees_promises_of_served_projects_only_and_closes_none(
    client, customer, rep, other_rep, service_manager
):
    # His department serves project A (his agent is assigned to it): a broken promise there is his business.
    promise = make_promise(customer, rep)
    elsewhere = make_promise(CustomerFactory(owner=other_rep, project=ProjectFactory(code="p-y", name="Y")), other_rep)
    client.force_login(service_manager)
    assert client.get(promise.get_absolute_url()).status_code == 200
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
    assert client.post(reverse("sales:promise-close", args=[promise.pk]), {"status": "kept"}).status_code == 403


def test_the_broken_promises_report_counts_by_project_topic_and_rep(client, customer, rep, other_rep, director):
    broken = make_promise(customer, rep, topic=Promise.Topic.SCHOOL)
    services.promise_close(promise=broken, status=Promise.Status.BROKEN, note="No place", by=rep)
    make_promise(customer, rep, topic=Promise.Topic.PARKING, due_on=TODAY - datetime.timedelta(days=3))
    make_promise(customer, rep, topic=Promise.Topic.PARKING, due_on=TODAY + datetime.timedelta(days=3))
    elsewhere = CustomerFactory(owner=other_rep, project=ProjectFactory(code="p-x", name="Project X"))
    make_promise(elsewhere, other_rep, due_on=TODAY - datetime.timedelta(days=1))
    client.force_login(director)
    since = (TODAY - datetime.timedelta(days=30)).isoformat()
    response = client.get(reverse("sales:promise-report"), {"since": since, "until": TODAY.isoformat()})
    report = response.context["report"]
    assert report["broken"] == 1 and report["overdue"] == 2
    assert {row["label"]: (row["broken"], row["overdue"]) for row in report["by_topic"]} == {
        "School place": (1, 0),
        "Parking space": (0, 2),
    }
    assert {row["promised_by_id"]: row["total"] for row in report["by_rep"]} == {rep.pk: 2, other_rep.pk: 1}
    client.force_login(rep)
    own = client.get(reverse("sales:promise-report"), {"since": since, "until": TODAY.isoformat()}).context["report"]
    assert own["broken"] == 1 and own["overdue"] == 1


def test_the_report_rejects_a_reversed_period(client, rep):
    client.force_login(rep)
    response = client.get(reverse("sales:promise-report"), {"since": "2026-05-01", "until": "2026-01-01"})
    assert response.status_code == 200 and "before the start date" in response.text


# --- my day, timeline, deal section ------------------------------------------------------------------------


def test_my_day_shows_promises_due_soon_and_overdue_not_later_ones(client, customer, rep):
    SalesSettings.objects.create(promise_warn_days=5)
    make_promise(customer, rep, content="Due in three days", due_on=TODAY + datetime.timedelta(days=3))
    make_promise(customer, rep, content="Overdue key handover", due_on=TODAY - datetime.timedelta(days=1))
    make_promise(customer, rep, content="Far in the future", due_on=TODAY + datetime.timedelta(days=30))
    kept = make_promise(customer, rep, content="Already kept", due_on=TODAY)
    services.promise_close(promise=kept, status=Promise.Status.KEPT, note="", by=rep)
    client.force_login(rep)
    page = client.get("/").text
    assert "Promises due" in page
    assert "Due in three days" in page and "Overdue key handover" in page
    assert "Far in the future" not in page and "Already kept" not in page
    assert "overdue since" in page


def test_the_timeline_shows_promises_made_and_closed(customer, rep):
    promise = make_promise(customer, rep, content="Parking B2-17")
    services.promise_close(promise=promise, status=Promise.Status.BROKEN, note="Space sold", by=rep)
    titles = [event.title for event in timeline(customer=customer) if event.kind == "promise"]
    assert "Promise: Parking space" in titles
    assert "Promise broken: Parking space" in titles


def test_the_deal_section_lists_the_deals_promises_with_an_add_link(rep, project_a):
    customer = CustomerFactory(owner=rep, project=project_a)
    deal = DealFactory(opportunity=OpportunityFactory(customer=customer, project=project_a))
    make_promise(deal.customer, rep, deal=deal, content="On the contract")
    make_promise(deal.customer, rep, content="Not on the contract")
    section = next(s for s in deal_sections.sections(deal, rep) if s["key"] == "promises")
    assert [p.content for p in section["context"]["promises"]] == ["On the contract"]
    assert f"deal={deal.pk}" in section["context"]["add_url"]
    assert section["template"] == "sales/_promise_deal_section.html"


def test_the_form_opened_from_a_deal_preselects_it(client, rep, project_a):
    deal = DealFactory(opportunity=OpportunityFactory(customer=CustomerFactory(owner=rep), project=project_a))
    client.force_login(rep)
    response = client.get(reverse("sales:promise-create"), {"customer": deal.customer_id, "deal": deal.pk})
    assert response.context["form"].initial["deal"] == deal


# --- API ---------------------------------------------------------------------------------------------------


def test_api_lists_only_promises_in_scope(client, customer, rep, other_rep, project_a):
    mine = make_promise(customer, rep)
    make_promise(CustomerFactory(owner=other_rep, project=project_a), other_rep)
    response = client.get(API, headers=bearer(rep))
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [mine.pk]


def test_api_requires_authentication(client):
    assert client.get(API).status_code == 401


def test_api_creates_and_validates(client, customer, rep, other_rep, project_a):
    created = client.post(
        API,
        {"customer_id": customer.pk, "topic": "school", "content": "No. 1 primary", "due_on": "2026-09-01"},
        content_type="application/json",
        headers=bearer(rep),
    )
    assert created.status_code == 201, created.content
    assert created.json()["project_id"] == project_a.pk and created.json()["promised_by_id"] == rep.pk
    empty = client.post(
        API, {"customer_id": customer.pk, "content": ""}, content_type="application/json", headers=bearer(rep)
    )
    assert empty.status_code == 422
    stranger = CustomerFactory(owner=other_rep, project=project_a)
    hidden = client.post(
        API, {"customer_id": stranger.pk, "content": "x"}, content_type="application/json", headers=bearer(rep)
    )
    assert hidden.status_code == 422
    assert Promise.objects.count() == 1


def test_api_closes_once_with_a_note_and_scope(client, customer, rep, other_rep, service_manager):
    promise = make_promise(customer, rep)
    url = f"{API}{promise.pk}/close"
    assert (
        client.post(url, {"status": "kept"}, content_type="application/json", headers=bearer(other_rep)).status_code
        == 404
    )
    assert (
        client.post(
            url, {"status": "kept"}, content_type="application/json", headers=bearer(service_manager)
        ).status_code
        == 403
    )
    no_note = client.post(url, {"status": "broken"}, content_type="application/json", headers=bearer(rep))
    assert no_note.status_code == 422 and "note" in no_note.json()["errors"]
    done = client.post(url, {"status": "kept"}, content_type="application/json", headers=bearer(rep))
    assert done.status_code == 200 and done.json()["status"] == "kept"
    again = client.post(url, {"status": "kept"}, content_type="application/json", headers=bearer(rep))
    assert again.status_code == 422
