"""The audit log: every create / update of an audited record becomes one AuditEntry with who,
what and before/after; the log is readable (and filterable) by admins only."""

import datetime
import re

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from crm_site.models import AuditEntry, CustomField, StaffProfile
from customers import services
from tests.factories import CustomerFactory
from tests.forms import rendered_form_data

User = get_user_model()


def fresh(user):
    return User.objects.get(pk=user.pk)


def customer_entries(customer):
    return AuditEntry.objects.filter(model="customers.customer", object_id=str(customer.pk)).order_by("at", "id")


@pytest.fixture
def customer(rep):
    return services.customer_create(by=fresh(rep), name="Wang Fang", phone="13812345678", level="C", district="Pudong")


# Customer writes


def test_creating_a_customer_writes_a_create_entry_with_the_fields(rep, customer):
    entry = customer_entries(customer).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == rep
    assert entry.model == "customers.customer"
    assert entry.object_id == str(customer.pk)
    assert entry.object_repr == "Wang Fang"
    assert entry.changes["name"] == "Wang Fang"
    assert entry.changes["phone"] == "13812345678"
    assert entry.changes["level"] == "C"
    assert entry.changes["district"] == "Pudong"
    assert entry.changes["owner_id"] == rep.pk
    assert "updated_at" not in entry.changes


def test_creating_a_customer_for_another_owner_records_the_creator_as_actor(team_lead, rep):
    customer = services.customer_create(by=fresh(team_lead), owner=fresh(rep), name="Li Lei", phone="13912345678")
    entry = customer_entries(customer).get()
    assert entry.actor == team_lead
    assert entry.changes["owner_id"] == rep.pk


def test_updating_the_level_writes_an_update_entry_with_only_the_level(rep, customer):
    services.customer_update(customer=customer, by=fresh(rep), level="A")
    entries = list(customer_entries(customer))
    assert [entry.action for entry in entries] == ["+", "~"]
    update = entries[1]
    assert update.actor == rep
    assert update.changes == {"level": ["C", "A"]}


def test_updating_custom_values_records_them_before_and_after(rep, customer):
    services.customer_update(customer=customer, by=fresh(rep), custom={"grade": "a"})
    assert customer_entries(customer).last().changes == {"custom": [{}, {"grade": "a"}]}


def test_updating_by_a_manager_records_the_manager_as_actor(team_lead, customer):
    services.customer_update(customer=customer, by=fresh(team_lead), status="intending")
    update = customer_entries(customer).last()
    assert update.actor == team_lead
    assert update.changes == {"status": ["prospect", "intending"]}


def test_a_save_that_changes_nothing_writes_no_entry(rep, customer):
    services.customer_update(customer=customer, by=fresh(rep))
    services.customer_update(customer=customer, by=fresh(rep), level="C", name="Wang Fang")
    assert customer_entries(customer).count() == 1


def test_editing_through_the_form_audits_the_change_with_the_request_user(client, team_lead, customer):
    client.force_login(team_lead)
    page = client.get(f"/customers/{customer.pk}/edit/")
    assert client.post(f"/customers/{customer.pk}/edit/", rendered_form_data(page, level="B")).status_code == 302
    update = customer_entries(customer).last()
    assert update.action == "~"
    assert update.actor == team_lead
    assert update.changes == {"level": ["C", "B"]}


def test_customer_detail_page_shows_the_history(client, rep, customer):
    services.customer_update(customer=customer, by=fresh(rep), level="A")
    client.force_login(rep)
    response = client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    history = response.text[response.text.index('data-testid="audit-entries"') :]
    assert "Created" in history
    assert "Updated" in history
    assert "<strong>Interest level</strong>" in history  # the field's name, not its attribute
    # Stacked on a phone: every cell is named by its column (crm.css .table-responsive-stack).
    assert 'table-responsive-stack" data-testid="audit-entries"' in response.text and 'data-label="Changes"' in history
    assert re.search(r">C – cool</span> → A – hot", history)  # choice labels, not keys
    assert list(response.context["history"]) == list(customer_entries(customer).order_by("-at", "-id"))


def test_customer_detail_history_lists_only_this_customers_entries(client, rep, customer):
    other = services.customer_create(by=fresh(rep), name="Li Lei", phone="13912345678")
    client.force_login(rep)
    history = client.get(f"/customers/{customer.pk}/").context["history"]
    assert {entry.object_id for entry in history} == {str(customer.pk)}
    assert other.pk != customer.pk


# The audit log page


def test_audit_log_page_is_200_for_admin_and_lists_entries(client, admin_user, customer):
    client.force_login(admin_user)
    response = client.get("/settings/audit/")
    assert response.status_code == 200
    assert f'<a href="{customer.get_absolute_url()}">Wang Fang</a>' in response.text


@pytest.mark.parametrize("role", ["rep", "team_lead", "executive", "marketing", "service_agent"])
def test_audit_log_page_is_forbidden_without_view_audit(client, org, customer, role):
    client.force_login(org[role])
    assert client.get("/settings/audit/").status_code == 403
    assert client.get("/settings/access/").status_code == 403


@pytest.fixture
def audit_trail(rep, team_lead, customer):
    """Entries of two actors, two record kinds and two actions."""
    services.customer_update(customer=customer, by=fresh(team_lead), level="A")
    other = services.customer_create(by=fresh(team_lead), name="Li Lei", phone="13912345678")
    field = CustomField.objects.create(key="grade", label_en="Grade", field_type="text")
    return {"customer": customer, "other": other, "field": field}


def listed(response):
    return {(entry.model, entry.object_id, entry.action) for entry in response.context["page"].object_list}


def test_audit_log_filter_by_model(client, admin_user, audit_trail):
    client.force_login(admin_user)
    response = client.get("/settings/audit/", {"model": "crm_site.customfield"})
    assert listed(response) == {("crm_site.customfield", str(audit_trail["field"].pk), "+")}


def test_audit_log_filter_by_actor(client, admin_user, team_lead, audit_trail):
    client.force_login(admin_user)
    response = client.get("/settings/audit/", {"actor": team_lead.pk})
    assert listed(response) == {
        ("customers.customer", str(audit_trail["customer"].pk), "~"),
        ("customers.customer", str(audit_trail["other"].pk), "+"),
    }


def test_audit_log_filter_by_action(client, admin_user, audit_trail):
    client.force_login(admin_user)
    response = client.get("/settings/audit/", {"action": "~", "model": "customers.customer"})
    assert listed(response) == {("customers.customer", str(audit_trail["customer"].pk), "~")}


def test_audit_log_filter_by_record_id(client, admin_user, audit_trail):
    client.force_login(admin_user)
    customer = audit_trail["customer"]
    response = client.get("/settings/audit/", {"model": "customers.customer", "object_id": customer.pk})
    assert listed(response) == {
        ("customers.customer", str(customer.pk), "+"),
        ("customers.customer", str(customer.pk), "~"),
    }


def test_audit_log_filter_by_date_range(client, admin_user, audit_trail):
    today = timezone.localdate()
    old = AuditEntry.objects.get(model="crm_site.customfield")
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=10))
    old_key = ("crm_site.customfield", old.object_id, "+")
    everything = {(entry.model, entry.object_id, entry.action) for entry in AuditEntry.objects.all()}
    client.force_login(admin_user)
    recent = client.get("/settings/audit/", {"since": today.isoformat(), "until": today.isoformat()})
    assert listed(recent) == everything - {old_key}
    assert ("customers.customer", str(audit_trail["customer"].pk), "~") in listed(recent)
    earlier = client.get(
        "/settings/audit/",
        {
            "since": (today - datetime.timedelta(days=11)).isoformat(),
            "until": (today - datetime.timedelta(days=9)).isoformat(),
        },
    )
    assert listed(earlier) == {old_key}
    future = client.get("/settings/audit/", {"since": (today + datetime.timedelta(days=1)).isoformat()})
    assert listed(future) == set()


def test_audit_log_from_after_to_gives_a_form_error_not_a_500(client, admin_user, audit_trail):
    today = timezone.localdate()
    client.force_login(admin_user)
    response = client.get(
        "/settings/audit/", {"since": today.isoformat(), "until": (today - datetime.timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "must not be after" in response.text


def test_audit_log_bad_filter_values_give_form_errors_not_a_500(client, admin_user, audit_trail):
    client.force_login(admin_user)
    response = client.get("/settings/audit/", {"since": "yesterday", "actor": "999999", "action": "?"})
    assert response.status_code == 200
    assert {"since", "actor", "action"} <= set(response.context["form"].errors)


# Settings and staff changes are audited too


def test_creating_and_editing_a_custom_field_in_the_settings_page_is_audited(client, admin_user):
    client.force_login(admin_user)
    data = {
        "entity": "customer",
        "key": "grade",
        "label_en": "Grade",
        "field_type": "text",
        "order": "0",
        "active": "on",
    }
    assert client.post("/settings/fields/new/", data).status_code == 302
    field = CustomField.objects.get(key="grade")
    assert client.post(f"/settings/fields/{field.pk}/", {**data, "label_en": "Customer grade"}).status_code == 302
    entries = list(
        AuditEntry.objects.filter(model="crm_site.customfield", object_id=str(field.pk)).order_by("at", "id")
    )
    assert [entry.action for entry in entries] == ["+", "~"]
    assert all(entry.actor == admin_user for entry in entries)
    assert entries[0].changes["key"] == "grade"
    assert entries[1].changes == {"label_en": ["Grade", "Customer grade"]}
    assert entries[1].object_repr == "Customer grade"


def save_profile(profile, by, **changes):
    for name, value in changes.items():
        setattr(profile, name, value)
    profile._history_user = by
    profile.save()


def staff_entries(profile):
    return AuditEntry.objects.filter(model="crm_site.staffprofile", object_id=str(profile.pk)).order_by("at", "id")


@pytest.fixture
def rep_profile(org, admin_user):
    """The rep's profile after one audited save (the cast sets teams with queryset updates, which bypass history)."""
    profile = StaffProfile.objects.get(user=org["rep"])
    save_profile(profile, admin_user, title="Sales rep")
    return profile


def test_staff_team_change_is_audited_with_only_the_team(org, admin_user, rep_profile):
    save_profile(rep_profile, admin_user, team=org["south"])
    entry = staff_entries(rep_profile).last()
    assert entry.action == "~"
    assert entry.actor == admin_user
    assert entry.changes == {"team_id": [org["north"].pk, org["south"].pk]}


def test_staff_scope_change_is_audited_with_only_the_scope(org, admin_user, rep_profile):
    save_profile(rep_profile, admin_user, scope=StaffProfile.Scope.DEPARTMENT)
    assert staff_entries(rep_profile).last().changes == {"scope": ["own", "department"]}


def test_staff_profile_save_that_changes_nothing_writes_no_entry(admin_user, rep_profile):
    before = staff_entries(rep_profile).count()
    save_profile(rep_profile, admin_user)
    assert staff_entries(rep_profile).count() == before


def admin_change_form_data(response):
    """The POST body the admin change page would send as rendered (main form and inline formsets)."""
    data = {}

    def add_form(form):
        for name, bound in form.fields.items():
            if bound.disabled:
                continue
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None:
                continue
            if isinstance(bound.widget, forms.MultiWidget):
                for index, part in enumerate(bound.widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else str(part)
                continue
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = str(value)

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset.forms:
            add_form(form)
    return data


def test_staff_team_change_in_the_admin_is_audited_with_the_admin_as_actor(client, org, rep_profile):
    superuser = User.objects.create_superuser("root", "root@example.com", "x")
    rep = org["rep"]
    client.force_login(superuser)
    page = client.get(f"/admin/auth/user/{rep.pk}/change/")
    assert page.status_code == 200
    data = admin_change_form_data(page)
    team_key = next(key for key in data if key.endswith("-team"))
    data[team_key] = str(org["south"].pk)
    response = client.post(f"/admin/auth/user/{rep.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert StaffProfile.objects.get(user=rep).team == org["south"]
    entry = staff_entries(rep_profile).last()
    assert entry.actor == superuser
    assert entry.changes == {"team_id": [org["north"].pk, org["south"].pk]}


def test_team_manager_change_is_audited(org, admin_user):
    north = org["north"]
    north.manager = org["director"]
    north._history_user = admin_user
    north.save()
    entry = AuditEntry.objects.filter(model="crm_site.team", object_id=str(north.pk)).latest("at", "id")
    assert entry.action == "~"
    assert entry.actor == admin_user
    assert entry.changes == {"manager_id": [org["team_lead"].pk, org["director"].pk]}


def test_the_record_type_filter_is_a_list_of_named_record_types(client, admin_user):
    client.force_login(admin_user)
    field = client.get("/settings/audit/").context["form"].fields["model"]
    choices = dict(field.choices)
    assert choices["customers.customer"] == "Customer" and choices["crm_site.customfield"]
    assert "customers.historicalcustomer" not in choices


def test_history_reads_as_people_read_it(client, admin_user, rep, team_lead):
    """Field names and choice labels translated, times local, related rows and the record by name with a link."""
    from crm_site.auditview import readable

    customer = CustomerFactory(owner=rep, status="prospect")
    AuditEntry.objects.create(
        actor=team_lead,
        action="~",
        model="customers.customer",
        object_id=str(customer.pk),
        object_repr="old name",
        changes={
            "status": ["prospect", "intending"],
            "last_contact_at": [None, "2026-12-07T03:37:00+00:00"],
            "owner_id": [rep.pk, team_lead.pk],
        },
    )
    with translation.override("zh-hans"):
        (row,) = readable(AuditEntry.objects.filter(model="customers.customer", object_id=str(customer.pk), action="~"))
        changes = {change.label: (change.before, change.after) for change in row.changes}
        assert row.record == customer.name and row.url == customer.get_absolute_url()
        assert row.record_type == "客户"
        assert changes["状态"] == ("潜在客户", "意向客户")
        assert changes["最近联系"] == ("—", "2026-12-07 11:37")  # Asia/Shanghai
        assert changes["负责人"] == (
            rep.get_full_name() or rep.username,
            team_lead.get_full_name() or team_lead.username,
        )
    client.force_login(admin_user)
    page = client.get("/settings/audit/", {"model": "customers.customer"}).text
    assert f'<a href="{customer.get_absolute_url()}">{customer.name}</a>' in page
    assert "last_contact_at" not in page and "customers.customer #" not in page
