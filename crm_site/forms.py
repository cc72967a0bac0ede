from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from crm_site import reportcache
from crm_site.models import ApiToken, AuditEntry, ChoiceList, ChoiceOption, CustomField, StaffProfile, Team
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


class LanguageSelect(forms.Select):
    """Each language's option marked with its language (`lang`), as the switcher's buttons are: its name is in it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = value
        return option


class LanguageForm(forms.Form):
    """A user's own language ("My profile"): one of the site's languages, or none for the site's language."""

    language = forms.ChoiceField(label=_("Language"), required=False, widget=LanguageSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language by its own name, as the navbar's switcher shows it (简体中文, English).
        native = {code: get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES}
        site = native.get(settings.LANGUAGE_CODE, settings.LANGUAGE_CODE)
        self.fields["language"].choices = [
            ("", _("The site's language (%(name)s)") % {"name": site}),
            *native.items(),
        ]
        self.fields["language"].help_text = _("The CRM's pages and what is sent to you (reports, notifications).")
        self.helper = FormHelper()
        self.helper.layout = Layout("language", Submit("save", _("Save language")))


EXTRA_CHOICE_ROWS = 3


def choice_key(label: str, taken: set[str], position: int) -> str:
    """A key derived from a choice's English label: "Sea view" -> "sea_view"; unique within the field."""
    key = slugify(label).replace("-", "_")[:40] or f"choice_{position}"
    candidate, suffix = key, 2
    while candidate in taken:
        candidate, suffix = f"{key}_{suffix}", suffix + 1
    return candidate


class CustomFieldForm(forms.ModelForm):
    """A custom field; its choices as rows (English and Chinese label, key derived from the English one and
    editable), kept in the field's `choices` text as value|English|Chinese lines."""

    class Meta:
        model = CustomField
        # `choices` is written from the rows (clean); its field only carries the model's errors about them.
        fields = ["entity", "key", "label_en", "label_zh", "field_type", "choices", "required", "order", "active"]
        widgets = {"choices": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices"].required = False
        self.fields["key"].required = False
        self.fields["key"].help_text = _(
            "Left empty: made from the English label. Used in imports, exports and the API."
        )
        if self.instance.pk:
            # Stored values are keyed by it: changing the key or type would orphan them.
            self.fields["key"].disabled = True
            self.fields["field_type"].disabled = True
            self.fields["entity"].disabled = True
        else:
            self.initial.setdefault("order", self._next_order())
        existing = self._existing_choices()
        self.choice_count = len(existing) + EXTRA_CHOICE_ROWS
        for index in range(self.choice_count):
            key, english, chinese = existing[index] if index < len(existing) else ("", "", "")
            self.fields[f"choice-{index}-key"] = forms.CharField(
                label=_("Key"), required=False, max_length=40, initial=key, disabled=bool(key and self.instance.pk)
            )
            self.fields[f"choice-{index}-en"] = forms.CharField(
                label=_("English label"), required=False, max_length=100, initial=english
            )
            self.fields[f"choice-{index}-zh"] = forms.CharField(
                label=_("Chinese label"), required=False, max_length=100, initial=chinese
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("entity"), Column("key"), Column("field_type")),
            Row(Column("label_en"), Column("label_zh")),
            Row(Column("order"), Column("required"), Column("active")),
        )

    def _next_order(self) -> int:
        """After the last field of the record kind, in steps of 10 (room to slot one in between)."""
        entity = self.initial.get("entity") or "customer"
        last = CustomField.objects.filter(entity=entity).order_by("-order").values_list("order", flat=True).first()
        return 10 if last is None else last + 10

    def _existing_choices(self) -> list[tuple[str, str, str]]:
        rows = []
        for line in (self.instance.choices or "").splitlines():
            parts = [part.strip() for part in line.split("|")] + ["", ""]
            if parts[0]:
                rows.append((parts[0], parts[1], parts[2]))
        return rows

    def choice_rows(self) -> list[tuple]:
        """(number, key, English, Chinese) bound fields, one row per choice, for the template."""
        return [
            (index + 1, self[f"choice-{index}-key"], self[f"choice-{index}-en"], self[f"choice-{index}-zh"])
            for index in range(self.choice_count)
        ]

    def clean(self):
        data = super().clean()
        if not data.get("key") and data.get("label_en") and not self.instance.pk:
            data["key"] = choice_key(data["label_en"], set(), 1)
            self.instance.key = data["key"]
        lines, taken = [], set()
        for index in range(self.choice_count):
            english = (data.get(f"choice-{index}-en") or "").replace("|", "/").strip()
            chinese = (data.get(f"choice-{index}-zh") or "").replace("|", "/").strip()
            key = (data.get(f"choice-{index}-key") or "").strip()
            if not (english or chinese or key):
                continue
            if not english and not chinese:
                self.add_error(f"choice-{index}-en", _("Give the choice a label."))
                continue
            key = key or choice_key(english, taken, index + 1)
            if key in taken:
                self.add_error(f"choice-{index}-key", _("Each choice key may appear only once."))
            taken.add(key)
            lines.append(f"{key}|{english or chinese}|{chinese}")
        data["choices"] = "\n".join(lines)
        return data


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


class ChoiceListForm(forms.ModelForm):
    """The settings of one choice list (Settings → Choice lists, shown when a list is picked)."""

    class Meta:
        model = ChoiceList
        fields = ["allow_new"]


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
CHOICES = "choices"
TOO_MANY = "too many"  # a text box instead of a select (a cached value: None would read as "not cached")
# A login writes last_login and the switcher a staff member's language: neither is in any option.
reportcache.watch(CHOICES, Team, StaffProfile, get_user_model(), ignore=("last_login", "language"))


def limit_choices(field: forms.ModelChoiceField, queryset, *, key: str, placeholder, shared_as: str = "", user=None):
    """Offer `queryset` as a select when short; as a text box matched on `key` when long.

    Rendering a select costs a template per option: a few hundred options cost tens of milliseconds
    on every list page.

    `shared_as` (a name) with `user`: the options are kept in the cache for everyone who sees the same rows as
    `user` (crm_site.reportcache, namespace "choices": a write to a team, a staff profile, a user or a model an
    app watches under that namespace drops them), not read again by every list page a rep opens.
    """
    field.queryset = queryset

    def options():
        rows = list(queryset[: SELECT_LIMIT + 1])  # one query decides the widget and fills the select
        if len(rows) > SELECT_LIMIT:
            return TOO_MANY
        return [(row.pk, str(field.label_from_instance(row))) for row in rows]

    choices = reportcache.cached(CHOICES, (shared_as,), user, options) if shared_as and user else options()
    if choices == TOO_MANY:
        field.to_field_name = key
        field.widget = forms.TextInput(attrs={"placeholder": placeholder, "autocomplete": "off"})
    else:
        field.widget.choices = [("", field.empty_label or ""), *choices]


class StaffChoiceField(forms.ModelChoiceField):
    """A colleague: a select for a handful, a username box for a big scope (no 500-option selects)."""

    def limit_to(self, queryset, **shared) -> None:
        """`shared`: limit_choices' shared_as and user, to keep the options in the cache."""
        limit_choices(self, queryset, key="username", placeholder=_("username"), **shared)

    def label_from_instance(self, obj) -> str:
        """The colleague's name, as everywhere else (crm_site.templatetags.crm.person), not their username."""
        return obj.get_full_name() or obj.get_username()


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
