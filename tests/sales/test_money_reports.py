"""The monthly collection report and the order analysis, on small datasets with known figures."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer
from sales.models import Deal
from sales.selectors import money as selectors
from sales.services import money as services
from sales.services.money import Plan
from tests.sales.factories import DealFactory

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = datetime.date(2025, 3, 1)
REPORT = reverse("sales:collection-report")
ORDERS = reverse("sales:order-analysis")
# Session, user, permissions, scope (4) and the page's own: two aggregates, labels, the project filter.
REPORT_QUERIES = 18


def deal(owner, project, price, **kwargs) -> Deal:
    return DealFactory(
        opportunity__customer__owner=owner,
        opportunity__project=project,
        stage=Deal.Stage.CONTRACT,
        price=D(price),
        signed_on=kwargs.pop("signed_on", datetime.date(2025, 1, 5)),
        **kwargs,
    )


def pay(line, amount, day):
    services.payment_record(installment=line, amount=D(amount), received_on=day, by=line.owner)


@pytest.fixture
def collections(rep, other_rep, project_a, project_b):
    """March 2025: A (rep) due 500, received 1100, 200 overdue at month end (paid in April); B (other_rep) due
    3000, received 3000, refunded 500, 500 overdue. A cancelled deal's line counts nowhere."""
    d1 = services.schedule_create(
        deal=deal(rep, project_a, "1000.00"),
        plan=Plan.INSTALLMENTS,
        by=rep,
        first_due=datetime.date(2025, 2, 10),
        down_payment_pct=D("0"),
        installments=2,
    )  # 500 due 2025-03-10, 500 due 2025-04-10
    pay(d1[0], "300", datetime.date(2025, 3, 12))
    pay(d1[0], "200", datetime.date(2025, 4, 5))
    (d2,) = services.schedule_create(
        deal=deal(other_rep, project_b, "3000.00"), plan=Plan.FULL, by=other_rep, first_due=datetime.date(2025, 3, 20)
    )
    pay(d2, "3000", datetime.date(2025, 3, 25))
    services.payment_refund(
        installment=d2, amount=D("500"), reason="overcharge", by=other_rep, refunded_on=datetime.date(2025, 3, 28)
    )
    (d3,) = services.schedule_create(
        deal=deal(rep, project_a, "800.00"), plan=Plan.FULL, by=rep, first_due=datetime.date(2025, 2, 15)
    )
    pay(d3, "800", datetime.date(2025, 3, 1))
    cancelled = deal(rep, project_a, "999.00")
    services.schedule_create(deal=cancelled, plan=Plan.FULL, by=rep, first_due=datetime.date(2025, 3, 5))
    Deal.objects.filter(pk=cancelled.pk).update(state=Deal.State.CANCELLED)


def figures(row) -> tuple:
    return (row.label, row.due, row.received, row.refunds, row.net, row.overdue, row.rate)


def test_collection_report_figures_per_project_rep_and_total(collections, admin_user, rep, other_rep):
    report = selectors.collection_report(user=admin_user, month=MARCH)
    assert [figures(row) for row in report.by_project] == [
        ("Project A", D("500"), D("1100"), D("0"), D("1100"), D("200"), D("220.0")),
        ("Project B", D("3000"), D("3000"), D("-500"), D("2500"), D("500"), D("83.3")),
    ]
    reps = {row.key: figures(row)[1:] for row in report.by_rep}
    assert reps == {
        rep.pk: (D("500"), D("1100"), D("0"), D("1100"), D("200"), D("220.0")),
        other_rep.pk: (D("3000"), D("3000"), D("-500"), D("2500"), D("500"), D("83.3")),
    }
    assert figures(report.total)[1:] == (D("3500"), D("4100"), D("-500"), D("3600"), D("700"), D("102.9"))


def test_collection_report_of_april_counts_what_came_in_then(collections, admin_user):
    report = selectors.collection_report(user=admin_user, month=datetime.date(2025, 4, 1))
    total = report.total
    # Due in April: D1's second 500; received: 200 on D1's first line; still unpaid: D1 500 + D2 500.
    assert (total.due, total.received, total.refunds, total.overdue) == (D("500"), D("200"), D("0"), D("1000"))


def test_collection_report_is_scoped_and_filtered_by_project(collections, rep, admin_user, project_b):
    mine = selectors.collection_report(user=rep, month=MARCH)
    assert [row.label for row in mine.by_project] == ["Project A"] and mine.total.due == D("500")
    only_b = selectors.collection_report(user=admin_user, month=MARCH, project=project_b)
    assert [row.label for row in only_b.by_project] == ["Project B"]


def test_collection_report_page_and_csv(collections, client, team_lead, django_assert_max_num_queries):
    client.force_login(team_lead)
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = client.get(REPORT, {"month": "2025-03"})
    assert response.status_code == 200
    assert response.context["report"].total.due == D("500")  # the North team: rep only
    assert "220.0 %" in response.content.decode()
    csv = b"".join(client.get(REPORT, {"month": "2025-03", "format": "csv"}).streaming_content).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Breakdown,Name,Due in month")
    assert "Project,Project A,500.00,1100.00,0.00,1100.00,200.00,220.0" in lines


def test_collection_report_rejects_a_bad_month_without_failing(client, rep):
    client.force_login(rep)
    response = client.get(REPORT, {"month": "2025-13"})
    assert response.status_code == 200 and "YYYY-MM" in response.content.decode()


def test_collection_report_query_count_does_not_grow(client, admin_user, rep, project_a, django_assert_max_num_queries):
    for index in range(12):
        services.schedule_create(
            deal=deal(rep, project_a, "100.00"), plan=Plan.FULL, by=rep, first_due=datetime.date(2025, 3, 1 + index)
        )
    client.force_login(admin_user)
    with django_assert_max_num_queries(REPORT_QUERIES):
        assert client.get(REPORT, {"month": "2025-03"}).context["report"].total.due == D("1200")


# --- order analysis -------------------------------------------------------------------------------------


@pytest.fixture
def orders(rep, other_rep, project_a, project_b):
    def contract(owner, project, price, rooms, area, source, signed_on, **kwargs):
        return deal(
            owner,
            project,
            price,
            signed_on=signed_on,
            unit__rooms=rooms,
            unit__building_area=D(area),
            opportunity__customer__source=source,
            **kwargs,
        )

    contract(rep, project_a, "1000000", 3, "100", Customer.Source.WALK_IN, datetime.date(2025, 1, 10))
    contract(rep, project_a, "2000000", 2, "80", Customer.Source.WEB, datetime.date(2025, 1, 20))
    contract(other_rep, project_b, "1500000", 3, "120", Customer.Source.WALK_IN, datetime.date(2025, 3, 5))
    contract(rep, project_a, "900000", 3, "90", Customer.Source.WEB, datetime.date(2025, 2, 1), state="cancelled")
    contract(rep, project_a, "800000", 1, "50", Customer.Source.WEB, datetime.date(2024, 12, 31))
    DealFactory(opportunity__customer__owner=rep, opportunity__project=project_a)  # a reservation


def table(rows) -> list[tuple]:
    return [(str(row["label"]), row["orders"], row["amount"], row["area"]) for row in rows]


def test_order_analysis_breakdowns(orders, admin_user, rep, other_rep):
    result = selectors.order_analysis(
        user=admin_user, date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 12, 31)
    )
    assert result["total"] == {"orders": 3, "amount": D("4500000"), "area": D("300")}
    assert table(result["month"]) == [("2025-01", 2, D("3000000"), D("180")), ("2025-03", 1, D("1500000"), D("120"))]
    assert table(result["project"]) == [
        ("Project A", 2, D("3000000"), D("180")),
        ("Project B", 1, D("1500000"), D("120")),
    ]
    assert table(result["layout"]) == [("2", 1, D("2000000"), D("80")), ("3", 2, D("2500000"), D("220"))]
    assert table(result["channel"]) == [
        ("Walk-in", 2, D("2500000"), D("220")),
        ("Web inquiry", 1, D("2000000"), D("80")),
    ]
    assert {row["key"]: row["orders"] for row in result["rep"]} == {rep.pk: 2, other_rep.pk: 1}


def test_order_analysis_page_is_scoped_and_filters_by_range_and_project(orders, client, rep, admin_user, project_b):
    client.force_login(rep)
    response = client.get(ORDERS, {"year": "2025"})
    assert response.status_code == 200 and response.context["analysis"]["total"]["orders"] == 2
    response = client.get(ORDERS, {"date_from": "2024-12-01", "date_to": "2025-01-15"})
    assert response.context["analysis"]["total"]["orders"] == 2  # 2024-12-31 and 2025-01-10
    client.force_login(admin_user)
    response = client.get(ORDERS, {"year": "2025", "project": project_b.pk})
    assert response.context["analysis"]["total"] == {"orders": 1, "amount": D("1500000"), "area": D("120")}


def test_order_analysis_csv_and_bad_range(orders, client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    with django_assert_max_num_queries(REPORT_QUERIES + 2):
        response = client.get(ORDERS, {"year": "2025", "format": "csv"})
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Channel,Walk-in,2,2500000.00,220.00" in csv and csv.strip().endswith("Total,,3,4500000.00,300.00")
    response = client.get(ORDERS, {"date_from": "2025-05-01", "date_to": "2025-01-01"})
    assert response.status_code == 200 and 'data-testid="orders-by-month"' not in response.content.decode()
    assert response.context["form"].errors


def test_the_report_tables_are_rendered_once_per_scope_and_language_until_a_payment(
    collections, client, team_lead, executive
):
    """reportcache.cached_fragment: the second view serves the cached markup (no template of the tables rendered),
    another scope or language renders its own, and a payment shows at once."""
    client.force_login(team_lead)
    month = {"month": "2025-03"}
    first = client.get(REPORT, month)
    assert "sales/_money_collection_tables.html" in [template.name for template in first.templates]
    again = client.get(REPORT, month)
    assert "sales/_money_collection_tables.html" not in [template.name for template in again.templates]
    assert again.content.decode().count("220.0 %") == first.content.decode().count("220.0 %") > 0
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(REPORT, month)
    assert "按项目" in chinese.content.decode() and "By project" not in chinese.content.decode()
    client.cookies["django_language"] = "en"
    client.force_login(executive)
    assert "<td>Project B</td>" in client.get(REPORT, month).content.decode()  # the executive's reach: both teams
    client.force_login(team_lead)
    assert "<td>Project B</td>" not in client.get(REPORT, month).content.decode()
    line = selectors.installment_list(user=team_lead).filter(due_on=datetime.date(2025, 4, 10)).get()
    pay(line, "0.01", datetime.date(2025, 3, 31))
    assert "1,100.01" in client.get(REPORT, month).content.decode()


def test_reports_need_their_permissions(client, org):
    client.force_login(org["marketing"])
    assert client.get(ORDERS).status_code == 403
    assert client.get(REPORT).status_code == 403
