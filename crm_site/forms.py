from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm_site.models import ApiToken, AuditEntry, ChoiceOption, CustomField, Team
from crm_site.roles import ROLES
from crm_site.widgets import DateInput

User = get_user_model()


def filter_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Active"), required=False, choices=[("", _("Any")), ("yes", _("Active")), ("no", _("Deactivated"))]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).order_by("name")
        self.fields["role"].choices = [("", _("Any")), *[(role.code, role.label) for role in ROLES]]
        self.helper = filter_helper()
        self.helper.layout = Layout(Row(Column("q"), Column("team"), Column("role"), Column("active")))


class CustomFieldForm(forms.ModelForm):
    class Meta:
        model = CustomField
        fields = ["entity", "key", "label_en", "label_zh", "field_type", "choices", "required", "order", "active"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Stored values are keyed by it: changing the key or type would orphan them.
            self.fields["key"].disabled = True
            self.fields["field_type"].disabled = True
            self.fields["entity"].disabled = True
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("entity"), Column("key"), Column("field_type")),
            Row(Column("label_en"), Column("label_zh")),
            "choices",
            Row(Column("order"), Column("required"), Column("active")),
            Submit("save", _("Save field")),
        )


class ChoiceOptionForm(forms.ModelForm):
    class Meta:
        model = ChoiceOption
        fields = ["list_name", "value", "label_en", "label_zh", "order", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["list_name"].disabled = True
            self.fields["value"].disabled = True
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("list_name"), Column("value")),
            Row(Column("label_en"), Column("label_zh")),
            Row(Column("order"), Column("active")),
            Submit("save", _("Save option")),
        )


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Record type"), required=False)
    object_id = forms.CharField(label=_("Record id"), required=False)
    actor = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.order_by("username"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any")), *AuditEntry.Action.choices])
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        from crm_site.auditview import record_types

        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Any")), *record_types()]
        self.helper = filter_helper()
        self.helper.layout = Layout(
            Row(
                Column("model"),
                Column("object_id"),
                Column("actor"),
                Column("action"),
                Column("since"),
                Column("until"),
            )
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            raise forms.ValidationError(_("“From” must not be after “To”."))
        return cleaned


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.helper = FormHelper()
        self.helper.layout = Layout(Row(Column("user"), Column("name")), Submit("save", _("Create token")))


SELECT_LIMIT = 50


def limit_choices(field: forms.ModelChoiceField, queryset, *, key: str, placeholder) -> None:
    """Offer `queryset` as a select when short; as a text box matched on `key` when long.

    Rendering a select costs a template per option: a few hundred options cost tens of milliseconds
    on every list page.
    """
    field.queryset = queryset
    rows = list(queryset[: SELECT_LIMIT + 1])  # one query decides the widget and fills the select
    if len(rows) > SELECT_LIMIT:
        field.to_field_name = key
        field.widget = forms.TextInput(attrs={"placeholder": placeholder, "autocomplete": "off"})
    else:
        field.widget.choices = [
            ("", field.empty_label or ""),
            *((row.pk, field.label_from_instance(row)) for row in rows),
        ]


class StaffChoiceField(forms.ModelChoiceField):
    """A colleague: a select for a handful, a username box for a big scope (no 500-option selects)."""

    def limit_to(self, queryset) -> None:
        limit_choices(self, queryset, key="username", placeholder=_("username"))


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
