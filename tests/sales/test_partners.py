"""Channel partners: registration rules (报备), expiry, the link to a customer a rep creates later, commissions,
and what partner users and staff may see."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_site.models import AuditEntry
from customers import services as customer_services
from customers.models import Customer, CustomerPhone
from sales import tasks
from sales.models import Commission, CommissionRule, Deal, Partner, PartnerRegistration, SalesSettings
from sales.services import partners as services
from tests.factories import CustomerFactory, UserFactory
from tests.sales.factories import DealFactory, OpportunityFactory

Status = PartnerRegistration.Status
NOW = timezone.make_aware(datetime.datetime(2026, 3, 1, 10, 0))


def make_partner(name, username):
    user = UserFactory(username=username, role="partner")
    partner = Partner.objects.create(name=name)
    partner.users.add(user)
    return partner, user


@pytest.fixture
def agency_a(db):
    return make_partner("Agency A", "agent_a")


@pytest.fixture
def agency_b(db):
    return make_partner("Agency B", "agent_b")


def register(partner_and_user, project, phone="13800001111", name="Wang Wei", now=None):
    partner, user = partner_and_user
    return services.registration_create(
        partner=partner, project=project, customer_name=name, phone=phone, by=user, now=now or timezone.now()
    )


# --- registration rules -------------------------------------------------------------------------------------


def test_a_new_number_is_protected_for_the_configured_days_and_stored_normalised(agency_a, project_a):
    SalesSettings.objects.create(partner_protection_days=45)
    registration = register(agency_a, project_a, phone="+86 138-0000-1111", now=NOW)
    assert registration.status == Status.PROTECTED
    assert registration.phone == "13800001111"
    assert registration.protected_until == NOW + datetime.timedelta(days=45)


def test_an_existing_customer_is_rejected_without_saying_who_owns_it(agency_a, project_a, rep):
    CustomerFactory(owner=rep, phone="13800001111")
    registration = register(agency_a, project_a)
    assert registration.status == Status.REJECTED
    assert registration.reject_reason == "already a customer"
    assert rep.username not in registration.reject_reason
    assert registration.customer is None


def test_another_partners_live_protection_rejects_the_number(agency_a, agency_b, project_a):
    first = register(agency_a, project_a, now=NOW)
    second = register(agency_b, project_a, now=NOW + datetime.timedelta(days=3))
    assert first.status == Status.PROTECTED
    assert second.status == Status.REJECTED
    assert second.reject_reason == "already registered by another partner"
    assert PartnerRegistration.objects.filter(status=Status.PROTECTED).count() == 1


def test_an_expired_protection_no_longer_blocks_another_partner(agency_a, agency_b, project_a):
    SalesSettings.objects.create(partner_protection_days=30)
    first = register(agency_a, project_a, now=NOW)
    second = register(agency_b, project_a, now=NOW + datetime.timedelta(days=31))
    assert second.status == Status.PROTECTED
    first.refresh_from_db()
    assert first.status == Status.EXPIRED


def test_a_bad_phone_or_empty_name_is_refused_and_nothing_saved(agency_a, project_a):
    with pytest.raises(ValidationError):
        register(agency_a, project_a, phone="12ab")
    with pytest.raises(ValidationError):
        register(agency_a, project_a, name="  ")
    assert not PartnerRegistration.objects.exists()


def test_expiry_marks_only_lapsed_protections(agency_a, agency_b, project_a):
    old = register(agency_a, project_a, phone="13800001111", now=NOW - datetime.timedelta(days=40))
    fresh = register(agency_b, project_a, phone="13800002222", now=NOW)
    assert services.registrations_expire(now=NOW) == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == (Status.EXPIRED, Status.PROTECTED)


def test_the_expiry_task_is_thin_and_calls_the_service():
    with mock.patch.object(services, "registrations_expire", return_value=3) as expire:
        assert tasks.registrations_expire_task() == 3
    expire.assert_called_once_with()


# --- the link to a customer a rep creates later -------------------------------------------------------------


def test_a_rep_creating_the_customer_later_links_the_registration_and_marks_the_source_agent(agency_a, project_a, rep):
    registration = register(agency_a, project_a)
    assert services.protected_registration_for("13800001111") == registration
    customer = customer_services.customer_create(by=rep, name="Wang Wei", phone="13800001111", source="walk_in")
    registration.refresh_from_db()
    assert registration.customer == customer
    customer.refresh_from_db()
    assert customer.source == Customer.Source.AGENT
    assert registration.status == Status.PROTECTED


def test_a_number_added_to_an_existing_customer_links_the_registration(agency_a, project_a, rep):
    registration = register(agency_a, project_a, phone="13800003333")
    customer = CustomerFactory(owner=rep, phone="13700009999", source="walk_in")
    CustomerPhone.objects.create(customer=customer, number="13800003333")
    registration.refresh_from_db()
    assert registration.customer == customer


def test_an_expired_registration_is_not_linked(agency_a, project_a, rep):
    register(agency_a, project_a, now=timezone.now() - datetime.timedelta(days=60))
    assert services.protected_registration_for("13800001111") is None
    customer = customer_services.customer_create(by=rep, name="Wang Wei", phone="13800001111", source="walk_in")
    assert customer.source == "walk_in"
    assert not PartnerRegistration.objects.filter(customer=customer).exists()


# --- commissions ------------------------------------------------------------------------------------------


def test_the_most_specific_active_rule_wins(agency_a, agency_b, project_a, project_b):
    partner, _user = agency_a
    default = CommissionRule.objects.create(rate_pct=Decimal("1.00"))
    by_project = CommissionRule.objects.create(project=project_a, rate_pct=Decimal("1.50"))
    by_partner = CommissionRule.objects.create(partner=partner, rate_pct=Decimal("2.00"))
    both = CommissionRule.objects.create(partner=partner, project=project_a, rate_pct=Decimal("2.50"))
    CommissionRule.objects.create(partner=partner, project=project_b, rate_pct=Decimal("9"), active=False)
    assert services.commission_rule_for(partner=partner, project=project_a) == both
    assert services.commission_rule_for(partner=partner, project=project_b) == by_partner
    assert services.commission_rule_for(partner=agency_b[0], project=project_a) == by_project
    assert services.commission_rule_for(partner=agency_b[0], project=project_b) == default
    both.active = False
    both.save()
    assert services.commission_rule_for(partner=partner, project=project_a) == by_partner


def test_without_any_rule_there_is_none(agency_a):
    assert services.commission_rule_for(partner=agency_a[0], project=None) is None
    assert services.commission_amount(price=Decimal("100"), rule=None) == Decimal("0.00")


@settings(max_examples=60, deadline=None)
@given(
    price=st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2),
    rate=st.decimals(min_value=0, max_value=100, places=2),
    fixed=st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2),
)
def test_the_amount_is_rate_of_price_plus_fixed_to_the_cent(price, rate, fixed):
    rule = CommissionRule(rate_pct=rate, fixed_amount=fixed)
    amount = services.commission_amount(price=price, rule=rule)
    assert isinstance(amount, Decimal)
    assert amount == amount.quantize(Decimal("0.01"))
    exact = price * rate / 100 + fixed
    assert abs(amount - exact) <= Decimal("0.005")


def test_known_commission_amount():
    rule = CommissionRule(rate_pct=Decimal("1.25"), fixed_amount=Decimal("500"))
    assert services.commission_amount(price=Decimal("1999999.99"), rule=rule) == Decimal("25500.00")


@pytest.fixture
def registered_deal(agency_a, project_a, rep):
    """A customer a partner registered, then created by a rep, with a live reservation in project A."""
    register(agency_a, project_a, phone="13800001111")
    customer = customer_services.customer_create(by=rep, name="Wang Wei", phone="13800001111", source="walk_in")
    opportunity = OpportunityFactory(customer=customer, project=project_a)
    return DealFactory(opportunity=opportunity)


def test_a_contract_on_a_registered_customer_creates_one_pending_commission(agency_a, registered_deal):
    partner, _user = agency_a
    CommissionRule.objects.create(rate_pct=Decimal("1.00"), fixed_amount=Decimal("1000"))
    deal = registered_deal
    assert not Commission.objects.exists()  # a reservation earns nothing yet
    deal.stage = Deal.Stage.CONTRACT
    deal.price = Decimal("1800000.00")
    deal.save()
    deal.save()  # saved again (e.g. the contract number filled in): still one commission
    commission = Commission.objects.get()
    assert commission.deal == deal
    assert commission.partner == partner
    assert commission.status == Commission.Status.PENDING
    assert commission.amount == Decimal("19000.00")
    assert commission.registration.status == Status.CONVERTED
    assert AuditEntry.objects.filter(model="sales.commission", object_id=str(commission.pk)).exists()


def test_a_cancelled_contract_or_a_customer_without_registration_earns_nothing(registered_deal, rep, project_a):
    deal = registered_deal
    deal.stage = Deal.Stage.CONTRACT
    deal.state = Deal.State.CANCELLED
    deal.save()
    other = DealFactory(opportunity=OpportunityFactory(customer=CustomerFactory(owner=rep), project=project_a))
    other.stage = Deal.Stage.CONTRACT
    other.save()
    assert not Commission.objects.exists()


def test_commission_status_moves_forward_only(registered_deal, team_lead):
    deal = registered_deal
    deal.stage = Deal.Stage.CONTRACT
    deal.save()
    commission = Commission.objects.get()
    services.commission_set_status(commission=commission, status="approved", by=team_lead)
    services.commission_set_status(commission=commission, status="paid", by=team_lead)
    with pytest.raises(ValidationError):
        services.commission_set_status(commission=commission, status="void", by=team_lead)
    commission.refresh_from_db()
    assert commission.status == Commission.Status.PAID


# --- the partner portal and isolation ------------------------------------------------------------------------


def test_the_portal_registers_a_customer_and_shows_only_the_partners_own_rows(client, agency_a, agency_b, project_a):
    register(agency_b, project_a, phone="13800009999", name="Someone Of B")
    client.force_login(agency_a[1])
    response = client.post(
        reverse("sales:partner-portal"),
        {"project": project_a.pk, "customer_name": "Li Na", "phone": "138 0000 5555"},
        follow=True,
    )
    assert response.status_code == 200
    assert PartnerRegistration.objects.get(phone="13800005555").partner == agency_a[0]
    content = response.content.decode()
    assert "Li Na" in content
    assert "Someone Of B" not in content
    assert "13800009999" not in content


def test_the_portal_says_why_a_registration_was_rejected(client, agency_a, agency_b, project_a):
    register(agency_b, project_a, phone="13800009999")
    client.force_login(agency_a[1])
    response = client.post(
        reverse("sales:partner-portal"),
        {"project": project_a.pk, "customer_name": "Li Na", "phone": "13800009999"},
        follow=True,
    )
    assert "already registered by another partner" in response.content.decode()
    assert "Agency B" not in response.content.decode()


def test_the_portal_rejects_a_bad_phone_with_a_form_error(client, agency_a, project_a):
    client.force_login(agency_a[1])
    response = client.post(
        reverse("sales:partner-portal"), {"project": project_a.pk, "customer_name": "X", "phone": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not PartnerRegistration.objects.exists()


def test_partner_users_see_only_their_own_commissions(client, agency_a, agency_b, registered_deal):
    registered_deal.stage = Deal.Stage.CONTRACT
    registered_deal.save()
    client.force_login(agency_b[1])
    response = client.get(reverse("sales:partner-portal"))
    assert list(response.context["commissions"]) == []
    client.force_login(agency_a[1])
    assert len(client.get(reverse("sales:partner-portal")).context["commissions"]) == 1


def test_a_user_without_a_partner_cannot_open_the_portal(client, rep, db):
    orphan = UserFactory(username="orphan_agent", role="partner")
    client.force_login(orphan)
    assert client.get(reverse("sales:partner-portal")).status_code == 403
    client.force_login(rep)
    assert client.get(reverse("sales:partner-portal")).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "sales:partner-list",
        "sales:partner-create",
        "sales:registration-list",
        "sales:commission-list",
        "sales:commissionrule-list",
        "sales:campaign-list",
        "sales:competitor-report",
        "sales:settings-edit",
        "customers:customer-list",
    ],
)
def test_partner_users_cannot_open_staff_pages_or_customers(client, agency_a, name):
    client.force_login(agency_a[1])
    response = client.get(reverse(name), follow=True)  # sent to their portal
    assert response.redirect_chain[-1][0] == reverse("sales:partner-portal")
    assert client.post(reverse(name)).status_code == 403


def test_partner_users_cannot_open_a_customer_file(client, agency_a, rep):
    customer = CustomerFactory(owner=rep)
    client.force_login(agency_a[1])
    response = client.get(reverse("customers:customer-detail", args=[customer.pk]))
    assert response.status_code == 302 and customer.name not in response.content.decode()


# --- staff pages ------------------------------------------------------------------------------------------


def test_managers_see_partners_with_their_figures(client, team_lead, agency_a, agency_b, project_a):
    register(agency_a, project_a, phone="13800001111")
    register(agency_a, project_a, phone="13800002222")
    register(agency_b, project_a, phone="13800001111")  # rejected
    client.force_login(team_lead)
    response = client.get(reverse("sales:partner-list"))
    rows = {partner.name: partner for partner in response.context["page"].object_list}
    assert (rows["Agency A"].registrations_total, rows["Agency A"].registrations_live) == (2, 2)
    assert (rows["Agency B"].registrations_total, rows["Agency B"].registrations_live) == (1, 0)
    htmx = client.get(reverse("sales:partner-list"), {"q": "Agency B"}, headers={"HX-Request": "true"})
    assert "Agency B" in htmx.content.decode() and "<html" not in htmx.content.decode()
    assert client.get(reverse("sales:partner-detail", args=[agency_a[0].pk])).status_code == 200


def test_the_partner_list_reads_a_fixed_number_of_queries(client, team_lead, project_a, django_assert_max_num_queries):
    for index in range(3):
        make_partner(f"P{index}", f"p{index}")
    client.force_login(team_lead)
    client.get(reverse("sales:partner-list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("sales:partner-list"))
    for index in range(3, 15):
        make_partner(f"P{index}", f"p{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("sales:partner-list"))


def test_a_manager_creates_a_partner_and_assigns_its_users(client, team_lead, db):
    agent = UserFactory(username="new_agent", role="partner")
    client.force_login(team_lead)
    response = client.post(
        reverse("sales:partner-create"),
        {"name": "Sunrise Realty", "kind": "agency", "contact_name": "Zhou", "active": "on", "users": [agent.pk]},
    )
    partner = Partner.objects.get(name="Sunrise Realty")
    assert response.status_code == 302
    assert list(partner.users.all()) == [agent]
    response = client.post(
        reverse("sales:partner-edit", args=[partner.pk]),
        {"name": "Sunrise Realty", "kind": "broker", "active": "on", "users": []},
    )
    partner.refresh_from_db()
    assert partner.kind == "broker" and not partner.users.exists()


def test_reps_cannot_manage_partners(client, rep):
    client.force_login(rep)
    assert client.get(reverse("sales:partner-create")).status_code == 403
    assert client.get(reverse("sales:partner-list")).status_code == 403


def test_the_registration_list_filters_by_partner_and_status(client, team_lead, agency_a, agency_b, project_a):
    register(agency_a, project_a, phone="13800001111", name="Alpha")
    register(agency_b, project_a, phone="13800001111", name="Beta")
    client.force_login(team_lead)
    response = client.get(reverse("sales:registration-list"), {"status": "rejected"})
    assert [row.customer_name for row in response.context["page"].object_list] == ["Beta"]
    response = client.get(
        reverse("sales:registration-list"), {"partner": agency_a[0].pk}, headers={"HX-Request": "true"}
    )
    assert "Alpha" in response.content.decode() and "Beta" not in response.content.decode()


def test_a_manager_approves_and_pays_a_commission(client, team_lead, registered_deal):
    registered_deal.stage = Deal.Stage.CONTRACT
    registered_deal.save()
    commission = Commission.objects.get()
    client.force_login(team_lead)
    assert client.get(reverse("sales:commission-list")).status_code == 200
    url = reverse("sales:commission-status", args=[commission.pk])
    client.post(url, {"status": "approved"})
    client.post(url, {"status": "paid", "next": "https://evil.example/"})
    commission.refresh_from_db()
    assert commission.status == Commission.Status.PAID
    response = client.post(url, {"status": "pending"})
    assert response.status_code == 302
    commission.refresh_from_db()
    assert commission.status == Commission.Status.PAID


def test_an_executive_may_see_but_not_change_commissions(client, executive, registered_deal):
    registered_deal.stage = Deal.Stage.CONTRACT
    registered_deal.save()
    commission = Commission.objects.get()
    client.force_login(executive)
    assert client.get(reverse("sales:commission-list")).status_code == 200
    response = client.post(reverse("sales:commission-status", args=[commission.pk]), {"status": "approved"})
    assert response.status_code == 403


def test_commission_rules_are_edited_by_managers_and_validated(client, team_lead, rep, agency_a):
    client.force_login(team_lead)
    response = client.post(reverse("sales:commissionrule-edit"), {"rate_pct": "150", "fixed_amount": "0"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        reverse("sales:commissionrule-edit"),
        {"partner": agency_a[0].pk, "rate_pct": "2", "fixed_amount": "100", "active": "on"},
    )
    assert response.status_code == 302
    rule = CommissionRule.objects.get()
    assert rule.rate_pct == Decimal("2")
    duplicate = client.post(
        reverse("sales:commissionrule-edit"),
        {"partner": agency_a[0].pk, "rate_pct": "3", "fixed_amount": "0", "active": "on"},
    )
    assert duplicate.status_code == 200 and CommissionRule.objects.count() == 1
    assert client.get(reverse("sales:commissionrule-list")).status_code == 200
    client.force_login(rep)
    assert client.get(reverse("sales:commissionrule-edit", args=[rule.pk])).status_code == 403


def test_the_deal_page_section_shows_the_commission_to_those_who_may_see_it(registered_deal, team_lead, rep):
    from sales import sections as deal_sections

    registered_deal.stage = Deal.Stage.CONTRACT
    registered_deal.save()
    shown = {section["key"]: section for section in deal_sections.sections(registered_deal, team_lead)}
    assert shown["commission"]["context"]["commission"] == Commission.objects.get()
    assert "commission" not in {section["key"] for section in deal_sections.sections(registered_deal, rep)}


def test_the_customer_timeline_shows_the_registration(client, registered_deal, rep):
    client.force_login(rep)
    response = client.get(reverse("customers:customer-detail", args=[registered_deal.customer_id]))
    assert response.status_code == 200
    assert "Registered by partner Agency A" in response.content.decode()
