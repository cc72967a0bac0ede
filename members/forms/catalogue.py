"""Forms of the club's configuration pages: tiers, benefits, earn rules and settings."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row, Submit
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm_site.widgets import DateInput
from members.models import Benefit, MemberSettings, Tier
from members.services.catalogue import BENEFIT_FIELDS, EARN_RULE_FIELDS, SETTINGS_FIELDS, TIER_FIELDS


def col(name, width="col-md-4"):
    return Column(name, css_class=f"col-12 {width}")


def helper(*rows, submit) -> FormHelper:
    form_helper = FormHelper()
    form_helper.layout = Layout(*rows, Submit("save", submit))
    return form_helper


class _ValuesForm(forms.ModelForm):
    FIELDS: tuple = ()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class TierForm(_ValuesForm):
    FIELDS = TIER_FIELDS

    class Meta:
        model = Tier
        fields = list(TIER_FIELDS)
        widgets = {"benefits": forms.Textarea(attrs={"rows": 3}), "benefits_zh": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rank"].min_value = 1
        self.fields["rank"].widget.attrs["min"] = 1
        self.helper = helper(
            Row(col("name", "col-md-5"), col("name_zh", "col-md-5"), col("rank", "col-md-2")),
            Row(col("benefits", "col-md-6"), col("benefits_zh", "col-md-6")),
            Row(col("points_threshold"), col("units_threshold"), col("discount_pct")),
            submit=_("Save tier"),
        )

    def clean_rank(self):
        rank = self.cleaned_data["rank"]
        if rank is not None and rank < 1:
            raise forms.ValidationError(_("Give the tier a place in the order from 1 up."))
        return rank


class BenefitForm(_ValuesForm):
    FIELDS = BENEFIT_FIELDS

    class Meta:
        model = Benefit
        fields = list(BENEFIT_FIELDS)
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_tier"].empty_label = _("Any tier")
        self.helper = helper(
            Row(col("name", "col-md-5"), col("name_zh", "col-md-5"), col("kind", "col-md-2")),
            Row(col("description", "col-md-12")),
            Row(col("points_price", "col-md-3"), col("min_tier", "col-md-3"), col("stock", "col-md-2")),
            Row(col("valid_from", "col-md-3"), col("valid_to", "col-md-3"), col("active", "col-md-2")),
            HTML(format_html('<p class="small text-muted">{}</p>', _("Leave the stock empty for unlimited."))),
            submit=_("Save benefit"),
        )


class MemberSettingsForm(_ValuesForm):
    FIELDS = EARN_RULE_FIELDS + SETTINGS_FIELDS

    class Meta:
        model = MemberSettings
        fields = list(EARN_RULE_FIELDS + SETTINGS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral_gift"].queryset = Benefit.objects.filter(active=True)
        self.fields["referral_gift"].empty_label = _("None")
        self.fields["point_value"].min_value = 0
        self.helper = helper(
            HTML(format_html('<h2 class="h5">{}</h2>', _("Earn rules"))),
            Row(col("points_per_10k"), col("event_points"), col("survey_points")),
            Row(col("profile_points"), col("referral_reward"), col("referral_points")),
            Row(col("referral_gift", "col-md-6")),
            HTML(format_html('<h2 class="h5 mt-3">{}</h2>', _("Club settings"))),
            Row(col("expiry_months"), col("point_value"), col("dormant_days")),
            Row(col("referral_reversal_days", "col-md-6")),
            Row(col("auto_join_on_contract", "col-md-6"), col("household_card", "col-md-6")),
            Row(col("partner_precedence", "col-md-12")),
            submit=_("Save club rules"),
        )

    def clean_point_value(self):
        value = self.cleaned_data["point_value"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("A point cannot be worth less than nothing."))
        return value


class CarePlanForm(forms.Form):
    review_on = forms.DateField(label=_("Next review"), widget=DateInput())
    notes = forms.CharField(label=_("Plan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Row(col("review_on", "col-md-4")),
            Row(col("notes", "col-md-12")),
            submit=_("Save care plan"),
        )
