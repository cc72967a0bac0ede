from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm_site.widgets import DateTimeInput
from outreach import audiences
from outreach.models import Channel, MessageTemplate, Send
from sales.models import Campaign

LANGUAGE_CHOICES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]


def default_language() -> str:
    """The language the user works in: what they most likely write to customers in."""
    return "zh-hans" if (get_language() or settings.LANGUAGE_CODE).lower().startswith("zh") else "en"


class SendForm(forms.Form):
    """What and to whom: the audience's own fields come from its registered form (outreach.audiences)."""

    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("For your lists and reports."))
    template = forms.ModelChoiceField(label=_("Template"), queryset=MessageTemplate.objects.none())
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=_("Counts the send in the campaign's results."),
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("outreach:send-audience"),
                "hx-target": "#audience-fields",
                "hx-trigger": "change",
            }
        ),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("language", default_language())
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MessageTemplate.objects.filter(active=True, channel=Channel.EMAIL).order_by(
            "name"
        )
        self.fields["campaign"].queryset = Campaign.objects.order_by("-starts_on", "name")
        self.audiences = audiences.available(user)
        self.fields["audience"].choices = [(audience.key, audience.label) for audience in self.audiences]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-6"), Column("campaign", css_class="col-md-6")),
            Row(Column("template", css_class="col-md-8"), Column("language", css_class="col-md-4")),
            "audience",
        )

    @classmethod
    def for_send(cls, send: Send, *, user):
        return cls(
            initial={
                "name": send.name,
                "template": send.template_id,
                "language": send.language,
                "campaign": send.campaign_id,
                "audience": send.audience,
            },
            user=user,
        )


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"),
        widget=DateTimeInput(),
    )

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


class SendFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Send.Status.choices])

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"search": self.cleaned_data["q"], "status": self.cleaned_data["status"]}


def audience_forms(user, data=None, selected: str = "", params: dict | None = None) -> list:
    """One form per audience the user may choose: the chosen one bound to `data` (a POST) or stored `params`."""
    forms_shown = []
    for audience in audiences.available(user):
        if audience.key == selected and data is not None:
            form = audiences.form(audience.key, user, data)
        elif audience.key == selected and params is not None:
            form = audiences.form(audience.key, user, params)
        else:
            form = audiences.form(audience.key, user)
        form.selected = audience.key == selected
        forms_shown.append(form)
    return forms_shown
