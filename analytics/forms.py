"""Forms of analytics pages: saving a built report and scheduling it (the builder's own fields are read by
analytics.selectors.builder.parse, against the record registry)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from analytics.models import ReportSchedule
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
