from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from crm_site import customfields
from crm_site.forms import filter_helper
from crm_site.selectors import assignable_staff
from customers.identity import normalize_id_number, normalize_phone
from customers.models import Customer
from customers.selectors import ENTITY
from sales.models import Project


class CustomerForm(forms.ModelForm):
    """The customer file's own fields plus the admin-defined custom fields (prefixed cf_)."""

    class Meta:
        model = Customer
        fields = [
            "kind",
            "name",
            "phone",
            "email",
            "id_number",
            "gender",
            "birth_date",
            "district",
            "address",
            "income_band",
            "occupation",
            "source",
            "level",
            "status",
            "project",
            "marketing_consent",
            "notes",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["project"].queryset = Project.objects.filter(active=True)
        if self.instance.pk and not getattr(self.instance, "sensitive_visible", True):
            # A viewer who may not see the values may not overwrite them either.
            for name in ("phone", "id_number", "income_band"):
                self.fields.pop(name)
        self.custom_names = customfields.add_form_fields(
            self, ENTITY, self.instance.custom if self.instance.pk else None
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Basic information"),
                Row(
                    Column("name", css_class="col-md-6"),
                    Column("kind", css_class="col-md-3"),
                    Column("gender", css_class="col-md-3"),
                ),
                Row(
                    *[
                        Column(name, css_class="col-md-4")
                        for name in ("phone", "email", "id_number")
                        if name in self.fields
                    ]
                ),
                Row(
                    Column("birth_date", css_class="col-md-4"),
                    Column("occupation", css_class="col-md-4"),
                    *[Column("income_band", css_class="col-md-4")] if "income_band" in self.fields else [],
                ),
                Row(Column("district", css_class="col-md-4"), Column("address", css_class="col-md-8")),
            ),
            Fieldset(
                _("Sales"),
                Row(Column("source"), Column("level"), Column("status"), Column("project")),
                "marketing_consent",
                "notes",
            ),
            *([Fieldset(_("More"), *[Column(name) for name in self.custom_names])] if self.custom_names else []),
            Submit("save", _("Save customer")),
        )

    def validate_unique(self):
        """Identity clashes are the service's business: it knows the 撞单 rules and the scope."""

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        return normalize_id_number(value) if value else ""

    def service_fields(self) -> dict:
        """The cleaned values for customer_create / customer_update (custom fields apart)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}

    def custom_values(self) -> dict:
        return customfields.values_from_form(self.cleaned_data, ENTITY)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("name", _("Name")),
            ("-contact", _("Recently contacted")),
            ("contact", _("Longest without contact")),
            ("level", _("Level")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_staff(user=user)
        self.fields["level"].choices = [("", _("Any")), *Customer.Level.choices]
        self.fields["status"].choices = [("", _("Any")), *Customer.Status.choices]
        self.fields["source"].choices = [("", _("Any")), *Customer.Source.choices]
        self.custom_filters = []
        for definition in customfields.definitions(ENTITY):
            if definition.field_type in ("choice", "multi", "bool"):
                name = customfields.FORM_PREFIX + definition.key
                choices = definition.choice_list() if definition.is_choice else [("yes", _("Yes")), ("no", _("No"))]
                self.fields[name] = forms.ChoiceField(
                    label=definition.label, required=False, choices=[("", _("Any")), *choices]
                )
                self.custom_filters.append(name)
        self.helper = filter_helper()
        self.helper.layout = Layout(
            Row(
                *[
                    Column(name, css_class="col-6 col-md")
                    for name in ("q", "owner", "level", "status", "source", *self.custom_filters, "sort")
                ]
            )
        )

    def custom_values(self) -> dict:
        prefix = customfields.FORM_PREFIX
        return {
            name[len(prefix) :]: self.cleaned_data.get(name)
            for name in self.custom_filters
            if self.cleaned_data.get(name)
        }
