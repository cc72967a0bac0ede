"""Forms of callbacks, certificate cases and the buyer's status page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from service.forms.tickets import service_staff, style_widgets
from service.models import Callback, CertificateCase, CertificateStage


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
    letter_consent = forms.BooleanField(
        label=_("The buyer agreed to receive the status letter by e-mail"), required=False
    )
    language = forms.ChoiceField(
        label=_("Buyer's language"), choices=CertificateCase._meta.get_field("language").choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        self.fields["letter_consent"].widget.attrs["class"] = "form-check-input"


class CaseStageForm(forms.Form):
    """One stage of one case, edited on the case page: who is responsible, the dates, the buyer's documents still
    missing (the stage's checklist, plus anything else), notes."""

    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=None, required=False)
    started_on = forms.DateField(label=_("Started"), widget=forms.DateInput(attrs={"type": "date"}))
    done_on = forms.DateField(label=_("Done"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    missing_documents = forms.MultipleChoiceField(
        label=_("Documents still missing"), required=False, widget=forms.CheckboxSelectMultiple
    )
    missing_other = forms.CharField(label=_("Other missing documents"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, row, current: bool = False, **kwargs):
        checklist = row.stage.document_list()
        missing = [part.strip() for part in row.missing.split(",") if part.strip()]
        kwargs.setdefault(
            "initial",
            {
                "responsible": row.responsible_id,
                "started_on": row.started_on,
                "done_on": row.done_on,
                "missing_documents": [name for name in missing if name in checklist],
                "missing_other": ", ".join(name for name in missing if name not in checklist),
                "note": row.note,
            },
        )
        kwargs.setdefault("prefix", f"stage-{row.pk}")
        super().__init__(*args, **kwargs)
        self.row = row
        self.fields["responsible"].queryset = service_staff()
        self.fields["responsible"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["missing_documents"].choices = [(name, name) for name in checklist]
        if not checklist:
            del self.fields["missing_documents"]
        if current:  # the current stage is finished with "Finish this stage", which starts the next one
            del self.fields["done_on"]
        style_widgets(self)

    def missing(self) -> str:
        data = self.cleaned_data
        names = [*data.get("missing_documents", []), *data["missing_other"].replace("，", ",").split(",")]
        return ", ".join(dict.fromkeys(name.strip() for name in names if name.strip()))


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
