"""Forms of the money pages: filters, payments and refunds, schedules, reports and leases."""

import calendar
import datetime
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_site.forms import StaffChoiceField, limit_choices
from crm_site.selectors import assignable_staff
from crm_site.widgets import DateInput
from customers.models import Customer
from sales.models import Installment, Payment, Project, Unit
from sales.services.money import MAX_INSTALLMENTS, Plan

DATE = DateInput()
DEFAULT_WINDOW = "30"  # the payments list opens on what is overdue or due within a month


def money_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=Decimal("0.01"), **kwargs)


def _project_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.filter(active=True), required=False, empty_label=_("All projects")
    )


class InstallmentFilterForm(forms.Form):
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[
            ("", _("Overdue or due within 30 days")),
            ("overdue", _("Overdue only")),
            ("7", _("Overdue or due within 7 days")),
            ("all", _("All outstanding")),
        ],
    )
    within = forms.IntegerField(label=_("Due within (days)"), required=False, min_value=0, max_value=3650)
    project = _project_field()
    owner = StaffChoiceField(label=_("Responsible"), queryset=None, required=False, empty_label=_("Anyone"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].limit_to(assignable_staff(user=user))

    def filters(self) -> dict:
        if not self.is_bound:
            return {"due_within_days": int(DEFAULT_WINDOW)}
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        due = data.get("due") or DEFAULT_WINDOW
        within = data.get("within")
        if within is None and due.isdecimal():
            within = int(due)
        return {
            "overdue_only": due == "overdue",
            "due_within_days": within,
            "project": data.get("project"),
            "owner": data.get("owner"),
        }


class PaymentForm(forms.Form):
    amount = money_field(_("Amount"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.TRANSFER)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class RefundForm(forms.Form):
    amount = money_field(_("Refund amount"))
    reason = forms.CharField(label=_("Reason"), max_length=60)


class ScheduleForm(forms.Form):
    plan = forms.ChoiceField(label=_("Payment plan"), choices=Plan.CHOICES)
    first_due = forms.DateField(label=_("First payment due"), widget=DATE)
    down_payment_pct = forms.DecimalField(
        label=_("Down payment (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=30
    )
    installments = forms.IntegerField(
        label=_("Monthly installments"), min_value=1, max_value=MAX_INSTALLMENTS, initial=12
    )
    mortgage_after_months = forms.IntegerField(
        label=_("Mortgage paid out after (months)"), min_value=0, max_value=24, initial=2
    )

    def __init__(self, *args, deal=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("first_due", timezone.localdate())
        if deal is not None and deal.payment_method in dict(Plan.CHOICES):
            initial.setdefault("plan", deal.payment_method)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("plan", css_class="col-md-6"), Column("first_due", css_class="col-md-6")),
            Row(Column("down_payment_pct"), Column("installments"), Column("mortgage_after_months")),
            Submit("create", _("Create schedule")),
        )


class InstallmentEditForm(forms.Form):
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    amount = money_field(_("Amount"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    balance_with = forms.ModelChoiceField(
        label=_("Move the difference to"), queryset=Installment.objects.none(), required=False
    )

    def __init__(self, *args, installment, **kwargs):
        kwargs.setdefault(
            "initial", {"due_on": installment.due_on, "amount": installment.amount, "note": installment.note}
        )
        super().__init__(*args, **kwargs)
        if installment.deal_id:
            self.fields["balance_with"].queryset = Installment.objects.filter(deal_id=installment.deal_id).exclude(
                pk=installment.pk
            )
            self.fields["balance_with"].empty_label = _("the last line")
        else:
            del self.fields["balance_with"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("due_on"), Column("amount")),
            "note",
            *(["balance_with"] if "balance_with" in self.fields else []),
            Submit("save", _("Save line")),
        )


class CollectionFilterForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    )
    project = _project_field()

    def clean_month(self) -> datetime.date:
        value = self.cleaned_data["month"].strip()
        if not value:
            return timezone.localdate().replace(day=1)
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class OrderFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    project = _project_field()

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from or date_to:
            year = timezone.localdate().year
            date_from = date_from or datetime.date(year, 1, 1)
            date_to = date_to or datetime.date(year, 12, 31)
        elif cleaned.get("year"):
            date_from, date_to = datetime.date(cleaned["year"], 1, 1), datetime.date(cleaned["year"], 12, 31)
        else:
            # Nothing chosen: the current month (a whole year of contracts is a choice, not the default).
            today = timezone.localdate()
            date_from = today.replace(day=1)
            date_to = date_from.replace(day=calendar.monthrange(today.year, today.month)[1])
        if date_from > date_to:
            raise forms.ValidationError(_("“From” must not be after “To”."))
        if (date_to - date_from).days > 366 * 5:
            raise forms.ValidationError(_("Choose a range of at most five years."))
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        return cleaned


class LeaseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    tenant = forms.ModelChoiceField(label=_("Tenant"), queryset=Customer.objects.none())
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)
    monthly_rent = money_field(_("Rent per month"))
    deposit = forms.DecimalField(label=_("Deposit"), max_digits=14, decimal_places=2, min_value=0, initial=0)
    rent_day = forms.IntegerField(label=_("Rent due on day"), min_value=1, max_value=31, initial=1)
    signed_on = forms.DateField(label=_("Signed"), widget=DATE)

    def __init__(self, *args, user, units, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("signed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.project} · {unit}"
        limit_choices(
            self.fields["tenant"],
            Customer.objects.visible_to(user).order_by("name"),
            key="phone",
            placeholder=_("tenant's phone number"),
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("unit"), Column("tenant")),
            Row(Column("starts_on"), Column("ends_on"), Column("signed_on")),
            Row(Column("monthly_rent"), Column("deposit"), Column("rent_day")),
            Submit("save", _("Create lease")),
        )


class LeaseEndForm(forms.Form):
    reason = forms.CharField(label=_("Why the lease ends"), max_length=300)
    terminated = forms.BooleanField(label=_("Terminated early"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("reason", "terminated", Submit("end", _("End lease"), css_class="btn-danger"))
