"""The send pages: marketing builds a send from a saved filter, reviews the count and the message, sends, reads the
report; other roles cannot; lists keep a query budget."""

import pytest
from django.core import mail

from customers.models import SavedFilter
from outreach.models import Message, Send
from tests.factories import CustomerFactory
from tests.outreach.factories import TemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(marketing, rep):
    for n in range(3):
        CustomerFactory(owner=rep, tags=["vip"], email=f"vip{n}@example.com", marketing_consent=n != 2)
    return SavedFilter.objects.create(user=marketing, name="VIPs", query="tag=vip", shared=True)


def test_marketing_builds_reviews_and_sends(client, marketing, saved, django_capture_on_commit_callbacks):
    template = TemplateFactory(subject_zh="{{ customer_name }}，春季开放日")
    client.force_login(marketing)
    assert client.get("/outreach/sends/new/").status_code == 200
    response = client.post(
        "/outreach/sends/new/",
        {"name": "VIP open day", "template": template.pk, "language": "zh-hans", "audience": "saved_filter",
         "saved_filter-saved_filter": saved.pk},
    )  # fmt: skip
    send = Send.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/outreach/sends/{send.pk}/"
    review = client.get(response["Location"])
    assert review.context["count"].reachable == 2 and review.context["count"].no_consent == 1
    assert "春季开放日" in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/outreach/sends/{send.pk}/start/").status_code == 302
    report = client.get(f"/outreach/sends/{send.pk}/").context["report"]
    assert (report.audience, report.no_consent, report.sent) == (3, 1, 2)
    assert len(mail.outbox) == 2
    assert client.post(f"/outreach/sends/{send.pk}/start/").status_code == 302  # refused with a message
    assert Message.objects.filter(send=send).count() == 2


def test_a_bad_audience_choice_changes_nothing(client, marketing):
    client.force_login(marketing)
    response = client.post(
        "/outreach/sends/new/",
        {"name": "x", "template": TemplateFactory().pk, "language": "en", "audience": "saved_filter",
         "saved_filter-saved_filter": "999999"},
    )  # fmt: skip
    assert response.status_code == 200 and Send.objects.count() == 0


def test_the_audience_fields_follow_the_choice(client, marketing):
    client.force_login(marketing)
    response = client.get("/outreach/sends/audience/?audience=project_buyers", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="project_buyers-project"' in html and "<html" not in html
    assert client.get("/outreach/sends/audience/?audience=nope", headers={"HX-Request": "true"}).status_code == 404


@pytest.mark.parametrize("role", ["rep", "service_agent", "team_lead"])
def test_other_roles_cannot_open_or_start_sends(client, org, role, marketing, saved):
    send = Send.objects.create(name="x", audience="saved_filter", created_by=marketing, template=TemplateFactory())
    client.force_login(org[role])
    assert client.get("/outreach/sends/").status_code == 403
    assert client.get(f"/outreach/sends/{send.pk}/").status_code == 403
    assert client.post(f"/outreach/sends/{send.pk}/start/").status_code == 403
    send.refresh_from_db()
    assert send.status == Send.Status.DRAFT


def test_the_report_lists_only_customers_the_viewer_may_see(
    client, org, marketing, saved, django_capture_on_commit_callbacks
):
    from outreach.services import send_save, send_start

    send = send_save(by=marketing, name="x", template=TemplateFactory(), language="en", audience="saved_filter",
                     audience_params={"saved_filter": str(saved.pk)})  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        send_start(send=send)
    executive = org["executive"]
    client.force_login(executive)
    assert client.get(f"/outreach/sends/{send.pk}/").context["page"].paginator.count == 2


def test_the_send_list_has_a_query_budget(client, marketing, django_assert_max_num_queries):
    template = TemplateFactory()
    for n in range(15):
        Send.objects.create(name=f"Send {n}", audience="saved_filter", created_by=marketing, template=template)
    client.force_login(marketing)
    with django_assert_max_num_queries(12):
        response = client.get("/outreach/sends/")
    assert response.status_code == 200 and len(response.context["page"].object_list) == 15
    with django_assert_max_num_queries(12):
        assert client.get("/outreach/sends/?q=Send", headers={"HX-Request": "true"}).status_code == 200


def test_a_draft_can_be_edited_and_deleted_but_not_a_started_send(client, marketing, saved):
    from outreach.services import send_save

    send = send_save(by=marketing, name="x", template=TemplateFactory(), language="en", audience="saved_filter",
                     audience_params={"saved_filter": str(saved.pk)})  # fmt: skip
    client.force_login(marketing)
    page = client.get(f"/outreach/sends/{send.pk}/edit/")
    assert page.status_code == 200 and page.context["selected"] == "saved_filter"
    Send.objects.filter(pk=send.pk).update(status=Send.Status.DONE)
    assert client.post(f"/outreach/sends/{send.pk}/delete/").status_code == 302
    assert Send.objects.filter(pk=send.pk).exists()
    Send.objects.filter(pk=send.pk).update(status=Send.Status.DRAFT)
    client.post(f"/outreach/sends/{send.pk}/delete/")
    assert not Send.objects.filter(pk=send.pk).exists()
