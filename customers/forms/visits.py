"""Forms of visit planning: plan a visit, record it, assess it, the daily report and the level policy."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from crm_site.scope import reach
from crm_site.widgets import DateInput
from customers.models import Customer, LevelPolicy
from customers.models.policy import DEFAULTS
from customers.selectors import search_q
from customers.selectors import visits as selectors
from customers.services.visits import POLICY_FIELDS, SCORES

DATE_INPUT = DateInput()


def inline_helper() -> FormHelper:
    """Fields only: the template writes the <form> tag (with its htmx attributes) and the button."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.level}" + (f" · {obj.district}" if obj.district else "")


class VisitPlanForm(forms.Form):
    """Plan a visit: the customer from a list of the rep's own files when short, else by name or phone."""

    customer = forms.CharField(
        label=_("Customer"),
        max_length=100,
        help_text=_("Name or phone number of one of your customers."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("Name or phone")}),
    )
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        covered = reach(user)
        narrow = not (covered.everything or covered.team_ids or covered.project_ids)
        self.uses_select = narrow and selectors.own_customer_count(user=user) < selectors.SELECT_LIMIT
        if self.uses_select:
            self.fields["customer"] = CustomerChoiceField(
                label=_("Customer"),
                queryset=selectors.plannable_customers(user=user),
                empty_label=_("Choose a customer"),
            )
        self.helper = inline_helper()
        self.helper.layout = Layout(
            "customer", Row(Column("day", css_class="col-6"), Column("purpose", css_class="col-6"))
        )

    def clean_customer(self):
        value = self.cleaned_data["customer"]
        if self.uses_select:
            return value
        matches = list(Customer.objects.visible_to(self.user).filter(search_q(value)).order_by("name", "pk")[:6])
        exact = [customer for customer in matches if value.strip() in (customer.name, customer.phone)]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise forms.ValidationError(_("None of your customers matches “%(query)s”."), params={"query": value})
        raise forms.ValidationError(
            _("Several customers match “%(query)s”: type the full name or the phone number."), params={"query": value}
        )


class QuickPlanForm(forms.Form):
    """The one-click “plan for <day>” of a customer due for a visit."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user)


class VisitRecordForm(forms.Form):
    summary = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_due = forms.DateField(label=_("Next step due"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
        self.helper.layout = Layout(
            "summary", "outcome", Row(Column("next_step", css_class="col-7"), Column("next_due", css_class="col-5"))
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("next_step") and not cleaned.get("next_due"):
            self.add_error("next_due", _("Give the next step a due date."))
        return cleaned


class VisitAssessForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"), coerce=int, choices=[("", "—"), *[(score, f"{score} / 5") for score in SCORES]]
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
        self.helper.layout = Layout(Row(Column("score", css_class="col-4"), Column("comment", css_class="col-8")))


class DailyReportForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "aria-label": _("Comment")}),
        help_text=_("What went well, what did not, what you need from your manager."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_show_labels = False
        self.helper.layout = Layout("comment", Submit("save", _("Save report")))


class PolicyForm(forms.Form):
    """Every level's visit interval, protection period and warning, and the customer settings, on one page."""

    hold_limit = forms.IntegerField(label=_("Customers a rep may hold"), min_value=1)
    inquiry_alert_hours = forms.IntegerField(label=_("Flag unanswered inquiries after (hours)"), min_value=1)

    def __init__(self, *args, policies: dict[str, LevelPolicy], settings, **kwargs):
        initial = {"hold_limit": settings.hold_limit, "inquiry_alert_hours": settings.inquiry_alert_hours}
        for level, policy in policies.items():
            for field in POLICY_FIELDS:
                initial[f"{level}_{field}"] = getattr(policy, field)
        super().__init__(*args, initial=initial, **kwargs)
        labels = dict(Customer.Level.choices)
        rows = []
        for level in DEFAULTS:
            for field in POLICY_FIELDS:
                self.fields[f"{level}_{field}"] = forms.IntegerField(
                    label=LevelPolicy._meta.get_field(field).verbose_name, min_value=1
                )
            rows.append(
                Fieldset(
                    labels.get(level, level),
                    Row(*[Column(f"{level}_{field}", css_class="col-sm-4") for field in POLICY_FIELDS]),
                )
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *rows,
            Fieldset(
                _("Ownership and inquiries"),
                Row(Column("hold_limit", css_class="col-sm-6"), Column("inquiry_alert_hours", css_class="col-sm-6")),
            ),
            Submit("save", _("Save rules")),
        )

    def clean(self):
        cleaned = super().clean()
        for level in DEFAULTS:
            warn, protection = cleaned.get(f"{level}_warn_days"), cleaned.get(f"{level}_protection_days")
            if warn is not None and protection is not None and warn >= protection:
                self.add_error(
                    f"{level}_warn_days", _("The warning must come before the protection period ends (fewer days).")
                )
        return cleaned

    def levels(self) -> dict[str, dict]:
        return {level: {field: self.cleaned_data[f"{level}_{field}"] for field in POLICY_FIELDS} for level in DEFAULTS}

    def settings_values(self) -> dict:
        return {
            "hold_limit": self.cleaned_data["hold_limit"],
            "inquiry_alert_hours": self.cleaned_data["inquiry_alert_hours"],
        }
