"""Forms of the member pages: the lookup box, list filters, a points adjustment, a referral."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Member, Referral, Tier
from sales.models import Project


class LookupForm(forms.Form):
    q = forms.CharField(label=_("Card, member or phone number"), max_length=30, required=False)


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name starts with"), required=False, max_length=60)
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.objects.all(), required=False, empty_label=_("Any"))
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *Member.Status.choices], required=False)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("name"), required=False, empty_label=_("Any")
    )
    joined_from = forms.DateField(
        label=_("Joined from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    joined_to = forms.DateField(label=_("Joined to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"].strip(),
            "tier": data["tier"],
            "status": data["status"],
            "project": data["project"],
            "joined_from": data["joined_from"],
            "joined_to": data["joined_to"],
        }


class AdjustForm(forms.Form):
    amount = forms.IntegerField(label=_("Points (negative to deduct)"), min_value=-1_000_000, max_value=1_000_000)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("amount", css_class="col-5"), Column("reason", css_class="col-7")))


class ReferralForm(forms.Form):
    name = forms.CharField(label=_("Name of the person referred"), max_length=100)
    phone = forms.CharField(label=_("Their phone"), max_length=30)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("name"), required=False, empty_label=_("Any")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-4"),
                Column("phone", css_class="col-md-4"),
                Column("project", css_class="col-md-4"),
            ),
            Submit("save", _("Register the referral")),
        )


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *Referral.Status.choices], required=False)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("name"), required=False, empty_label=_("Any")
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"status": self.cleaned_data["status"], "project": self.cleaned_data["project"]}


class DashboardFilterForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("name"), required=False, empty_label=_("Any")
    )
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.objects.all(), required=False, empty_label=_("Any"))

    def filters(self) -> dict:
        if not self.is_valid():
            return {"project": None, "tier": None}
        return {"project": self.cleaned_data["project"], "tier": self.cleaned_data["tier"]}
