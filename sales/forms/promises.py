"""Forms of the promises register, the sales targets and the daily sales report."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from crm_site.forms import StaffChoiceField, limit_choices
from crm_site.widgets import DateInput
from sales.models import Deal, Project, Promise, SalesTarget
from sales.selectors import quotas as quota_selectors


def style_widgets(form) -> None:
    for bound in form.fields.values():
        widget = bound.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs["class"] = (
            "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
        )


class PromiseFilterForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    due_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    due_to = forms.DateField(label=_("Due to"), required=False, widget=DateInput())
    promised_by = StaffChoiceField(label=_("Promised by"), queryset=None, required=False)

    MAIN = ("project", "status", "topic", "due_from", "due_to", "promised_by")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["project"], Project.objects.order_by("name"), key="code", placeholder=_("project code")
        )
        self.fields["promised_by"].limit_to(quota_selectors.rep_list(user=user, include_self=True))
        self.fields["status"].choices = [*Promise.Status.choices, ("overdue", _("Overdue")), ("all", _("Any"))]
        self.fields["topic"].choices = [("", _("Any")), *Promise.Topic.choices]
        style_widgets(self)

    @property
    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_from") and cleaned.get("due_to") and cleaned["due_from"] > cleaned["due_to"]:
            self.add_error("due_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        if not self.is_bound:
            return {"status": Promise.Status.OPEN}
        if not self.is_valid():
            return {"status": Promise.Status.OPEN}
        data = self.cleaned_data
        status = data.get("status") or Promise.Status.OPEN
        return {
            "project": data.get("project"),
            "status": "" if status in ("all", "overdue") else status,
            "overdue": status == "overdue",
            "topic": data.get("topic") or "",
            "due_from": data.get("due_from"),
            "due_to": data.get("due_to"),
            "promised_by": data.get("promised_by"),
        }


class PromiseForm(forms.ModelForm):
    class Meta:
        model = Promise
        fields = ["deal", "project", "topic", "content", "due_on", "evidence"]
        widgets = {
            "due_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, customer, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deal"].queryset = Deal.objects.visible_to(user).filter(customer=customer).select_related("unit")
        self.fields["deal"].required = False
        self.fields["project"].queryset = Project.objects.order_by("name")
        self.fields["project"].required = False
        self.fields["project"].help_text = _("Leave empty to use the contract's or the customer's project.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("topic"), Column("due_on")),
            "content",
            Row(Column("deal"), Column("project")),
            "evidence",
            Submit("save", _("Record promise")),
        )


class PromiseCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s, label) for s, label in Promise.Status.choices if s != Promise.Status.OPEN],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DateInput())
    until = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        if since and until and (until - since).days > 731:
            self.add_error("until", _("Choose a period of at most two years."))
        return cleaned


class TargetRowForm(forms.Form):
    """One row of the month's grid: a subject and its four numbers."""

    subject = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_("Assessed amount"), min_value=0, max_digits=14, decimal_places=2, initial=0)
    units = forms.IntegerField(label=_("Assessed units"), min_value=0, max_value=100000, initial=0)
    stretch_amount = forms.DecimalField(
        label=_("Ideal amount"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    stretch_units = forms.IntegerField(label=_("Ideal units"), min_value=0, max_value=100000, initial=0)

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = subjects or {}
        style_widgets(self)

    def clean_subject(self):
        pk = self.cleaned_data["subject"]
        if pk not in self.subjects:
            raise forms.ValidationError(_("You may not set this target."))
        return self.subjects[pk]

    def clean(self):
        cleaned = super().clean()
        for assessed, ideal in (("amount", "stretch_amount"), ("units", "stretch_units")):
            if cleaned.get(ideal) and cleaned.get(assessed) is not None and cleaned[ideal] < cleaned[assessed]:
                self.add_error(ideal, _("The ideal target cannot be below the assessed one."))
        return cleaned


class BaseTargetFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            subject = form.cleaned_data.get("subject")
            if subject is None:
                continue
            if subject.pk in seen:
                raise forms.ValidationError(_("Each subject can have only one target per month."))
            seen.add(subject.pk)


TargetFormSet = forms.formset_factory(TargetRowForm, formset=BaseTargetFormSet, extra=0, max_num=500)


class TargetLevelForm(forms.Form):
    level = forms.ChoiceField(choices=SalesTarget.Level.choices, required=False)


class DailyCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment on the day"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("comment", Submit("save", _("Save comment")))
