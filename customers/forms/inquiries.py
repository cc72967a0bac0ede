"""Forms of web inquiries: the public form (with its spam checks), the queue filter, assignment and status."""

import re
import time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm_site.forms import filter_helper
from customers.identity import normalize_phone
from customers.models import Inquiry
from customers.services.inquiries import REOPEN, assignees_for
from sales.models import Project

SIGNING_SALT = "customers.public-inquiry.started"
MIN_SECONDS = 3  # people need longer than this to fill in the form; scripts do not
MAX_SECONDS = 24 * 60 * 60
MAX_LINKS = 3
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def form_token(*, issued_at: float | None = None) -> str:
    """A signed record of when the form was handed out (the time is readable, not forgeable)."""
    return signing.dumps({"t": int(issued_at if issued_at is not None else time.time())}, salt=SIGNING_SALT)


def token_age(token: str) -> float | None:
    """Seconds since `token` was issued, or None when it is missing or forged."""
    try:
        issued = signing.loads(token or "", salt=SIGNING_SALT)["t"]
        return time.time() - float(issued)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class PublicInquiryForm(forms.Form):
    """The form on the public web page. Spam checks never show an error: `spam_reason` says why it looks like spam."""

    name = forms.CharField(label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=40,
        help_text=_("A mainland mobile such as 138 1234 5678, or an international number starting with +."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    project = forms.ModelChoiceField(
        label=_("Which project are you interested in?"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Not sure yet"),
    )
    message = forms.CharField(
        label=_("Your message (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("What would you like to know? When may we call you?")}
        ),
    )
    # Honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    source_detail = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(active=True).order_by("name")
        if not self.is_bound:
            self.initial.setdefault("started", form_token())
        self.spam_reason = ""
        self.started_age = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-sm-6"), Column("phone", css_class="col-sm-6")),
            Row(Column("email", css_class="col-sm-6"), Column("project", css_class="col-sm-6")),
            "message",
            Div(
                Field("website", tabindex="-1", autocomplete="off"),
                css_class="visually-hidden",
                aria_hidden="true",
            ),
            "started",
            "source_detail",
        )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_started(self):
        age = self.started_age = token_age(self.cleaned_data.get("started", ""))
        if age is not None and age > MAX_SECONDS:
            # A person who left the page open: hand out a fresh form time and ask them to send it again.
            self.data = self.data.copy()
            self.data[self.add_prefix("started")] = form_token()
            # A non-field error: the hidden field's own errors would not be shown.
            self.add_error(
                None,
                ValidationError(
                    _("This page was open for more than a day. Please check your details and send them again."),
                    code="expired",
                ),
            )
        return age

    def clean(self):
        cleaned = super().clean()
        self.spam_reason = self._spam_reason()
        return cleaned

    def _spam_reason(self) -> str:
        if (self.data.get(self.add_prefix("website")) or "").strip():
            return "honeypot"
        age = self.started_age
        if age is None:
            return "no form time"
        if age < MIN_SECONDS:
            return "too fast"
        if len(LINK.findall(self.data.get(self.add_prefix("message")) or "")) >= MAX_LINKS:
            return "links"
        return ""

    def intake_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "phone": data["phone"],
            "email": data.get("email", ""),
            "project": data.get("project"),
            "message": data.get("message", ""),
            "source_detail": data.get("source_detail", ""),
        }


class InquiryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All except spam")), *Inquiry.Status.choices]
        self.helper = filter_helper()
        if user.has_perm("customers.assign_inquiry"):
            self.fields["assigned_to"].queryset = assignees_for(user=user)
            self.fields["assigned_to"].label_from_instance = lambda person: person.get_full_name() or person.username
            columns = [Column("status"), Column("assigned_to"), Column("overdue", css_class="col-auto pt-sm-4")]
        else:
            del self.fields["assigned_to"]  # a rep's queue is theirs alone
            columns = [Column("status"), Column("overdue", css_class="col-auto pt-sm-4")]
        self.helper.layout = Layout(Row(*columns))


class InquiryAssignForm(forms.Form):
    to_user = forms.ModelChoiceField(label=_("Assign to"), queryset=None)
    reason = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = assignees_for(user=user)
        self.fields["to_user"].label_from_instance = lambda person: person.get_full_name() or person.username
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("to_user", css_class="col-sm-6"), Column("reason", css_class="col-sm-6"))
        )


class InquiryStatusForm(forms.Form):
    """The buttons post `status`; the reason is optional."""

    status = forms.ChoiceField(
        choices=[
            (Inquiry.Status.SPAM, _("Mark as spam")),
            (Inquiry.Status.CLOSED, _("Close")),
            (REOPEN, _("Reopen")),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("reason")
