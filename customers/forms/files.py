from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_site import customfields
from crm_site.forms import StaffChoiceField, limit_choices
from crm_site.models import ChoiceList, Team
from crm_site.selectors import assignable_staff, choice_options
from crm_site.widgets import DateInput, DateTimeInput, ListInput
from customers.identity import normalize_id_number, normalize_phone
from customers.models import Customer, CustomerMember, Interaction, PurchaseIntent
from customers.selectors import ENTITY, customer_by_identity
from sales.models import Project


def style_widgets(form) -> None:
    """Bootstrap classes on every widget, for forms rendered without crispy."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
        widget.attrs["class"] = css


def col(name, width="col-md-4"):
    return Column(name, css_class=f"col-12 {width}")


class CustomerForm(forms.ModelForm):
    """The customer file's own fields plus the admin-defined custom fields (prefixed cf_)."""

    referrer_phone = forms.CharField(
        label=_("Referred by (customer's phone)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    tags_text = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Separate tags with commas.")
    )

    class Meta:
        model = Customer
        fields = [
            "kind", "name", "phone", "email", "id_number", "gender", "birth_date", "district", "address",
            "work_district", "work_address", "income_band", "occupation", "hobbies", "source", "level", "status",
            "risk_level", "project", "purchasing_power", "real_need", "decision_authority", "suitability",
            "marketing_consent", "notes",
        ]  # fmt: skip
        widgets = {
            "birth_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    # Free-text fields that offer an admin-kept choice list (Settings → Choice lists).
    CHOICE_LISTS = {"district": "district", "work_district": "district", "occupation": "occupation"}

    def _use_choice_lists(self) -> None:
        self.list_options = {}
        self.closed_lists = ChoiceList.closed_lists() & set(self.CHOICE_LISTS.values())
        for name, list_name in self.CHOICE_LISTS.items():
            if name in self.fields:
                options = choice_options(list_name)
                self.list_options[name] = options
                closed = list_name in self.closed_lists
                hint = _("Pick from the list") if closed else _("Pick from the list or type")
                attrs = {"maxlength": self.fields[name].max_length, "placeholder": hint if options else ""}
                self.fields[name].widget = ListInput(options, attrs=attrs)

    def _clean_listed(self, name: str):
        value = (self.cleaned_data.get(name) or "").strip()
        options = self.list_options.get(name) or []
        if value and options:
            by_label = {label: stored for stored, label in options}
            value = by_label.get(value, value)  # the English label typed in the English interface
            closed = self.CHOICE_LISTS[name] in self.closed_lists
            if closed and value not in {stored for stored, _label in options}:
                raise forms.ValidationError(_("Choose one of the list's entries."))
        return value

    def clean_district(self):
        return self._clean_listed("district")

    def clean_work_district(self):
        return self._clean_listed("work_district")

    def clean_occupation(self):
        return self._clean_listed("occupation")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["phone"].required = True
        self.fields["project"].queryset = Project.objects.filter(active=True)
        if self.instance.pk:
            self.initial["tags_text"] = ", ".join(self.instance.tags or [])
            if self.instance.referrer_id:
                self.initial["referrer_phone"] = self.instance.referrer.phone
            if not getattr(self.instance, "sensitive_visible", True):
                # A viewer who may not see the values may not overwrite them either.
                for name in Customer.sensitive_fields:
                    self.fields.pop(name)
        self.custom_names = customfields.add_form_fields(
            self, ENTITY, self.instance.custom if self.instance.pk else None
        )
        self._use_choice_lists()
        present = [name for name in ("phone", "email", "id_number") if name in self.fields]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Basic information"),
                Row(col("name", "col-md-6"), col("kind", "col-md-3"), col("gender", "col-md-3")),
                Row(*[col(name) for name in present]),
                Row(
                    col("birth_date"),
                    col("occupation"),
                    *([col("income_band")] if "income_band" in self.fields else []),
                ),
                Row(col("district"), col("address", "col-md-8")),
                Row(col("work_district"), col("work_address", "col-md-8")),
                Row(col("hobbies", "col-md-8"), col("tags_text")),
            ),
            Fieldset(
                _("Sales"),
                Row(
                    col("source", "col-md-3"),
                    col("level", "col-md-3"),
                    col("status", "col-md-3"),
                    col("risk_level", "col-md-3"),
                ),
                Row(col("project", "col-md-6"), col("referrer_phone", "col-md-6")),
                "marketing_consent",
            ),
            Fieldset(
                _("Qualification"),
                Row(
                    *[
                        col(name, "col-md-3")
                        for name in ("purchasing_power", "real_need", "decision_authority", "suitability")
                    ]
                ),
            ),
            *([Fieldset(_("More"), Row(*[col(name) for name in self.custom_names]))] if self.custom_names else []),
            "notes",
            Submit("save", _("Save customer")),
        )

    def validate_unique(self):
        """Identity clashes are the service's business: it knows the 撞单 rules and the scope."""

    def _get_validation_exclusions(self):
        # The model's unique constraints would answer "constraint violated" before the service applies them.
        return super()._get_validation_exclusions() | {"phone", "id_number"}

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        return normalize_id_number(value) if value else ""

    def clean_tags_text(self):
        tags = [tag.strip() for tag in self.cleaned_data["tags_text"].replace("，", ",").split(",")]
        return sorted({tag[:30] for tag in tags if tag})

    def clean_referrer_phone(self):
        raw = self.cleaned_data["referrer_phone"]
        if not raw:
            return None
        referrer = customer_by_identity(phone=normalize_phone(raw))
        if referrer is None or not Customer.objects.visible_to(self.user).filter(pk=referrer.pk).exists():
            raise forms.ValidationError(_("None of the customers you can see has this phone."))
        if self.instance.pk and referrer.pk == self.instance.pk:
            raise forms.ValidationError(_("A customer cannot refer themselves."))
        return referrer

    def service_fields(self) -> dict:
        """The cleaned values for customer_create / customer_update (custom fields apart)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data["tags"] = self.cleaned_data["tags_text"]
        data["referrer"] = self.cleaned_data["referrer_phone"]
        return data

    def custom_values(self) -> dict:
        return customfields.values_from_form(self.cleaned_data, ENTITY)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    owner = StaffChoiceField(label=pgettext_lazy("customer field", "Owner"), queryset=None, required=False)
    level = forms.ChoiceField(label=_("Interest level"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    district = forms.CharField(label=_("District"), required=False, max_length=50)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.filter(active=True), required=False)
    created_from = forms.DateField(label=_("Created from"), required=False, widget=DateInput())
    created_to = forms.DateField(label=_("Created to"), required=False, widget=DateInput())
    contact_from = forms.DateField(label=_("Last contact from"), required=False, widget=DateInput())
    contact_to = forms.DateField(label=_("Last contact to"), required=False, widget=DateInput())
    quiet_days = forms.IntegerField(label=_("No contact in (days)"), required=False, min_value=1, max_value=3650)
    budget_min = forms.DecimalField(
        label=_("Budget at least (10k)"), required=False, min_value=0, max_digits=10, decimal_places=1
    )
    rooms = forms.IntegerField(label=_("Rooms wanted"), required=False, min_value=1, max_value=20)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("name", _("Name")),
            ("-contact", _("Recently contacted")),
            ("contact", _("Longest without contact")),
            ("level", _("Interest level")),
        ],
    )

    MAIN = ("q", "owner", "level", "status", "sort")
    MORE = ("team", "source", "tag", "district", "project", "created_from", "created_to", "contact_from", "contact_to",
            "quiet_days", "budget_min", "rooms")  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The options are the same for everyone with the user's reach: kept in the cache, not read per page.
        self.fields["owner"].limit_to(assignable_staff(user=user), shared_as="customers.filter.owner", user=user)
        limit_choices(
            self.fields["team"],
            Team.objects.visible_to(user).order_by("name"),
            key="name",
            placeholder=_("team"),
            shared_as="customers.filter.team",
            user=user,
        )
        limit_choices(
            self.fields["project"],
            Project.objects.filter(active=True),
            key="code",
            placeholder=_("project code"),
            shared_as="customers.filter.project",
            user=user,
        )
        self.fields["level"].choices = [("", _("Any")), *Customer.Level.choices]
        self.fields["status"].choices = [("", _("Any")), *Customer.Status.choices]
        self.fields["source"].choices = [("", _("Any")), *Customer.Source.choices]
        self.custom_filters = customfields.add_filter_fields(self, ENTITY)
        style_widgets(self)

    @property
    def main_fields(self):
        return [self[name] for name in self.MAIN]

    @property
    def more_fields(self):
        return [self[name] for name in (*self.MORE, *self.custom_filters)]

    def has_more_filters(self) -> bool:
        data = self.data or {}
        return any(data.get(name) for name in (*self.MORE, *self.custom_filters))

    def clean(self):
        cleaned = super().clean()
        for start, end in (("created_from", "created_to"), ("contact_from", "contact_to")):
            if cleaned.get(start) and cleaned.get(end) and cleaned[start] > cleaned[end]:
                self.add_error(end, _("The end date is before the start date."))
        return cleaned

    def custom_values(self) -> dict:
        return customfields.filter_values(self.cleaned_data, self.custom_filters)

    def filters(self) -> dict:
        """The cleaned filters as keyword arguments of selectors.customer_list."""
        if not self.is_valid():
            return {}
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in self.custom_filters and value not in (None, "")
        }
        data["search"] = data.pop("q", "")
        data["custom"] = self.custom_values()
        return data


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["channel", "direction", "occurred_at", "summary", "outcome", "next_step", "next_due"]
        widgets = {
            "occurred_at": DateTimeInput(),
            "next_due": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["occurred_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(col("channel", "col-6 col-md-4"), col("direction", "col-6 col-md-4"), col("occurred_at")),
            "summary",
            Row(col("outcome", "col-md-4"), col("next_step", "col-md-5"), col("next_due", "col-md-3")),
        )


class IntentForm(forms.ModelForm):
    priorities = forms.MultipleChoiceField(
        label=_("What matters"),
        choices=PurchaseIntent.Priority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PurchaseIntent
        fields = [
            "area_min", "area_max", "rooms", "orientation", "floor_min", "floor_max", "budget_min", "budget_max",
            "projects", "priorities", "questions", "suggestions",
        ]  # fmt: skip
        widgets = {"questions": forms.Textarea(attrs={"rows": 2}), "suggestions": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = Project.objects.filter(active=True)
        self.fields["projects"].widget = forms.CheckboxSelectMultiple()
        self.fields["projects"].widget.choices = self.fields["projects"].choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                col("area_min", "col-6 col-md-3"),
                col("area_max", "col-6 col-md-3"),
                col("rooms", "col-6 col-md-3"),
                col("orientation", "col-6 col-md-3"),
            ),
            Row(
                col("floor_min", "col-6 col-md-3"),
                col("floor_max", "col-6 col-md-3"),
                col("budget_min", "col-6 col-md-3"),
                col("budget_max", "col-6 col-md-3"),
            ),
            Row(col("projects", "col-md-6"), col("priorities", "col-md-6")),
            Row(col("questions", "col-md-6"), col("suggestions", "col-md-6")),
        )

    def clean(self):
        cleaned = super().clean()
        for low, high in (("area_min", "area_max"), ("floor_min", "floor_max"), ("budget_min", "budget_max")):
            if cleaned.get(low) is not None and cleaned.get(high) is not None and cleaned[low] > cleaned[high]:
                self.add_error(high, _("The upper bound is below the lower bound."))
        return cleaned


class MemberForm(forms.ModelForm):
    class Meta:
        model = CustomerMember
        fields = ["name", "role", "title", "phone", "email", "decides", "notes"]

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        roles = (
            CustomerMember.COMPANY_ROLES if customer.kind == Customer.Kind.ENTERPRISE else CustomerMember.FAMILY_ROLES
        )
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(col("name"), col("role"), col("title")), Row(col("phone"), col("email"), col("decides")), "notes"
        )

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_phone(value) if value else ""


class PhoneForm(forms.Form):
    number = forms.CharField(label=_("Phone"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    label = forms.CharField(label=_("Label"), max_length=30, required=False)

    def clean_number(self):
        return normalize_phone(self.cleaned_data["number"])


class BulkForm(forms.Form):
    ACTIONS = [("tag", _("Add tag")), ("assign", _("Assign to")), ("export", _("Export selected"))]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    ids = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    tag = forms.CharField(label=_("Tag"), max_length=30, required=False)
    owner = StaffChoiceField(label=pgettext_lazy("customer field", "Owner"), queryset=None, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.has_perm("customers.manage_ownership"):
            self.fields["owner"].limit_to(assignable_staff(user=user))
        else:  # only managers reassign: reps get tag and export
            del self.fields["owner"], self.fields["reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "tag" and not cleaned.get("tag"):
            self.add_error("tag", _("Enter the tag to add."))
        if cleaned.get("action") == "assign" and "owner" in self.fields and not cleaned.get("owner"):
            self.add_error("owner", _("Choose who receives the customers."))
        return cleaned


class QuickVisitForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
