"""One rule per field, in the model, for the web forms, the API and the imports alike: a birth date cannot be in
the future, free text is at most TEXT_MAX_LENGTH characters."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from crm_site.models import ApiToken
from crm_site.validators import TEXT_MAX_LENGTH
from customers import services
from customers.models import Customer, Inquiry, Interaction
from sales.models import Promise
from tests.customers.test_ownership import create_form_data
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _tomorrow():
    """Tomorrow as each test starts: a module constant goes stale when a run crosses local midnight."""
    global TOMORROW
    TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


def test_the_customer_form_refuses_a_birth_date_in_the_future(client, rep):
    client.force_login(rep)
    data = create_form_data(client, phone="13900001111", birth_date=TOMORROW.isoformat())
    response = client.post(reverse("customers:customer-create"), data)
    assert response.status_code == 200 and "This date is in the future." in response.content.decode()
    assert not Customer.objects.exists()
    data["birth_date"] = timezone.localdate().isoformat()  # born today is fine
    assert client.post(reverse("customers:customer-create"), data).status_code == 302


def test_the_api_refuses_a_birth_date_in_the_future_with_422_on_the_field(client, rep):
    response = client.post(
        "/api/v1/customers/",
        {"name": "Wang Fang", "phone": "13900001111", "birth_date": TOMORROW.isoformat()},
        content_type="application/json",
        headers=bearer(rep),
    )
    assert response.status_code == 422 and "birth_date" in response.json()["errors"]
    assert not Customer.objects.exists()


def test_the_service_refuses_a_birth_date_in_the_future_whoever_calls_it(rep):
    with pytest.raises(ValidationError) as raised:
        services.customer_create(by=rep, name="Wang Fang", phone="13900001111", birth_date=TOMORROW)
    assert "birth_date" in raised.value.message_dict
    customer = CustomerFactory(owner=rep)
    with pytest.raises(ValidationError):
        services.customer_update(customer=customer, by=rep, birth_date=TOMORROW)


def test_the_customer_form_takes_notes_up_to_the_limit_and_no_more(client, rep):
    client.force_login(rep)
    data = create_form_data(client, phone="13900001111", notes="备" * (TEXT_MAX_LENGTH + 1))
    response = client.post(reverse("customers:customer-create"), data)
    assert response.status_code == 200 and not Customer.objects.exists()
    assert f"at most {TEXT_MAX_LENGTH}" in response.content.decode()
    data["notes"] = "备" * TEXT_MAX_LENGTH
    assert client.post(reverse("customers:customer-create"), data).status_code == 302


def test_a_contact_summary_over_the_limit_is_refused_on_the_page(client, rep):
    customer = CustomerFactory(owner=rep)
    client.force_login(rep)
    response = client.post(
        reverse("customers:interaction-create", args=[customer.pk]),
        {
            "channel": "phone",
            "direction": "out",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "summary": "x" * (TEXT_MAX_LENGTH + 1),
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and not Interaction.objects.exists()


@pytest.mark.parametrize(
    ("schema", "field", "model", "model_field"),
    [
        ("CustomerIn", "notes", Customer, "notes"),
        ("InteractionIn", "summary", Interaction, "summary"),
        ("PromiseIn", "content", Promise, "content"),
        ("PromiseIn", "evidence", Promise, "evidence"),
    ],
)
def test_the_api_allows_exactly_what_the_model_allows(client, schema, field, model, model_field):
    spec = client.get("/api/v1/openapi.json").json()
    limit = spec["components"]["schemas"][schema]["properties"][field]["maxLength"]
    assert limit == model._meta.get_field(model_field).max_length == TEXT_MAX_LENGTH


def test_every_free_text_field_of_customers_and_sales_has_the_limit():
    from django.apps import apps
    from django.db import models

    unlimited = [
        f"{model._meta.label}.{field.name}"
        for app in ("customers", "sales")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None
    ]
    assert unlimited == []
    assert Inquiry._meta.get_field("message").max_length == TEXT_MAX_LENGTH
