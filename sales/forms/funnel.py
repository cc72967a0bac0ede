"""Forms of the funnel and deal pages: shapes of input, choices limited to the user's scope."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_site import customfields
from crm_site.forms import StaffChoiceField, limit_choices
from crm_site.models import ChoiceOption, Team
from crm_site.selectors import assignable_staff
from crm_site.widgets import DateInput, DateTimeInput
from customers.models import Customer
from sales.models import Campaign, Competitor, Deal, Opportunity, Project, Unit
from sales.selectors.deals import ENTITY as DEAL
from sales.selectors.funnel import ENTITY as OPPORTUNITY
from sales.selectors.funnel import reaches_others

User = get_user_model()
MONEY = {"max_digits": 14, "decimal_places": 2}
DATE = DateInput()


def col(name, width="col-md-4"):
    return Column(name, css_class=f"col-12 {width}")


def custom_rows(names: list[str]) -> list[Row]:
    """The custom fields of a form, three to a row."""
    return [Row(*[col(name) for name in names[start : start + 3]]) for start in range(0, len(names), 3)]


class CustomFilters:
    """The custom-field filters of a list's filter form (under "More filters"), as on the customer list."""

    ENTITY = ""

    def add_custom_filters(self):
        self.custom_filters = customfields.add_filter_fields(self, self.ENTITY)

    @property
    def main_fields(self):
        return [self[name] for name in self.MAIN]

    @property
    def more_fields(self):
        return [self[name] for name in (*self.MORE, *self.custom_filters)]

    @property
    def has_more_filters(self):
        return self.is_bound and any(self.data.get(name) for name in (*self.MORE, *self.custom_filters))

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and name not in self.custom_filters
        }
        custom = customfields.filter_values(self.cleaned_data, self.custom_filters)
        if custom:
            data["custom"] = custom
        return data


class OpportunityFilterForm(CustomFilters, forms.Form):
    owner = StaffChoiceField(label=_("Owner"), queryset=None, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    status = forms.ChoiceField(
        label=_("Open or closed"),
        required=False,
        choices=[("", _("Any")), ("open", _("Open")), ("closed", _("Closed"))],
    )
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    source = forms.ChoiceField(label=_("Customer source"), required=False)
    created_from = forms.DateField(label=_("Created from"), required=False, widget=DATE)
    created_to = forms.DateField(label=_("Created to"), required=False, widget=DATE)

    ENTITY = OPPORTUNITY
    MAIN = ("owner", "project", "stage", "status")
    MORE = ("team", "campaign", "source", "created_from", "created_to")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].limit_to(assignable_staff(user=user))
        limit_choices(self.fields["team"], Team.objects.visible_to(user).order_by("name"), key="name", placeholder="")
        limit_choices(self.fields["project"], Project.objects.filter(active=True), key="code", placeholder="")
        limit_choices(self.fields["campaign"], Campaign.objects.order_by("-starts_on"), key="pk", placeholder="")
        self.fields["stage"].choices = [("", _("Any")), *Opportunity.Stage.choices]
        self.fields["source"].choices = [("", _("Any")), *Customer.Source.choices]
        self.add_custom_filters()

    def clean(self):
        data = super().clean()
        if data.get("created_from") and data.get("created_to") and data["created_from"] > data["created_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class BoardFilterForm(forms.Form):
    who = forms.ChoiceField(label=_("Whose opportunities"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("mine", _("Mine")), ("team", _("My team"))]
        reps = assignable_staff(user=user).exclude(pk=user.pk)[:200]
        choices += [(str(rep.pk), rep.get_full_name() or rep.get_username()) for rep in reps]
        self.fields["who"].choices = choices

    def selected(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["who"] or "mine"
        return "mine"


class OpportunityForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    owner = StaffChoiceField(
        label=_("Owner"), queryset=None, required=False, help_text=_("Empty: the customer's owner.")
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=_("Empty: the campaign that brought the customer."),
    )
    expected_amount = forms.DecimalField(label=_("Expected amount"), required=False, min_value=0, **MONEY)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["customer"],
            Customer.objects.visible_to(user).order_by("name"),
            key="phone",
            placeholder=_("phone"),
        )
        limit_choices(self.fields["project"], Project.objects.filter(active=True), key="code", placeholder=_("code"))
        limit_choices(self.fields["campaign"], Campaign.objects.order_by("-starts_on"), key="pk", placeholder="")
        if reaches_others(user):
            self.fields["owner"].limit_to(assignable_staff(user=user))
        else:
            del self.fields["owner"]
        self.custom_names = customfields.add_form_fields(self, OPPORTUNITY, None)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(col("customer", "col-md-6"), col("project", "col-md-6")),
            Row(*([col("owner")] if "owner" in self.fields else []), col("campaign"), col("expected_amount")),
            *custom_rows(self.custom_names),
            "note",
            Submit("save", _("Create opportunity")),
        )

    def custom_values(self) -> dict:
        return customfields.values_from_form(self.cleaned_data, OPPORTUNITY)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(choices=Opportunity.Stage.choices)
    note = forms.CharField(required=False, max_length=300)


class LoseForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Why was it lost?"),
        queryset=ChoiceOption.objects.filter(list_name=ChoiceOption.ListName.LOST_REASON, active=True),
    )
    competitor = forms.ModelChoiceField(
        label=_("Went to competitor"), queryset=Competitor.objects.filter(active=True), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(col("reason"), col("competitor"), col("note")),
            Submit("lose", _("Mark as lost"), css_class="btn-danger"),
        )


class ReserveForm(forms.Form):
    """Reserve a unit for an opportunity. The unit comes from the grid (fixed, hidden) or from the unit picker
    (sales/_unit_picker.html: radio buttons over a searched, intent-filtered list), never from a long select."""

    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=Opportunity.objects.none())
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("Choose a unit from the list.")},
    )
    deposit = forms.DecimalField(label=_("Deposit"), min_value=0, **MONEY)
    expires_at = forms.DateTimeField(
        label=_("Reservation expires"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Empty: the default reservation period."),
    )

    def __init__(self, *args, user, unit=None, opportunity=None, customer=None, units_url="", **kwargs):
        super().__init__(*args, **kwargs)
        opportunities = Opportunity.objects.visible_to(user).open().select_related("customer", "project")
        if customer is not None:
            opportunities = opportunities.filter(customer=customer)
        units = Unit.objects.filter(status__in=[Unit.Status.AVAILABLE, Unit.Status.HELD]).select_related("building")
        if unit is not None:
            opportunities = opportunities.filter(project_id=unit.project_id)
            self.initial["unit"] = unit.pk
        if opportunity is not None:
            units = units.filter(project_id=opportunity.project_id)
            self.initial["opportunity"] = opportunity.pk
        self.fields["opportunity"].label_from_instance = lambda row: (
            f"{row.customer} · {row.project} · {row.get_stage_display()}"
        )
        limit_choices(
            self.fields["opportunity"], opportunities.order_by("-stage_changed_at"), key="pk", placeholder="#"
        )
        choices = list(getattr(self.fields["opportunity"].widget, "choices", []))
        if opportunity is None and customer is not None and len(choices) == 2:
            self.initial["opportunity"] = choices[1][0]  # the customer's only open opportunity
        self.fields["unit"].queryset = units
        self.picks_unit = unit is None
        if units_url and self.picks_unit:
            # Choosing another opportunity lists its project's units (the picker's list is swapped, not the page).
            self.fields["opportunity"].widget.attrs.update(
                {
                    "hx-get": units_url,
                    "hx-trigger": "change",
                    "hx-target": "#unit-choices",
                    "hx-include": "[name=unit_q],[name=match]",
                }
            )
        self.helper = FormHelper()
        if self.picks_unit:
            first = Row(col("opportunity", "col-md-12"))
            picker = HTML('{% include "sales/_unit_picker.html" %}')
        else:
            self.fields["unit"].widget = forms.HiddenInput()
            first = Row(col("opportunity", "col-md-12"), "unit")
            picker = HTML("")
        self.custom_names = customfields.add_form_fields(self, DEAL, None)
        self.helper.layout = Layout(
            first,
            picker,
            Row(col("deposit", "col-md-6"), col("expires_at", "col-md-6")),
            *custom_rows(self.custom_names),
            Submit("reserve", _("Reserve the unit")),
        )

    def custom_values(self) -> dict:
        return customfields.values_from_form(self.cleaned_data, DEAL)

    def chosen_opportunity_id(self) -> int | None:
        """The opportunity the picker lists units for: the posted one, else the initial one."""
        raw = self.data.get("opportunity") if self.is_bound else self.initial.get("opportunity")
        raw = str(raw or "")
        return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 12 else None

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value and value <= timezone.now():
            raise forms.ValidationError(_("The reservation must expire in the future."))
        return value


class SubscribeForm(forms.Form):
    price = forms.DecimalField(label=_("Price"), min_value=0.01, **MONEY)
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=Deal.PaymentMethod.choices)
    subscribed_on = forms.DateField(label=_("Subscription signed"), widget=DATE, initial=timezone.localdate)


class ContractForm(forms.Form):
    price = forms.DecimalField(label=_("Price"), min_value=0.01, **MONEY)
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=Deal.PaymentMethod.choices)
    signed_on = forms.DateField(label=_("Contract signed"), widget=DATE, initial=timezone.localdate)
    contract_no = forms.CharField(label=_("Contract number"), max_length=40)


class ApproveForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=100)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why cancelled"), max_length=300)


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label=_("Handed over on"), widget=DATE, initial=timezone.localdate)


class DealFilterForm(CustomFilters, forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    owner = StaffChoiceField(label=_("Owner"), queryset=None, required=False)
    approval = forms.ChoiceField(label=_("Discount approval"), required=False)
    signed_from = forms.DateField(label=_("Signed from"), required=False, widget=DATE)
    signed_to = forms.DateField(label=_("Signed to"), required=False, widget=DATE)

    ENTITY = DEAL
    MAIN = ("stage", "state", "project", "owner")
    MORE = ("approval", "signed_from", "signed_to")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any")), *Deal.Stage.choices]
        self.fields["state"].choices = [("", _("Any")), *Deal.State.choices]
        self.fields["approval"].choices = [("", _("Any")), *Deal.Approval.choices]
        limit_choices(self.fields["project"], Project.objects.filter(active=True), key="code", placeholder="")
        self.fields["owner"].limit_to(assignable_staff(user=user))
        self.add_custom_filters()

    def clean(self):
        data = super().clean()
        if data.get("signed_from") and data.get("signed_to") and data["signed_from"] > data["signed_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class FunnelReportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    owner = StaffChoiceField(label=_("Rep"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("Customer source"), required=False)
    compare = forms.BooleanField(label=_("Compare with the previous period"), required=False)

    MAX_DAYS = 3 * 366
    MAIN = ("date_from", "date_to", "project", "team", "owner", "source")
    # The opportunity list's filters of the same names (the stage drill-down forwards them).
    LIST_FILTERS = ("project", "team", "owner", "source")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["project"], Project.objects.filter(active=True), key="code", placeholder="")
        limit_choices(self.fields["team"], Team.objects.visible_to(user).order_by("name"), key="name", placeholder="")
        # Only the reps in the viewer's scope, as the opportunity list offers them (another team's rep: invalid).
        self.fields["owner"].limit_to(assignable_staff(user=user))
        self.fields["source"].choices = [("", _("Any")), *Customer.Source.choices]

    def clean(self):
        data = super().clean()
        if self.errors:  # a foreign rep or team, a bad date: the form says so, no report
            return data
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or data["date_to"] - datetime.timedelta(days=89)
        if not (self.data.get("date_from") and self.data.get("date_to")):
            # The boxes show the period the report uses, not blanks beside a report of the last 90 days.
            self.data = self.data.copy()
            self.data["date_from"], self.data["date_to"] = data["date_from"].isoformat(), data["date_to"].isoformat()
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (data["date_to"] - data["date_from"]).days > self.MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data

    def report_filters(self) -> dict:
        """The selector's filters (project, team, owner, source) of a valid form."""
        return {name: self.cleaned_data.get(name) or None for name in ("project", "team", "owner")} | {
            "source": self.cleaned_data.get("source") or ""
        }

    def list_query(self) -> dict:
        """The opportunity list's query for the same filters, each value written as the list's field reads it (the
        list offers the same choices, so a select's id or a text box's code / name / username alike)."""
        query = {}
        for name in self.LIST_FILTERS:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            field = self.fields[name]
            key = getattr(field, "to_field_name", None) or "pk"
            query[name] = value if isinstance(value, str) else getattr(value, key)
        return query

    main_fields = property(lambda self: [self[name] for name in self.MAIN])
    more_fields = property(lambda self: [])
