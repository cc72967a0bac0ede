"""Forms of channel partners, commissions, competitors, campaigns and the sales settings."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm_site.forms import StaffChoiceField
from crm_site.selectors import assignable_staff
from crm_site.widgets import DateInput
from customers.identity import normalize_phone
from sales.models import (
    Campaign,
    Commission,
    CommissionRule,
    Competitor,
    CompetitorMove,
    Opportunity,
    Partner,
    PartnerRegistration,
    Project,
    SalesSettings,
)
from sales.services.marketing import SETTINGS_FIELDS

User = get_user_model()
DATE = DateInput()


def col(name, width="col-md-4"):
    return Column(name, css_class=f"col-12 {width}")


def helper(*rows, submit) -> FormHelper:
    form_helper = FormHelper()
    form_helper.layout = Layout(*rows, Submit("save", submit))
    return form_helper


# --- partners -----------------------------------------------------------------------------------------------


class RegistrationForm(forms.Form):
    """What a partner sends to register (报备) a customer."""

    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    customer_name = forms.CharField(label=_("Customer name"), max_length=100)
    phone = forms.CharField(
        label=_("Customer phone"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(active=True).order_by("name")
        self.helper = helper(Row(col("project"), col("customer_name"), col("phone")), submit=_("Register customer"))

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class PartnerForm(forms.ModelForm):
    users = forms.ModelMultipleChoiceField(
        label=_("Users who log in for this partner"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only accounts with the channel partner role are offered."),
    )

    class Meta:
        model = Partner
        fields = ["name", "kind", "contact_name", "contact_phone", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.users.values("pk") if self.instance.pk else User.objects.none().values("pk")
        self.fields["users"].queryset = (
            User.objects.filter(Q(groups__name="partner", is_active=True) | Q(pk__in=current))
            .distinct()
            .order_by("username")
        )
        if self.instance.pk:
            self.initial["users"] = list(self.instance.users.values_list("pk", flat=True))
        self.helper = helper(
            Row(col("name", "col-md-6"), col("kind", "col-md-3"), col("active", "col-md-3")),
            Row(col("contact_name", "col-md-6"), col("contact_phone", "col-md-6")),
            "users",
            submit=_("Save partner"),
        )

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["users"] = list(self.cleaned_data["users"])
        return data


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.order_by("name"), required=False)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.order_by("name"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any"))] + PartnerRegistration.Status.choices, required=False
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"search": data["q"], "partner": data["partner"], "project": data["project"], "status": data["status"]}


class CommissionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Commission.Status.choices)


class CommissionRuleForm(forms.ModelForm):
    class Meta:
        model = CommissionRule
        fields = ["partner", "project", "rate_pct", "fixed_amount", "active"]
        labels = {"partner": _("Partner"), "project": _("Project")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].empty_label = _("Any partner")
        self.fields["project"].empty_label = _("Any project")
        self.helper = helper(
            Row(col("partner", "col-md-6"), col("project", "col-md-6")),
            Row(col("rate_pct"), col("fixed_amount"), col("active")),
            submit=_("Save rule"),
        )

    def clean_fixed_amount(self):
        amount = self.cleaned_data["fixed_amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("Enter an amount of zero or more."))
        return amount


# --- competitors and campaigns ---------------------------------------------------------------------------


class CompetitorForm(forms.ModelForm):
    class Meta:
        model = Competitor
        fields = ["name", "developer", "district", "price_per_m2", "note", "active"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Row(col("name"), col("developer"), col("district")),
            Row(col("price_per_m2"), col("active")),
            "note",
            submit=_("Save competitor"),
        )

    def clean_price_per_m2(self):
        price = self.cleaned_data["price_per_m2"]
        if price is not None and price < 0:
            raise forms.ValidationError(_("Enter an amount of zero or more."))
        return price


class CompetitorMoveForm(forms.Form):
    competitor = forms.ModelChoiceField(label=_("Competitor"), queryset=Competitor.objects.none())
    direction = forms.ChoiceField(label=_("Direction"), choices=CompetitorMove.Direction.choices)
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=Opportunity.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, customer, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competitor"].queryset = Competitor.objects.filter(active=True).order_by("name")
        self.fields["opportunity"].queryset = (
            Opportunity.objects.visible_to(user).filter(customer=customer).select_related("project")
        )
        self.helper = helper(Row(col("competitor"), col("direction"), col("opportunity")), "note", submit=_("Record"))


class CampaignForm(forms.ModelForm):
    owner = StaffChoiceField(label=_("Responsible"), queryset=User.objects.none())

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "channel",
            "project",
            "starts_on",
            "ends_on",
            "budget",
            "actual_cost",
            "owner",
            "note",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].limit_to(assignable_staff(user=user))
        if not self.instance.pk:
            self.initial.setdefault("owner", user.pk)
        self.helper = helper(
            Row(col("name", "col-md-6"), col("kind", "col-md-3"), col("channel", "col-md-3")),
            Row(col("project", "col-md-4"), col("starts_on", "col-md-4"), col("ends_on", "col-md-4")),
            Row(col("budget"), col("actual_cost"), col("owner")),
            "note",
            submit=_("Save campaign"),
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        for name in ("budget", "actual_cost"):
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("Enter an amount of zero or more."))
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class CampaignLeadForm(forms.Form):
    phone = forms.CharField(
        label=_("Customer phone"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return cleaned

    def period(self) -> dict:
        if not self.is_valid():
            return {"date_from": None, "date_to": None}
        return {"date_from": self.cleaned_data["date_from"], "date_to": self.cleaned_data["date_to"]}


class CampaignFilterForm(PeriodForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any"))] + Campaign.Kind.choices, required=False)

    field_order = ["q", "kind", "date_from", "date_to"]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"search": self.cleaned_data["q"], "kind": self.cleaned_data["kind"], **self.period()}


# --- settings -----------------------------------------------------------------------------------------------


class SalesSettingsForm(forms.ModelForm):
    class Meta:
        model = SalesSettings
        fields = list(SETTINGS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Row(col("discount_limit_pct", "col-md-6"), col("reservation_days", "col-md-6")),
            Row(col("partner_protection_days", "col-md-6"), col("promise_warn_days", "col-md-6")),
            submit=_("Save sales rules"),
        )

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in SETTINGS_FIELDS}
