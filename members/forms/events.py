"""Forms of events and redemptions."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Benefit, ClubEvent

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    class Meta:
        model = ClubEvent
        fields = ["title", "kind", "starts_at", "place", "capacity", "audience", "min_tier", "project", "campaign"]
        widgets = {"starts_at": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("title", css_class="col-md-6"),
                Column("kind", css_class="col-md-3"),
                Column("starts_at", css_class="col-md-3"),
            ),
            Row(
                Column("place", css_class="col-md-6"),
                Column("capacity", css_class="col-md-2"),
                Column("min_tier", css_class="col-md-4"),
            ),
            Row(
                Column("audience", css_class="col-md-4"),
                Column("project", css_class="col-md-4"),
                Column("campaign", css_class="col-md-4"),
            ),
            Submit("save", _("Save event")),
        )

    def clean(self):
        data = super().clean()
        if data.get("audience") == ClubEvent.Audience.PROSPECTS and not data.get("project"):
            self.add_error("project", _("Choose the project whose prospects the event is for."))
        return data

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if not capacity:
            raise forms.ValidationError(_("Give the event a capacity."))
        return capacity


class NumberForm(forms.Form):
    """The door or desk box: a card, member or phone number."""

    q = forms.CharField(label=_("Card, member or phone number"), max_length=30)


class RedeemForm(forms.Form):
    benefit = forms.ModelChoiceField(label=_("Benefit"), queryset=Benefit.objects.none())

    def __init__(self, *args, benefits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit"].queryset = Benefit.objects.filter(pk__in=[benefit.pk for benefit in benefits])
        self.fields["benefit"].label_from_instance = lambda benefit: (
            f"{benefit.label} · {benefit.points_price}"
            + (f" · {_('left')} {benefit.stock}" if benefit.stock is not None else "")
        )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
