"""Admin-defined custom fields: defined in the browser, shown on forms, stored as JSON-native
values, displayed in the viewer's language, filterable, and parsed from import text."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation

from crm_site import customfields
from crm_site.models import CustomField
from customers import services
from customers.models import Customer
from tests.forms import rendered_form_data

User = get_user_model()

CHOICES = "a|Alpha|甲\nb|Beta|乙"
# The form's rows for CHOICES: one per choice, labels in both languages and the key.
CHOICE_ROWS = {
    "choice-0-key": "a",
    "choice-0-en": "Alpha",
    "choice-0-zh": "甲",
    "choice-1-key": "b",
    "choice-1-en": "Beta",
    "choice-1-zh": "乙",
}
FIELD_TYPES = {
    "hobby_note": "text",
    "budget": "number",
    "visit_date": "date",
    "grade": "choice",
    "tags": "multi",
    "vip": "bool",
}


def fresh(user):
    return User.objects.get(pk=user.pk)


def definition_data(key, field_type, **overrides):
    data = {
        "entity": "customer",
        "key": key,
        "label_en": f"Label {key}",
        "label_zh": f"标签{key}",
        "field_type": field_type,
        **(CHOICE_ROWS if field_type in ("choice", "multi") else {}),
        "order": "0",
        "active": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def customer_data(client, **overrides):
    """The create form as rendered for the logged-in user, filled in with a valid customer."""
    values = {"name": "Zhao Min", "phone": "13812340001"}
    values.update(overrides)
    return rendered_form_data(client.get("/customers/new/"), **values)


@pytest.fixture(autouse=True)
def _english():
    """Start each test in English: a request of an earlier test (a Chinese reader, an API call) leaves its
    language active in the thread, and the parsing tests read choice labels in the active language."""
    with translation.override("en"):
        yield


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def all_fields(as_admin):
    for key, field_type in FIELD_TYPES.items():
        response = as_admin.post("/settings/fields/new/", definition_data(key, field_type))
        assert response.status_code == 302, response.text
    return {field.key: field for field in CustomField.objects.all()}


# Defining fields in the browser


def test_choices_are_rows_with_keys_derived_from_the_english_label(as_admin):
    data = {**definition_data("", "text", label_en="View from the flat"), "field_type": "choice"}
    data.update({"choice-0-en": "Sea view", "choice-0-zh": "海景", "choice-1-en": "Park view", "choice-1-zh": "公园景"})
    data.update({"choice-2-en": "Sea view", "choice-2-zh": "海景二"})
    response = as_admin.post("/settings/fields/new/", data)
    assert response.status_code == 302, response.text
    field = CustomField.objects.get()
    assert field.key == "view_from_the_flat"
    assert field.choices == "sea_view|Sea view|海景\npark_view|Park view|公园景\nsea_view_2|Sea view|海景二"
    with translation.override("zh-hans"):
        assert field.choice_list()[1] == ("park_view", "公园景")
    page = as_admin.get(f"/settings/fields/{field.pk}/").text
    assert 'value="公园景"' in page and "value|English label" not in page
    assert page.count('name="choice-') == (3 + 3) * 3  # the three choices and three empty rows, three inputs each


def test_a_new_field_is_ordered_after_the_last_one(as_admin):
    CustomField.objects.create(key="first", label_en="First", order=40)
    form = as_admin.get("/settings/fields/new/").context["form"]
    assert form.initial["order"] == 50


@pytest.mark.parametrize(("key", "field_type"), sorted(FIELD_TYPES.items()))
def test_admin_defines_a_custom_field_of_each_type_in_the_browser(as_admin, key, field_type):
    response = as_admin.post("/settings/fields/new/", definition_data(key, field_type))
    assert response.status_code == 302
    assert response["Location"] == "/settings/fields/?entity=customer"
    field = CustomField.objects.get(key=key)
    assert field.field_type == field_type
    assert field.entity == "customer"
    assert field.label_en == f"Label {key}"
    assert field.label_zh == f"标签{key}"
    assert field.active
    if field_type in ("choice", "multi"):
        assert field.choice_list() == [("a", "Alpha"), ("b", "Beta")]
    assert f"Label {key}" in as_admin.get("/settings/fields/").text


def test_settings_field_pages_are_forbidden_to_a_rep(client, rep):
    client.force_login(rep)
    assert client.get("/settings/fields/").status_code == 403
    assert client.get("/settings/fields/new/").status_code == 403
    assert client.post("/settings/fields/new/", definition_data("grade", "choice")).status_code == 403
    assert not CustomField.objects.exists()


def test_settings_field_edit_is_forbidden_to_a_team_lead(client, team_lead, all_fields):
    client.force_login(team_lead)
    field = all_fields["grade"]
    response = client.post(f"/settings/fields/{field.pk}/", definition_data("grade", "choice", label_en="Hacked"))
    assert response.status_code == 403
    field.refresh_from_db()
    assert field.label_en == "Label grade"


@pytest.mark.parametrize("field_type", ["choice", "multi"])
def test_choice_field_without_choices_is_rejected(as_admin, field_type):
    data = {**definition_data("grade", "text"), "field_type": field_type}  # no choice rows filled
    response = as_admin.post("/settings/fields/new/", data)
    assert response.status_code == 200
    assert "choices" in response.context["form"].errors
    assert "A choice field needs at least one choice." in response.text
    assert not CustomField.objects.exists()


def test_choice_field_with_duplicate_values_is_rejected(as_admin):
    data = {**definition_data("grade", "choice"), "choice-1-key": "a", "choice-1-en": "Again", "choice-1-zh": "再"}
    response = as_admin.post("/settings/fields/new/", data)
    assert response.status_code == 200
    assert "choice-1-key" in response.context["form"].errors
    assert not CustomField.objects.exists()


@pytest.mark.parametrize("key", ["my key", "grade!", "等级 a"])
def test_key_with_spaces_or_symbols_is_rejected(as_admin, key):
    response = as_admin.post("/settings/fields/new/", definition_data(key, "text"))
    assert response.status_code == 200
    assert "key" in response.context["form"].errors
    assert not CustomField.objects.exists()


def test_duplicate_key_for_the_same_record_kind_is_rejected(as_admin, all_fields):
    response = as_admin.post("/settings/fields/new/", definition_data("grade", "text"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert CustomField.objects.filter(key="grade").count() == 1


def test_editing_a_field_cannot_change_its_key_or_type(as_admin, all_fields):
    field = all_fields["grade"]
    response = as_admin.post(
        f"/settings/fields/{field.pk}/", {**definition_data("renamed", "text", label_en="Grade"), **CHOICE_ROWS}
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.key, field.field_type, field.label_en) == ("grade", "choice", "Grade")


# Forms and storage


def test_customer_create_form_shows_every_active_custom_field(client, rep, all_fields):
    client.force_login(rep)
    response = client.get("/customers/new/")
    assert response.status_code == 200
    for key in FIELD_TYPES:
        assert f'name="cf_{key}"' in response.text
        assert f"Label {key}" in response.text
    assert "Alpha" in response.text and "Beta" in response.text


def test_required_custom_field_left_empty_gives_a_form_error_and_creates_nothing(client, rep, as_admin):
    as_admin.post("/settings/fields/new/", definition_data("budget", "number", required="on"))
    client.force_login(rep)
    response = client.post("/customers/new/", customer_data(client))
    assert response.status_code == 200
    assert "cf_budget" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_valid_custom_values_are_stored_as_json_native_types(client, rep, all_fields):
    client.force_login(rep)
    response = client.post(
        "/customers/new/",
        customer_data(
            client,
            cf_hobby_note="  golf  ",
            cf_budget="12.50",
            cf_visit_date="2024-03-05",
            cf_grade="b",
            cf_tags=["b", "a"],
            cf_vip="true",
        ),
    )
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.custom == {
        "hobby_note": "golf",
        "budget": "12.5",
        "visit_date": "2024-03-05",
        "grade": "b",
        "tags": ["a", "b"],
        "vip": True,
    }


def test_no_answer_to_a_yes_no_field_is_not_stored_and_no_is_stored_as_false(client, rep, all_fields):
    client.force_login(rep)
    client.post("/customers/new/", customer_data(client, phone="13812340001", cf_vip=""))
    client.post("/customers/new/", customer_data(client, phone="13812340002", name="Qian Li", cf_vip="false"))
    assert Customer.objects.get(phone="13812340001").custom == {}
    assert Customer.objects.get(phone="13812340002").custom == {"vip": False}


@pytest.mark.parametrize(("typed", "stored"), [("1200", "1200"), ("1000.00", "1000"), ("0.5", "0.5"), ("-3", "-3")])
def test_number_is_stored_as_a_plain_decimal_string_without_exponent(client, rep, all_fields, typed, stored):
    client.force_login(rep)
    response = client.post("/customers/new/", customer_data(client, cf_budget=typed))
    assert response.status_code == 302
    assert Customer.objects.get().custom["budget"] == stored


def test_invalid_custom_values_give_field_errors(client, rep, all_fields):
    client.force_login(rep)
    response = client.post(
        "/customers/new/",
        customer_data(client, cf_budget="lots", cf_visit_date="2024-02-30", cf_grade="z", cf_tags=["q"]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"cf_budget", "cf_visit_date", "cf_grade", "cf_tags"} <= set(errors)
    assert not Customer.objects.exists()


def test_edit_form_shows_the_stored_custom_values(client, rep, all_fields):
    customer = services.customer_create(
        by=fresh(rep), name="Sun Yi", phone="13812340003", custom={"grade": "b", "vip": False, "budget": "7.5"}
    )
    client.force_login(rep)
    form = client.get(f"/customers/{customer.pk}/edit/").context["form"]
    assert form.initial["cf_grade"] == "b"
    assert form.initial["cf_vip"] == "false"
    assert form.initial["cf_budget"] == "7.5"


def test_detail_page_shows_custom_labels_and_values_in_english(client, rep, all_fields):
    customer = services.customer_create(
        by=fresh(rep),
        name="Zhou Jie",
        phone="13812340004",
        custom={"grade": "a", "tags": ["a", "b"], "vip": True, "budget": "12.5", "visit_date": "2024-03-05"},
    )
    client.force_login(rep)
    response = client.get(f"/customers/{customer.pk}/")
    assert "Label grade" in response.text
    assert '<dd class="col-7">Alpha</dd>' in response.text
    assert '<dd class="col-7">Alpha, Beta</dd>' in response.text
    assert '<dd class="col-7">Yes</dd>' in response.text
    assert '<dd class="col-7">12.5</dd>' in response.text
    assert '<dd class="col-7">2024-03-05</dd>' in response.text
    assert "甲" not in response.text


def test_detail_page_shows_chinese_labels_for_a_chinese_reader(client, rep, all_fields):
    customer = services.customer_create(
        by=fresh(rep), name="Wu Di", phone="13812340005", custom={"grade": "a", "tags": ["a", "b"]}
    )
    client.force_login(rep)
    response = client.get(f"/customers/{customer.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "标签grade" in response.text
    assert '<dd class="col-7">甲</dd>' in response.text
    assert '<dd class="col-7">甲, 乙</dd>' in response.text
    assert "Alpha" not in response.text


def test_language_cookie_switches_the_choice_labels(client, rep, all_fields):
    customer = services.customer_create(by=fresh(rep), name="Zheng He", phone="13812340006", custom={"grade": "b"})
    client.force_login(rep)
    client.cookies["django_language"] = "zh-hans"
    assert '<dd class="col-7">乙</dd>' in client.get(f"/customers/{customer.pk}/").text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cf_grade=a", {"Grade A"}),
        ("cf_grade=b", {"Grade B"}),
        ("cf_tags=a", {"Grade A"}),
        ("cf_tags=b", {"Grade A", "Grade B"}),
        ("cf_vip=yes", {"Grade B"}),
        ("cf_vip=no", {"Grade A"}),
        ("", {"Grade A", "Grade B", "No custom"}),
    ],
)
def test_list_filter_by_a_custom_field_returns_only_matching_customers(client, rep, all_fields, query, expected):
    by = fresh(rep)
    services.customer_create(
        by=by, name="Grade A", phone="13812340007", custom={"grade": "a", "tags": ["a", "b"], "vip": False}
    )
    services.customer_create(
        by=by, name="Grade B", phone="13812340008", custom={"grade": "b", "tags": ["b"], "vip": True}
    )
    services.customer_create(by=by, name="No custom", phone="13812340009")
    client.force_login(rep)
    response = client.get(f"/customers/?{query}")
    assert response.status_code == 200
    shown = {customer.name for customer in response.context["page"].object_list}
    assert shown == expected


def test_inactive_custom_fields_disappear_from_forms_filters_and_detail(client, rep, as_admin, all_fields):
    field = all_fields["grade"]
    response = as_admin.post(f"/settings/fields/{field.pk}/", definition_data("grade", "choice", active=None))
    assert response.status_code == 302
    customer = services.customer_create(by=fresh(rep), name="Feng Yu", phone="13812340010", custom={"grade": "a"})
    client.force_login(rep)
    assert 'name="cf_grade"' not in client.get("/customers/new/").text
    assert 'name="cf_grade"' not in client.get(f"/customers/{customer.pk}/edit/").text
    assert 'name="cf_grade"' not in client.get("/customers/").text
    assert "Label grade" not in client.get(f"/customers/{customer.pk}/").text
    assert 'name="cf_tags"' in client.get("/customers/new/").text


# parse_text (import) and validate_values (API)


def field(field_type, **kwargs):
    kwargs.setdefault("label_en", "Budget" if field_type == "number" else "Grade")
    kwargs.setdefault("key", "k")
    if field_type in ("choice", "multi"):
        kwargs.setdefault("choices", CHOICES)
    return CustomField(field_type=field_type, **kwargs)


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("1,234.50", "1234.5"), (" 42 ", "42"), ("-0.25", "-0.25"), ("1,000", "1000"), ("2,500,000", "2500000")],
)
def test_parse_text_reads_numbers_with_thousands_commas(raw, parsed):
    assert customfields.parse_text(field("number"), raw) == parsed


@pytest.mark.parametrize(("raw", "parsed"), [("2024/03/05", "2024-03-05"), ("2024-03-05", "2024-03-05")])
def test_parse_text_reads_dates_with_slashes_or_dashes(raw, parsed):
    assert customfields.parse_text(field("date"), raw) == parsed


@pytest.mark.parametrize("raw", ["yes", "Yes", "Y", "true", "TRUE", "1", "是", "对"])
def test_parse_text_reads_yes_words_in_english_and_chinese(raw):
    assert customfields.parse_text(field("bool"), raw) is True


@pytest.mark.parametrize("raw", ["no", "No", "N", "false", "0", "否"])
def test_parse_text_reads_no_words_in_english_and_chinese(raw):
    assert customfields.parse_text(field("bool"), raw) is False


@pytest.mark.parametrize(
    ("field_type", "raw"),
    [
        ("number", "twelve"),
        ("number", "NaN"),
        ("number", "Infinity"),
        ("date", "05.03.2024"),
        ("date", "2024/02/30"),
        ("bool", "maybe"),
        ("choice", "z"),
        ("multi", "a;z"),
    ],
)
def test_parse_text_rejects_bad_values_with_the_field_label_in_the_message(field_type, raw):
    definition = field(field_type, label_en="Favourite colour")
    with pytest.raises(ValidationError) as error:
        customfields.parse_text(definition, raw)
    assert "Favourite colour" in error.value.messages[0]


def test_parse_text_unknown_choice_names_the_value_and_the_label():
    with pytest.raises(ValidationError) as error:
        customfields.parse_text(field("choice", label_en="Grade"), "Gamma")
    assert "Grade" in error.value.messages[0]
    assert "Gamma" in error.value.messages[0]


@pytest.mark.parametrize(("raw", "parsed"), [("a", "a"), ("Alpha", "a"), ("ALPHA", "a"), ("b", "b")])
def test_parse_text_reads_a_choice_by_value_or_label(raw, parsed):
    assert customfields.parse_text(field("choice"), raw) == parsed


@pytest.mark.parametrize(("raw", "parsed"), [("b;a", ["a", "b"]), ("Beta ; Alpha", ["a", "b"]), ("a；b", ["a", "b"])])
def test_parse_text_reads_multi_choices_sorted(raw, parsed):
    assert customfields.parse_text(field("multi"), raw) == parsed


def test_parse_text_reads_a_chinese_choice_label_for_a_chinese_reader():
    with translation.override("zh-hans"):
        assert customfields.parse_text(field("choice"), "乙") == "b"


def test_parse_text_of_an_empty_required_field_names_the_field():
    with pytest.raises(ValidationError) as error:
        customfields.parse_text(field("text", label_en="Referrer", required=True), "  ")
    assert "Referrer" in error.value.messages[0]


def test_parse_text_of_an_empty_optional_field_is_none():
    assert customfields.parse_text(field("number"), "") is None


def test_parse_text_rejects_text_longer_than_500_characters():
    with pytest.raises(ValidationError):
        customfields.parse_text(field("text", label_en="Note"), "x" * 501)


def test_validate_values_rejects_unknown_keys(all_fields):
    with pytest.raises(ValidationError) as error:
        customfields.validate_values("customer", {"grade": "a", "shoe_size": "42"})
    assert set(error.value.message_dict) == {"shoe_size"}


def test_validate_values_returns_the_stored_values(all_fields):
    stored = customfields.validate_values(
        "customer",
        {"grade": "Beta", "tags": ["b", "a"], "vip": False, "budget": "1,234.50", "visit_date": "2024/03/05"},
    )
    assert stored == {"grade": "b", "tags": ["a", "b"], "vip": False, "budget": "1234.5", "visit_date": "2024-03-05"}


def test_validate_values_collects_every_bad_value(all_fields):
    with pytest.raises(ValidationError) as error:
        customfields.validate_values("customer", {"grade": "z", "budget": "lots"})
    assert set(error.value.message_dict) == {"grade", "budget"}


def test_validate_values_ignores_inactive_fields_as_unknown(all_fields):
    CustomField.objects.filter(key="grade").update(active=False)
    with pytest.raises(ValidationError) as error:
        customfields.validate_values("customer", {"grade": "a"})
    assert set(error.value.message_dict) == {"grade"}


# The per-list "allow new values" switch (Settings → Choice lists)


@pytest.fixture
def lists(db):
    from crm_site.models import ChoiceOption

    ChoiceOption.objects.create(list_name="district", value="pudong", label_en="Pudong", label_zh="浦东新区")
    ChoiceOption.objects.create(list_name="occupation", value="teacher", label_en="Teacher", label_zh="教师")


def test_admin_closes_one_list_in_the_settings_page_and_it_is_audited(as_admin, lists):
    from crm_site.models import AuditEntry, ChoiceList

    page = as_admin.get("/settings/choices/?list=district")
    assert 'name="allow_new"' in page.text and " checked" in page.text  # open until an admin closes it
    response = as_admin.post("/settings/choices/district/settings/", {})
    assert response.status_code == 302 and response["Location"] == "/settings/choices/?list=district"
    assert ChoiceList.closed_lists() == {"district"}
    assert AuditEntry.objects.filter(model="crm_site.choicelist").exists()
    assert " checked" not in as_admin.get("/settings/choices/?list=district").text.split('name="allow_new"')[1][:40]
    as_admin.post("/settings/choices/district/settings/", {"allow_new": "on"})
    assert ChoiceList.closed_lists() == set()


def test_the_list_switch_is_for_admins_and_known_lists_only(client, rep, as_admin):
    assert as_admin.post("/settings/choices/spaceships/settings/", {}).status_code == 404
    assert as_admin.get("/settings/choices/district/settings/").status_code == 405
    client.force_login(rep)
    assert client.post("/settings/choices/district/settings/", {}).status_code == 403


@pytest.mark.parametrize(
    ("closed", "district", "occupation", "refused"),
    [
        ("district", "Minhang", "Pilot", {"district"}),  # only the closed list refuses a new value
        ("district", "浦东新区", "Pilot", set()),  # its own entries are still fine
        ("occupation", "Minhang", "Pilot", {"occupation"}),
        ("occupation", "Minhang", "Teacher", set()),  # the English label is read as the entry
        (None, "Minhang", "Pilot", set()),  # both open
    ],
)
def test_a_closed_list_refuses_a_new_value_and_an_open_one_accepts_it(
    client, rep, lists, closed, district, occupation, refused
):
    from crm_site.models import ChoiceList

    if closed:
        ChoiceList.objects.create(name=closed, allow_new=False)
    client.force_login(rep)
    response = client.post("/customers/new/", customer_data(client, district=district, occupation=occupation))
    if refused:
        assert response.status_code == 200
        assert set(response.context["form"].errors) == refused
        assert not Customer.objects.exists()
    else:
        assert response.status_code == 302
        assert Customer.objects.get().district in (district, "浦东新区")
