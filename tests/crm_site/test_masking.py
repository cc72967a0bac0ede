"""Sensitive fields: masked for viewers without view_sensitive who do not own the record; every
unmasked view is written to the access log; a masked viewer can neither read nor overwrite them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from crm_site.masking import mask_id_number, mask_phone
from crm_site.models import AccessLog
from customers import services
from customers.identity import id_check_digit
from customers.models import Customer
from tests.forms import rendered_form_data

User = get_user_model()

PHONE = "13812345678"
MASKED_PHONE = "138****5678"
NEW_PHONE = "13987654321"
MASKED_NEW_PHONE = "139****4321"
ID_FIRST17 = "11010119900307123"
ID_NUMBER = ID_FIRST17 + id_check_digit(ID_FIRST17)


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def marketing(org):
    return org["marketing"]


@pytest.fixture
def customer(rep):
    return services.customer_create(
        by=fresh(rep), name="Wang Fang", phone=PHONE, id_number=ID_NUMBER, income_band=Customer.IncomeBand.HIGH
    )


# The mask shapes


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("01012345678", "010****5678"),
        ("", ""),
    ],
)
def test_mask_phone_keeps_the_first_three_and_last_four_digits(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_phone_keeps_the_plus86_prefix_visible():
    assert mask_phone("+8613812345678").startswith("+86138")
    assert "1234" not in mask_phone("+8613812345678")


def test_mask_phone_of_a_short_value_keeps_only_the_last_two():
    assert mask_phone("12345") == "***45"


def test_mask_id_number_keeps_the_region_and_the_last_four():
    masked = mask_id_number(ID_NUMBER)
    assert len(masked) == 18
    assert masked == ID_NUMBER[:6] + "*" * 8 + ID_NUMBER[-4:]
    assert "19900307" not in masked


def test_mask_id_number_with_x_check_character():
    assert mask_id_number("11010119900307123X") == "110101********123X"


def test_mask_id_number_of_a_short_value_hides_everything():
    assert mask_id_number("12345678") == "********"


# Masked viewers: marketing has scope all but no view_sensitive


def test_marketing_sees_a_masked_phone_on_the_list_page(client, marketing, customer):
    client.force_login(marketing)
    response = client.get("/customers/")
    assert response.status_code == 200
    assert customer.name in response.text
    assert MASKED_PHONE in response.text
    assert PHONE not in response.text


def test_marketing_sees_masked_phone_id_number_and_income_on_the_detail_page(client, marketing, customer):
    client.force_login(marketing)
    response = client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    assert MASKED_PHONE in response.text
    assert PHONE not in response.text
    assert mask_id_number(ID_NUMBER) in response.text
    assert ID_NUMBER not in response.text
    assert "19900307" not in response.text
    assert str(Customer.IncomeBand.HIGH.label) not in response.text
    assert f"tel:{PHONE}" not in response.text


def test_marketing_sees_a_masked_phone_in_global_search(client, marketing, customer):
    client.force_login(marketing)
    response = client.get("/search/", {"q": "5678"})
    assert response.status_code == 200
    assert f'href="/customers/{customer.pk}/"' in response.text
    assert MASKED_PHONE in response.text
    assert PHONE not in response.text


def test_marketing_sees_a_masked_phone_in_the_htmx_search_partial(client, marketing, customer):
    client.force_login(marketing)
    response = client.get("/search/", {"q": "Wang"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert MASKED_PHONE in response.text
    assert PHONE not in response.text


def test_marketing_gets_masked_values_from_the_api(client, marketing, customer):
    client.force_login(marketing)
    body = client.get(f"/api/v1/customers/{customer.pk}/").json()
    assert body["phone"] == MASKED_PHONE
    assert body["id_number"] == mask_id_number(ID_NUMBER)
    listing = client.get("/api/v1/customers/").content.decode()
    assert PHONE not in listing
    assert ID_NUMBER not in listing


def test_masked_views_write_no_access_log(client, marketing, customer):
    client.force_login(marketing)
    client.get("/customers/")
    client.get(f"/customers/{customer.pk}/")
    client.get("/search/", {"q": "5678"})
    client.get(f"/api/v1/customers/{customer.pk}/")
    assert not AccessLog.objects.filter(user=marketing).exists()


# Unmasked viewers: the owner, and roles with view_sensitive


def test_owner_rep_sees_the_own_customers_phone_unmasked(client, rep, customer):
    client.force_login(rep)
    detail = client.get(f"/customers/{customer.pk}/")
    assert PHONE in detail.text
    assert ID_NUMBER in detail.text
    assert f"tel:{PHONE}" in detail.text
    assert PHONE in client.get("/customers/").text


def test_team_lead_with_view_sensitive_sees_a_subordinates_phone_unmasked(client, team_lead, customer):
    client.force_login(team_lead)
    assert PHONE in client.get(f"/customers/{customer.pk}/").text
    assert PHONE in client.get("/customers/").text


def test_executive_with_view_sensitive_sees_the_phone_unmasked(client, executive, customer):
    client.force_login(executive)
    assert PHONE in client.get(f"/customers/{customer.pk}/").text


def test_unmasked_detail_view_writes_an_access_log_row(client, rep, customer):
    client.force_login(rep)
    client.get(f"/customers/{customer.pk}/")
    log = AccessLog.objects.get(user=rep)
    assert log.model == "customers.customer"
    assert log.object_id == str(customer.pk)
    assert "phone" in log.fields.split(",")
    assert "id_number" in log.fields.split(",")
    assert log.purpose == AccessLog.Purpose.VIEW
    assert log.ip == "127.0.0.1"


def test_unmasked_list_view_writes_one_access_log_row_per_shown_customer(client, rep, customer):
    second = services.customer_create(by=fresh(rep), name="Li Lei", phone="13912345678")
    client.force_login(rep)
    client.get("/customers/")
    logs = AccessLog.objects.filter(user=rep)
    assert {log.object_id for log in logs} == {str(customer.pk), str(second.pk)}
    assert all(log.purpose == AccessLog.Purpose.LIST for log in logs)
    assert all(log.model == "customers.customer" and "phone" in log.fields.split(",") for log in logs)


def test_unmasked_search_result_writes_an_access_log_row(client, team_lead, customer):
    client.force_login(team_lead)
    response = client.get("/search/", {"q": "5678"})
    assert PHONE in response.text
    log = AccessLog.objects.get(user=team_lead)
    assert log.object_id == str(customer.pk)
    assert log.fields == "phone"
    assert log.purpose == AccessLog.Purpose.LIST


def test_team_lead_detail_view_is_logged_under_the_team_lead(client, team_lead, rep, customer):
    client.force_login(team_lead)
    client.get(f"/customers/{customer.pk}/")
    assert AccessLog.objects.filter(user=team_lead, object_id=str(customer.pk), purpose="view").count() == 1
    assert not AccessLog.objects.filter(user=rep).exists()


def test_unmasked_api_view_writes_an_access_log_row(client, rep, customer):
    client.force_login(rep)
    assert client.get(f"/api/v1/customers/{customer.pk}/").json()["phone"] == PHONE
    log = AccessLog.objects.get(user=rep)
    assert log.purpose == AccessLog.Purpose.API
    assert "phone" in log.fields.split(",")


# History and edits do not leak or overwrite what is masked


def test_history_on_the_detail_page_does_not_leak_an_edited_phone_to_a_masked_viewer(client, rep, marketing, customer):
    services.customer_update(customer=customer, by=fresh(rep), phone=NEW_PHONE)
    client.force_login(marketing)
    response = client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    assert "<strong>Phone</strong>" in response.text  # the change is listed, under its name ...
    assert MASKED_PHONE in response.text and MASKED_NEW_PHONE in response.text  # ... masked
    assert PHONE not in response.text
    assert NEW_PHONE not in response.text


def test_history_on_the_detail_page_shows_the_phone_change_to_an_unmasked_viewer(client, rep, team_lead, customer):
    services.customer_update(customer=customer, by=fresh(rep), phone=NEW_PHONE)
    client.force_login(team_lead)
    response = client.get(f"/customers/{customer.pk}/")
    assert PHONE in response.text
    assert NEW_PHONE in response.text


def test_history_does_not_leak_an_edited_id_number_or_income_to_a_masked_viewer(client, rep, marketing, customer):
    new_first17 = "11010119850505123"
    new_id = new_first17 + id_check_digit(new_first17)
    services.customer_update(customer=customer, by=fresh(rep), id_number=new_id, income_band=Customer.IncomeBand.TOP)
    client.force_login(marketing)
    response = client.get(f"/customers/{customer.pk}/")
    assert new_id not in response.text
    assert ID_NUMBER not in response.text
    assert "19850505" not in response.text
    assert ">top<" not in response.text and "→ top" not in response.text
    assert ">high<" not in response.text


@pytest.fixture
def marketing_may_change(marketing):
    marketing.user_permissions.add(
        Permission.objects.get(codename="change_customer", content_type__app_label="customers")
    )
    return fresh(marketing)


def test_edit_form_of_a_masked_viewer_has_no_sensitive_fields(client, marketing_may_change, customer):
    client.force_login(marketing_may_change)
    response = client.get(f"/customers/{customer.pk}/edit/")
    assert response.status_code == 200
    assert 'name="name"' in response.text
    assert 'name="phone"' not in response.text
    assert 'name="id_number"' not in response.text
    assert 'name="income_band"' not in response.text
    assert PHONE not in response.text
    assert ID_NUMBER not in response.text


def test_masked_viewer_cannot_overwrite_sensitive_fields_by_posting_them(client, marketing_may_change, customer):
    client.force_login(marketing_may_change)
    page = client.get(f"/customers/{customer.pk}/edit/")
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        rendered_form_data(page, level="A", phone=NEW_PHONE, id_number="", income_band=Customer.IncomeBand.LOW),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.level == "A"  # the allowed change went through
    assert customer.phone == PHONE
    assert customer.id_number == ID_NUMBER
    assert customer.income_band == Customer.IncomeBand.HIGH


def test_owner_may_change_the_phone_through_the_edit_form(client, rep, customer):
    client.force_login(rep)
    page = client.get(f"/customers/{customer.pk}/edit/")
    assert 'name="phone"' in page.text
    response = client.post(f"/customers/{customer.pk}/edit/", rendered_form_data(page, phone="139-8765-4321"))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.phone == NEW_PHONE
