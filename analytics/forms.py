"""Forms of analytics pages: saving a built report and scheduling it (the builder's own fields are read by
analytics.selectors.builder.parse, against the record registry)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from analytics.models import CustomerScore, ReportSchedule, VisitRule
from analytics.models.visits import MAX_DAYS
from analytics.services.visits import field_name
from crm_site.models import Team

User = get_user_model()


class _StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class ReportSaveForm(forms.Form):
    name = forms.CharField(
        label=_("Report name"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )
    team = forms.ModelChoiceField(
        label=_("Share with team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("Nobody (only me)"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ReportSchedule.Frequency.choices)
    format = forms.ChoiceField(label=_("Format"), choices=ReportSchedule.Format.choices)
    recipients = _StaffChoice(
        label=_("Recipients"),
        queryset=User.objects.filter(is_active=True, staff__isnull=False).order_by("first_name", "username"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Each recipient receives the report run as them: only the rows their own data scope allows."),
    )


class VisitRuleForm(forms.Form):
    """Contact every N days, per segment and per value quadrant; an empty box is no rule."""

    GROUPS = [
        (VisitRule.Kind.SEGMENT, CustomerScore.Segment.choices),
        (VisitRule.Kind.QUADRANT, CustomerScore.Quadrant.choices),
    ]

    def __init__(self, *args, days: dict[tuple[str, str], int | None], **kwargs):
        initial = {field_name(kind, value): number for (kind, value), number in days.items()}
        super().__init__(*args, initial=initial, **kwargs)
        fieldsets = []
        for kind, choices in self.GROUPS:
            names = []
            for value, label in choices:
                name = field_name(kind.value, value)
                names.append(name)
                self.fields[name] = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=1,
                    max_value=MAX_DAYS,
                    widget=forms.NumberInput(attrs={"placeholder": _("no rule")}),
                    error_messages={"invalid": _("Enter a whole number of days.")},
                )
            fieldsets.append(
                Fieldset(kind.label, Row(*[Column(name, css_class="col-sm-6 col-lg-3") for name in names]))
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(*fieldsets, Submit("save", _("Save visit rules")))

    def days(self) -> dict[tuple[str, str], int | None]:
        return {
            (kind.value, value): self.cleaned_data[field_name(kind.value, value)]
            for kind, choices in self.GROUPS
            for value, _label in choices
        }
