"""Money pages: the overdue list with inline htmx payments, schedules and refunds, scope and permissions."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from crm_site import myday
from customers.selectors import timeline
from sales import sections as deal_sections
from sales.models import Deal, Installment, Payment
from sales.panels import money as panels_money
from sales.services import money as services
from sales.services.money import Plan
from tests.sales.factories import DealFactory

pytestmark = pytest.mark.django_db

D = Decimal
LIST = reverse("sales:installment-list")
HTMX = {"HX-Request": "true"}


def today():
    return timezone.localdate()


def contract(owner, price="1000.00", project=None, **kwargs) -> Deal:
    extra = {"opportunity__project": project} if project is not None else {}
    return DealFactory(
        opportunity__customer__owner=owner,
        stage=Deal.Stage.CONTRACT,
        price=D(price),
        signed_on=today(),
        contract_no=kwargs.pop("contract_no", ""),
        **extra,
        **kwargs,
    )


def schedule(deal, *, first_due=None, plan=Plan.FULL, **kwargs) -> list[Installment]:
    return services.schedule_create(deal=deal, plan=plan, by=deal.owner, first_due=first_due or today(), **kwargs)


def overdue_line(owner, days=10, price="1000.00", **kwargs) -> Installment:
    return schedule(contract(owner, price, **kwargs), first_due=today() - datetime.timedelta(days=days))[0]


# --- the list ------------------------------------------------------------------------------------------


def test_list_shows_own_outstanding_lines_with_days_overdue_and_hides_other_reps(client, rep, other_rep):
    mine = overdue_line(rep, days=12, contract_no="HT-001")
    theirs = overdue_line(other_rep, days=3)
    client.force_login(rep)
    response = client.get(LIST)
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert rows == [mine]
    assert rows[0].days_overdue == 12
    assert b"HT-001" in response.content
    assert theirs.deal.customer.name.encode() not in response.content


def test_team_lead_sees_the_team_and_filters_by_overdue_and_window(client, team_lead, rep):
    late = overdue_line(rep, days=5)
    soon = schedule(contract(rep), first_due=today() + datetime.timedelta(days=5))[0]
    later = schedule(contract(rep), first_due=today() + datetime.timedelta(days=40))[0]
    client.force_login(team_lead)
    assert list(client.get(LIST).context["page"].object_list) == [late, soon]  # the default: within 30 days
    assert list(client.get(LIST, {"due": "all"}).context["page"].object_list) == [late, soon, later]
    assert list(client.get(LIST, {"due": "overdue"}).context["page"].object_list) == [late]
    assert list(client.get(LIST, {"due": "7"}).context["page"].object_list) == [late, soon]
    assert list(client.get(LIST, {"within": "60"}).context["page"].object_list) == [late, soon, later]


def test_fully_paid_and_cancelled_lines_are_not_listed(client, rep):
    paid = overdue_line(rep)
    services.payment_record(installment=paid, amount=paid.amount, received_on=today(), by=rep)
    cancelled = overdue_line(rep)
    Deal.objects.filter(pk=cancelled.deal_id).update(state=Deal.State.CANCELLED)
    client.force_login(rep)
    assert list(client.get(LIST).context["page"].object_list) == []


def test_list_filters_by_project(client, admin_user, rep, project_a, project_b):
    in_a = overdue_line(rep, project=project_a)
    overdue_line(rep, project=project_b)
    client.force_login(admin_user)
    assert list(client.get(LIST, {"project": project_a.pk}).context["page"].object_list) == [in_a]


def test_htmx_filter_returns_only_the_rows(client, rep):
    overdue_line(rep)
    client.force_login(rep)
    response = client.get(LIST, headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content and b'data-testid="installment-row"' in response.content


def test_roles_without_the_permission_get_403(client, service_agent):
    client.force_login(service_agent)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("sales:collection-report")).status_code == 403


@pytest.mark.parametrize("count", [2, 15])
def test_list_query_count_does_not_grow_with_rows(client, rep, count, django_assert_max_num_queries):
    for _ in range(count):
        overdue_line(rep)
    client.force_login(rep)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == count


# --- recording payments inline ---------------------------------------------------------------------------


def test_htmx_payment_returns_the_updated_row(client, rep):
    line = overdue_line(rep)
    client.force_login(rep)
    url = reverse("sales:payment-record", args=[line.pk])
    response = client.post(
        url, {"amount": "400.00", "received_on": today().isoformat(), "method": "transfer"}, headers=HTMX
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith("<tr") and f'id="installment-{line.pk}"' in content
    assert "600.00" in content and "Recorded" in content
    line.refresh_from_db()
    assert line.received == D("400.00")


def test_htmx_overpayment_shows_the_error_in_the_row_and_changes_nothing(client, rep):
    line = overdue_line(rep)
    client.force_login(rep)
    response = client.post(
        reverse("sales:payment-record", args=[line.pk]),
        {"amount": "1000.01", "received_on": today().isoformat(), "method": "transfer"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "would overpay it" in response.content.decode()
    assert not Payment.objects.exists()


def test_payment_form_post_without_htmx_redirects_back(client, rep):
    line = overdue_line(rep)
    client.force_login(rep)
    response = client.post(
        reverse("sales:payment-record", args=[line.pk]),
        {"amount": "1000", "received_on": today().isoformat(), "method": "cash", "next": LIST},
    )
    assert response.status_code == 302 and response["Location"] == LIST
    assert Payment.objects.get().method == "cash"


def test_payment_on_another_reps_installment_is_404(client, rep, other_rep):
    line = overdue_line(other_rep)
    client.force_login(rep)
    response = client.post(
        reverse("sales:payment-record", args=[line.pk]), {"amount": "1", "received_on": today().isoformat()}
    )
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_payment_needs_post_and_the_permission(client, rep, executive):
    line = overdue_line(rep)
    url = reverse("sales:payment-record", args=[line.pk])
    client.force_login(rep)
    assert client.get(url).status_code == 405
    client.force_login(executive)
    assert client.post(url, {"amount": "1", "received_on": today().isoformat()}).status_code == 403


def test_refund_needs_a_manager(client, rep, team_lead):
    line = overdue_line(rep)
    services.payment_record(installment=line, amount=D("500"), received_on=today(), by=rep)
    url = reverse("sales:payment-refund", args=[line.pk])
    client.force_login(rep)
    assert client.post(url, {"amount": "100", "reason": "x"}).status_code == 403
    client.force_login(team_lead)
    assert client.post(url, {"amount": "600", "reason": "too much"}).status_code == 302
    line.refresh_from_db()
    assert line.received == D("500.00")
    client.post(url, {"amount": "100", "reason": "goodwill"})
    line.refresh_from_db()
    assert line.received == D("400.00")
    assert Payment.objects.filter(is_refund=True).get().amount == D("-100.00")


# --- schedules on the deal page -------------------------------------------------------------------------


def test_rep_creates_the_schedule_of_their_contract(client, rep):
    deal = contract(rep, price="900000.00")
    client.force_login(rep)
    response = client.post(
        reverse("sales:schedule-create", args=[deal.pk]),
        {
            "plan": "installments",
            "first_due": "2030-01-15",
            "down_payment_pct": "20",
            "installments": "3",
            "mortgage_after_months": "2",
        },
    )
    assert response.status_code == 302
    amounts = list(deal.installments.values_list("amount", flat=True))
    assert amounts == [D("180000.00"), D("240000.00"), D("240000.00"), D("240000.00")]


def test_schedule_for_another_reps_deal_is_404_and_get_is_405(client, rep, other_rep):
    deal = contract(other_rep)
    client.force_login(rep)
    url = reverse("sales:schedule-create", args=[deal.pk])
    assert client.post(url, {"plan": "full", "first_due": "2030-01-01"}).status_code == 404
    assert client.get(url).status_code == 405


def test_invalid_schedule_input_changes_nothing(client, rep):
    deal = DealFactory(opportunity__customer__owner=rep)  # a reservation: no price yet
    client.force_login(rep)
    response = client.post(
        reverse("sales:schedule-create", args=[deal.pk]),
        {"plan": "full", "first_due": "2030-01-01", "down_payment_pct": "30", "installments": "12",
         "mortgage_after_months": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    assert not Installment.objects.exists()


def test_installment_edit_needs_change_installment_and_keeps_the_sum(client, rep, team_lead):
    deal = contract(rep, price="1000.00")
    first, second = schedule(deal, plan=Plan.INSTALLMENTS, down_payment_pct=D("0"), installments=2)
    url = reverse("sales:installment-edit", args=[first.pk])
    client.force_login(rep)
    assert client.get(url).status_code == 403
    client.force_login(team_lead)
    assert client.get(url).status_code == 200
    response = client.post(url, {"due_on": "2030-02-01", "amount": "700.00", "note": "agreed"})
    assert response.status_code == 302
    assert list(deal.installments.order_by("sequence").values_list("amount", flat=True)) == [D("700"), D("300")]
    response = client.post(url, {"due_on": "2030-02-01", "amount": "1000.00"})
    assert response.status_code == 200 and "cannot absorb" in response.content.decode()


def test_deal_section_offers_the_schedule_form_then_shows_the_schedule(rep):
    deal = contract(rep, price="1000.00")
    (section,) = [s for s in deal_sections.sections(deal, rep) if s["key"] == "money"]
    assert section["context"]["schedule_form"] is not None and not section["context"]["lines"]
    html = render_to_string(section["template"], {"ctx": section["context"]})
    assert 'data-testid="schedule-form"' in html
    line = schedule(deal)[0]
    services.payment_record(installment=line, amount=D("250"), received_on=today(), by=rep)
    (section,) = [s for s in deal_sections.sections(deal, rep) if s["key"] == "money"]
    assert section["context"]["totals"] == {"amount": D("1000"), "received": D("250"), "outstanding": D("750")}
    html = render_to_string(section["template"], {"ctx": section["context"]})
    assert "750.00" in html and 'data-testid="payment-form"' in html


def test_deal_section_is_hidden_for_reservations_and_roles_without_the_permission(rep, service_agent):
    assert panels_money.deal_section(DealFactory(opportunity__customer__owner=rep), rep) is None
    assert panels_money.deal_section(contract(rep), service_agent) is None


# --- my day and the customer timeline -------------------------------------------------------------------


def test_my_day_lists_own_payments_due_this_week_overdue_first_and_urgent(rep, other_rep):
    late = overdue_line(rep, days=4)
    schedule(contract(rep), first_due=today() + datetime.timedelta(days=3))
    schedule(contract(rep), first_due=today() + datetime.timedelta(days=30))
    overdue_line(other_rep)
    items = panels_money.payments_due(rep)
    assert [item.urgent for item in items] == [True, False]
    assert late.deal.customer.name in items[0].title and "4 days overdue" in items[0].detail
    panel = next(p for p in myday.panels(rep) if p["panel"].key == "payments_due")
    assert len(panel["items"]) == 2


def test_the_payments_panel_reads_five_lines_in_as_many_queries_as_one(rep, django_assert_max_num_queries):
    """The panel reads only the columns it shows (.only): a column it forgot would cost a query per line."""
    overdue_line(rep, days=1)
    panels_money.payments_due(rep)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        panels_money.payments_due(rep)
    for days in range(2, 6):
        overdue_line(rep, days=days)
    with CaptureQueriesContext(connection) as five:
        items = panels_money.payments_due(rep)
    assert len(items) == 5 and len(five) == len(one)
    assert "5 days overdue" in items[0].detail and items[0].url.endswith("#money")


def test_customer_timeline_shows_payments_and_refunds(rep):
    line = overdue_line(rep)
    services.payment_record(installment=line, amount=D("300"), received_on=today(), by=rep, reference="TX9")
    services.payment_refund(installment=line, amount=D("50"), reason="fee", by=rep)
    events = [event for event in timeline(customer=line.deal.customer) if event.kind == "payment"]
    assert sorted(event.title for event in events) == ["Payment of ¥300.00 received", "Refund of ¥50.00"]
