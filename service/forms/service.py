"""Forms of callbacks, certificate cases and the buyer's status page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from service.forms.tickets import style_widgets
from service.models import Callback, CertificateStage


class CallbackForm(forms.Form):
    conversation = forms.CharField(label=_("Conversation"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    score = forms.TypedChoiceField(
        label=_("Satisfaction"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), *[(n, str(n)) for n in range(5, 0, -1)]],
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Callback.Outcome.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class CaseAdvanceForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Move to"), queryset=CertificateStage.objects.none(), required=False, empty_label=_("the next stage")
    )
    missing = forms.CharField(label=_("Missing documents"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = CertificateStage.objects.filter(active=True)
        style_widgets(self)


class CaseEditForm(forms.Form):
    deadline = forms.DateField(
        label=_("Certificate deadline in the contract"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class BuildingMoveForm(forms.Form):
    building = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ModelChoiceField(label=_("Move every unit to"), queryset=CertificateStage.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = CertificateStage.objects.filter(active=True)
        style_widgets(self)


class StatusLookupForm(forms.Form):
    contract_no = forms.CharField(label=_("Contract number"), max_length=40)
    id_tail = forms.CharField(label=_("Last six characters of your ID number"), min_length=6, max_length=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class RepairRequestForm(forms.Form):
    subject = forms.CharField(label=_("What needs repair?"), max_length=200)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
