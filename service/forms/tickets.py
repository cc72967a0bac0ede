"""Forms of the ticket pages: opening a ticket, the queue filter, assigning, moving, notes and attachments."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crm_site.forms import StaffChoiceField
from service.models import Category, Ticket, TicketNote

User = get_user_model()


def style_widgets(form) -> None:
    for bound in form.fields.values():
        widget = bound.widget
        if isinstance(widget, (forms.HiddenInput, forms.CheckboxInput, forms.ClearableFileInput)):
            if isinstance(widget, forms.ClearableFileInput):
                widget.attrs["class"] = "form-control form-control-sm"
            continue
        widget.attrs["class"] = (
            "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
        )


def service_staff():
    """Active staff who may take tickets."""
    return (
        User.objects.filter(is_active=True, groups__permissions__codename="change_ticket")
        .distinct()
        .order_by("username")
    )


class TicketForm(forms.Form):
    phone = forms.CharField(
        label=_("Caller's phone"),
        max_length=32,
        required=False,
        help_text=_("Finds the customer among those you serve."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Ticket.Kind.choices, initial=Ticket.Kind.COMPLAINT)
    channel = forms.ChoiceField(label=_("Channel"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE)
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices, initial=Ticket.Priority.NORMAL)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=Ticket._meta.get_field("description").max_length,
    )
    deal = forms.ModelChoiceField(label=_("Contract / unit"), queryset=None, required=False)
    promise = forms.ModelChoiceField(label=_("Promise it is about"), queryset=None, required=False)
    assignee = StaffChoiceField(label=_("Agent"), queryset=None, required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, customer=None, user=None, **kwargs):
        from sales.models import Deal, Promise

        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["category"].queryset = Category.objects.filter(active=True).select_related("parent")
        deals = Deal.objects.none()
        promises = Promise.objects.none()
        if customer is not None:
            deals = Deal.objects.filter(customer=customer).exclude(state=Deal.State.CANCELLED).select_related("unit")
            promises = Promise.objects.filter(customer=customer)
            del self.fields["phone"]
        else:
            self.fields["phone"].required = True
        self.fields["deal"].queryset = deals
        self.fields["deal"].label_from_instance = lambda deal: (
            f"{deal.unit} · {deal.contract_no or deal.get_stage_display()}"
        )
        self.fields["promise"].queryset = promises
        self.fields["assignee"].limit_to(service_staff())
        if user is not None and "assignee" not in self.initial:
            self.initial["assignee"] = user.pk
        style_widgets(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", _("Open ticket"), css_class="btn-sm"))


class TicketFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    MAIN = ("q", "status", "kind", "mine")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("open", _("Open")), *Ticket.Status.choices, ("all", _("Any"))]
        self.fields["kind"].choices = [("", _("Any")), *Ticket.Kind.choices]
        style_widgets(self)

    @property
    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"status": "open"}
        data = self.cleaned_data
        return {"status": data["status"] or "open", "kind": data["kind"], "mine": data["mine"], "q": data["q"]}


class AssignForm(forms.Form):
    assignee = StaffChoiceField(label=_("Agent"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].limit_to(service_staff())
        style_widgets(self)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Ticket.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TicketNote._meta.get_field("text").max_length,
    )
    internal = forms.BooleanField(label=_("Internal note (not shown to the customer)"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class RenovationForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=200)
    done_on = forms.DateField(label=_("When"), widget=forms.DateInput(attrs={"type": "date"}))
    why = forms.CharField(label=_("Why"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
