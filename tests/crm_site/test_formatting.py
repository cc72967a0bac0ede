"""Money and numbers as people read them, in both languages (crm_site.formatting and its template filters)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from crm_site import formatting


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_money_has_the_symbol_and_thousands_separators_in_both_languages(language):
    with translation.override(language):
        assert formatting.money(Decimal("2663538")) == "¥2,663,538.00"
        assert formatting.money("8000000.00", 0) == "¥8,000,000"
        assert formatting.money(Decimal("-173138.82")) == "-¥173,138.82"
        assert formatting.money(None) == formatting.money("") == "—"
        assert formatting.number(36427270) == "36,427,270"


def test_large_amounts_read_in_wan_and_yi_in_chinese_and_millions_in_english():
    with translation.override("zh-hans"):
        assert formatting.wan(5_600_000) == "¥560万"
        assert formatting.wan(5_650_000) == "¥565万"
        assert formatting.wan(56_000) == "¥5.6万"
        assert formatting.wan(125_000_000) == "¥1.25亿"
        assert formatting.wan(8_000) == "¥8,000"
    with translation.override("en"):
        assert formatting.wan(5_600_000) == "¥5.6M"
        assert formatting.wan(56_000) == "¥56k"
        assert formatting.wan(8_000) == "¥8,000"


def test_budget_ranges_in_wan_have_no_stray_decimals_and_unset_ends_say_so():
    with translation.override("zh-hans"):
        assert formatting.wan_range(Decimal("500.0"), Decimal("700.0")) == "¥500万–¥700万"
        assert formatting.wan_range(500, None) == "≥ ¥500万"
        assert formatting.wan_range(None, 700) == "≤ ¥700万"
    with translation.override("en"):
        assert formatting.wan_range(500, 700) == "¥5M–¥7M"
        assert formatting.wan_range(None, None) == "any"
        assert formatting.span(None, None) == "any"
        assert formatting.span(3, 12) == "3–12"
        assert formatting.span(90, None, "m²") == "≥ 90 m²"


def test_template_filters_and_chinese_floatformat_group_thousands():
    template = Template(
        "{% load crm %}{{ amount|money }} {{ amount|money:0 }} {{ price|wan }} {% wan_range 500 700 %} "
        '{{ amount|floatformat:"2g" }}'
    )
    with translation.override("zh-hans"):
        text = template.render(Context({"amount": Decimal("8000000"), "price": 5_600_000}))
    assert text == "¥8,000,000.00 ¥8,000,000 ¥560万 ¥500万–¥700万 8,000,000.00"


def test_a_staff_select_shows_names_not_usernames(rep):
    from crm_site.forms import StaffChoiceField

    rep.first_name, rep.last_name = "Yang", "Liu"
    field = StaffChoiceField(queryset=None, required=False)
    assert field.label_from_instance(rep) == rep.get_full_name() == "Yang Liu"
    rep.first_name = rep.last_name = ""
    assert field.label_from_instance(rep) == rep.username
