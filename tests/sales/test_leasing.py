"""Leases: the rent schedule, the unit's status through the life cycle, the pages and their scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sales.models import Installment, Lease, Unit
from sales.selectors import money as money_selectors
from sales.services import leasing as services
from sales.services import money as money_services
from sales.services.leasing import rent_due_dates
from tests.factories import CustomerFactory
from tests.sales.factories import UnitFactory

pytestmark = pytest.mark.django_db

D = Decimal


def today():
    return timezone.localdate()


@pytest.fixture
def shop(project_a):
    return UnitFactory(building__project=project_a, use=Unit.Use.SHOP, for_lease=True, monthly_rent=D("8000"), rooms=0)


def let(unit, by, *, tenant=None, months_ago=2, **kwargs) -> Lease:
    start = today().replace(day=1) - datetime.timedelta(days=1)
    for _ in range(months_ago - 1):
        start = start.replace(day=1) - datetime.timedelta(days=1)
    start = start.replace(day=1)
    values = {
        "starts_on": start,
        "ends_on": start.replace(year=start.year + 1),
        "monthly_rent": D("8000.00"),
        "deposit": D("16000.00"),
        "rent_day": 5,
        "signed_on": start,
    }
    values.update(kwargs)
    return services.lease_create(unit=unit, tenant=tenant or CustomerFactory(owner=by), by=by, **values)


def test_rent_due_dates_one_per_month_on_the_rent_day_never_before_the_start():
    dates = rent_due_dates(starts_on=datetime.date(2025, 1, 15), ends_on=datetime.date(2025, 4, 15), rent_day=31)
    assert dates == [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 31)]
    dates = rent_due_dates(starts_on=datetime.date(2025, 1, 15), ends_on=datetime.date(2025, 3, 1), rent_day=1)
    assert dates == [datetime.date(2025, 1, 15), datetime.date(2025, 2, 1)]


def test_lease_create_makes_the_rent_schedule_and_leases_the_unit(shop, rep):
    lease = let(shop, rep)
    lines = list(lease.installments.order_by("due_on", "sequence"))
    assert lines[0].kind == Installment.Kind.DEPOSIT and lines[0].amount == D("16000.00")
    rents = [line for line in lines if line.kind == Installment.Kind.RENT]
    assert len(rents) == 12 and {line.amount for line in rents} == {D("8000.00")}
    assert {line.due_on.day for line in rents} == {5}
    assert all(line.project_id == shop.project_id and line.owner_id == rep.pk for line in lines)
    shop.refresh_from_db()
    assert shop.status == Unit.Status.LEASED


def test_one_live_lease_per_unit(shop, rep, other_rep):
    let(shop, rep)
    with pytest.raises(ValidationError, match="not available"):
        let(shop, other_rep)
    assert Lease.objects.count() == 1


def test_a_unit_not_for_lease_or_sold_cannot_be_let(project_a, rep):
    flat = UnitFactory(building__project=project_a)
    with pytest.raises(ValidationError, match="not offered for lease"):
        let(flat, rep)
    sold = UnitFactory(building__project=project_a, for_lease=True, status=Unit.Status.CONTRACTED)
    with pytest.raises(ValidationError, match="not available"):
        let(sold, rep)


def test_bad_terms_are_refused_with_field_errors(shop, rep):
    with pytest.raises(ValidationError) as error:
        let(shop, rep, ends_on=datetime.date(2000, 1, 1), rent_day=40, monthly_rent=D("0"))
    assert set(error.value.message_dict) == {"ends_on", "rent_day", "monthly_rent"}
    assert not Lease.objects.exists()


def test_rent_is_paid_like_any_installment_and_shows_in_the_overdue_list(shop, rep):
    lease = let(shop, rep)
    overdue = list(money_selectors.installment_list(user=rep, overdue_only=True))
    assert overdue and all(line.lease_id == lease.pk for line in overdue)
    money_services.payment_record(installment=overdue[0], amount=overdue[0].amount, received_on=today(), by=rep)
    assert len(money_selectors.installment_list(user=rep, overdue_only=True)) == len(overdue) - 1


def test_lease_end_frees_the_unit_and_drops_only_unpaid_future_rent(shop, rep, team_lead):
    lease = let(shop, rep)
    future = lease.installments.filter(kind="rent", due_on__gt=today()).order_by("due_on")
    paid_ahead = future.first()
    money_services.payment_record(installment=paid_ahead, amount=D("100"), received_on=today(), by=rep)
    past = set(lease.installments.filter(due_on__lte=today()).values_list("pk", flat=True))
    services.lease_end(lease=lease, reason="Tenant moves out", by=team_lead, terminated=True)
    lease.refresh_from_db()
    assert lease.state == Lease.State.TERMINATED and lease.ends_on == today()
    assert set(lease.installments.values_list("pk", flat=True)) == past | {paid_ahead.pk}
    shop.refresh_from_db()
    assert shop.status == Unit.Status.AVAILABLE
    with pytest.raises(ValidationError, match="already ended"):
        services.lease_end(lease=lease, reason="again", by=team_lead)
    let(shop, rep)  # the unit can be let again


# --- pages ----------------------------------------------------------------------------------------------


def test_lease_list_is_scoped(client, shop, rep, other_rep, project_a):
    mine = let(shop, rep)
    theirs = let(UnitFactory(building__project=project_a, for_lease=True), other_rep)
    client.force_login(rep)
    response = client.get(reverse("sales:lease-list"))
    assert list(response.context["page"].object_list) == [mine]
    assert client.get(reverse("sales:lease-detail", args=[theirs.pk])).status_code == 404


def test_lease_create_page_prefills_the_unit_and_creates_the_lease(client, shop, rep):
    tenant = CustomerFactory(owner=rep)
    client.force_login(rep)
    url = reverse("sales:lease-create")
    response = client.get(url, {"unit": shop.pk})
    assert response.status_code == 200 and response.context["form"].initial["unit"] == shop
    response = client.post(
        url,
        {
            "unit": shop.pk,
            "tenant": tenant.pk,
            "starts_on": "2030-01-01",
            "ends_on": "2030-07-01",
            "monthly_rent": "5000",
            "deposit": "0",
            "rent_day": "1",
            "signed_on": today().isoformat(),
        },
    )
    lease = Lease.objects.get()
    assert response.status_code == 302 and response["Location"] == lease.get_absolute_url()
    assert lease.installments.count() == 6


def test_lease_create_refuses_a_tenant_outside_scope(client, shop, rep, other_rep):
    stranger = CustomerFactory(owner=other_rep)
    client.force_login(rep)
    response = client.post(
        reverse("sales:lease-create"),
        {"unit": shop.pk, "tenant": stranger.pk, "starts_on": "2030-01-01", "ends_on": "2030-07-01",
         "monthly_rent": "5000", "deposit": "0", "rent_day": "1", "signed_on": today().isoformat()},
    )  # fmt: skip
    assert response.status_code == 200 and "tenant" in response.context["form"].errors
    assert not Lease.objects.exists()


def test_lease_detail_shows_the_schedule_and_end_needs_change_lease(client, shop, rep, team_lead):
    lease = let(shop, rep)
    client.force_login(rep)
    response = client.get(lease.get_absolute_url())
    assert response.status_code == 200 and response.content.count(b'data-testid="schedule-line"') == 13
    url = reverse("sales:lease-end", args=[lease.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(team_lead)
    assert client.post(url, {"reason": "Moved out"}).status_code == 302
    lease.refresh_from_db()
    assert lease.state == Lease.State.ENDED


def test_lease_pages_need_their_permissions(client, service_agent, shop):
    client.force_login(service_agent)
    assert client.get(reverse("sales:lease-list")).status_code == 403
    assert client.get(reverse("sales:lease-create")).status_code == 403
