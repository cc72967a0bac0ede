"""Templates in both languages with merge fields, rendered in a sandbox; unknown fields are empty and warned about."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from outreach import merge
from outreach.models import MessageTemplate
from outreach.services import template_save
from sales.models import Deal, Installment
from tests.factories import CustomerFactory
from tests.outreach.factories import TemplateFactory
from tests.sales.factories import DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(rep, project_a):
    customer = CustomerFactory(owner=rep, project=project_a, name="刘伟", email="liu@example.com")
    deal = DealFactory(
        opportunity__customer=customer,
        opportunity__project=project_a,
        unit__number="1201",
        unit__building__name="T1",
        stage=Deal.Stage.CONTRACT,
        price=Decimal("2000000.00"),
        contract_no="HT-0815",
        signed_on=datetime.date(2026, 3, 1),
    )
    Installment.objects.create(
        deal=deal,
        project=project_a,
        owner=rep,
        kind=Installment.Kind.INSTALLMENT,
        due_on=datetime.date(2026, 12, 31),
        amount=Decimal("120000.00"),
        received=Decimal("20000.00"),
    )
    return customer


PAYMENT = MessageTemplate(
    subject_en="{{ amount_due }} due on {{ due_date|date:'Y-m-d' }}",
    subject_zh="{{ due_date|date:'Y年n月j日' }}应付{{ amount_due }}",
    body_en="Dear {{ customer_name }}, {{ project }} {{ building }}-{{ unit }} (contract {{ contract_no }}).",
    body_zh="尊敬的{{ customer_name }}：{{ project }}{{ building }}栋{{ unit }}室（合同{{ contract_no }}）",
)


def render(template, customer, language):
    values = merge.contexts([customer], language)[customer.pk]
    return merge.Renderer(template, language).render(values)


def test_merge_fields_are_filled_in_both_languages(buyer):
    english, chinese = render(PAYMENT, buyer, "en"), render(PAYMENT, buyer, "zh-hans")
    assert english.subject == "¥100,000.00 due on 2026-12-31"
    assert english.body == "Dear 刘伟, Project A T1-1201 (contract HT-0815)."
    assert chinese.subject == "2026年12月31日应付¥100,000.00"
    assert chinese.body == "尊敬的刘伟：Project AT1栋1201室（合同HT-0815）"
    assert english.warnings == chinese.warnings == []


def test_an_unknown_field_renders_empty_and_is_reported(buyer):
    template = MessageTemplate(subject_en="Hi {{ custmer_name }}", body_en="{{ customer_name }}{{ tier }}")
    rendered = render(template, buyer, "en")
    assert rendered.subject == "Hi"
    assert rendered.body == "刘伟"
    assert rendered.unknown == ["custmer_name", "tier"]


def test_a_known_field_without_a_value_is_reported_as_empty(rep):
    customer = CustomerFactory(owner=rep, project=None)  # no deal: no unit, no due date
    rendered = render(
        MessageTemplate(subject_en="{{ unit }}", body_en="{% if due_date %}x{% endif %}ok"), customer, "en"
    )
    assert rendered.subject == "" and rendered.body == "ok"
    assert rendered.empty == ["due_date", "unit"]


def test_a_language_left_empty_falls_back_to_the_other(buyer):
    template = MessageTemplate(subject_en="Hello {{ customer_name }}", body_en="Text", subject_zh="", body_zh="")
    assert render(template, buyer, "zh-hans").subject == "Hello 刘伟"


@pytest.mark.parametrize(
    "source",
    [
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% debug %}",
        "{% for c in customer_name %}{{ c }}{% endfor %}",
        "{% url 'home' %}",
        "{{ customer_name|safe }}",
        "{% csrf_token %}",
        "{% if %}",
    ],
)
def test_the_sandbox_refuses_tags_and_filters_outside_its_list(source):
    assert merge.check(source) != ""
    with pytest.raises(ValidationError):
        template_save(by=None, key="x", name="x", subject_en="s", body_en=source)


def test_a_template_reaches_only_the_plain_values_it_is_given(buyer):
    assert "underscores" in merge.check("{{ customer_name.__class__ }}")
    template = MessageTemplate(
        subject_en="{{ settings.SECRET_KEY }}{{ request.user }}", body_en="{{ customer_name.upper }}"
    )
    rendered = render(template, buyer, "en")
    assert rendered.subject == ""
    assert rendered.body == "刘伟"  # a str method is all there is to reach, and it does no harm
    assert "settings" in rendered.unknown and "request" in rendered.unknown


def test_saving_a_template_checks_both_languages_and_the_key(marketing):
    template = template_save(
        by=marketing, key="open-day", name="Open day", subject_en="Open day", body_en="Come", body_zh="欢迎"
    )
    assert template.updated_by == marketing
    with pytest.raises(ValidationError) as error:
        template_save(by=marketing, key="open-day", name="Again", subject_en="x", body_en="y")
    assert "key" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        template_save(by=marketing, key="broken", name="Broken", subject_en="x", body_en="ok", body_zh="{% if %}")
    assert "body_zh" in error.value.message_dict


def test_marketing_creates_a_template_on_its_page(client, marketing):
    client.force_login(marketing)
    response = client.post(
        "/outreach/templates/new/",
        {
            "key": "spring",
            "name": "Spring offer",
            "kind": "marketing",
            "channel": "email",
            "subject_en": "Spring at {{ project }}",
            "body_en": "Dear {{ customer_name }}",
            "subject_zh": "{{ project }}春季优惠",
            "body_zh": "尊敬的{{ customer_name }}",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert MessageTemplate.objects.get(key="spring").subject_zh == "{{ project }}春季优惠"


def test_a_rep_may_not_edit_templates(client, rep):
    template = TemplateFactory()
    client.force_login(rep)
    assert client.get("/outreach/templates/").status_code == 403
    assert client.post(f"/outreach/templates/{template.pk}/", {"name": "x"}).status_code == 403


def test_the_preview_uses_a_customer_in_scope_only(client, rep, other_rep, buyer):
    foreign = CustomerFactory(owner=other_rep, name="Foreign Person")
    template = TemplateFactory(subject_en="Hi {{ customer_name }}", subject_zh="您好{{ customer_name }}")
    client.force_login(rep)
    mine = client.post(
        "/outreach/preview/", {"template": template.pk, "customer": buyer.pk}, headers={"HX-Request": "true"}
    )
    assert mine.status_code == 200
    assert "Hi 刘伟" in mine.content.decode() and "您好刘伟" in mine.content.decode()
    theirs = client.post(
        "/outreach/preview/", {"template": template.pk, "customer": foreign.pk}, headers={"HX-Request": "true"}
    )
    assert "Foreign Person" not in theirs.content.decode()  # shown with example values instead


def test_the_preview_warns_about_unknown_fields(client, marketing, buyer):
    client.force_login(marketing)
    response = client.post(
        "/outreach/preview/",
        {"subject_en": "{{ custmer_name }}", "body_en": "x", "customer": buyer.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "custmer_name" in response.content.decode()
    assert "Unknown merge field" in response.content.decode()


def test_the_preview_customer_search_is_scoped(client, rep, other_rep):
    CustomerFactory(owner=rep, name="Zhao Mine")
    CustomerFactory(owner=other_rep, name="Zhao Theirs")
    client.force_login(rep)
    html = client.get("/outreach/preview/customers/?q=Zhao", headers={"HX-Request": "true"}).content.decode()
    assert "Zhao Mine" in html and "Zhao Theirs" not in html
    assert client.get("/outreach/preview/customers/?q=%00").status_code == 200
