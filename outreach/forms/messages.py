import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.forms.sends import LANGUAGE_CHOICES, default_language
from outreach.models import Channel, MessageTemplate


class CustomerMessageForm(forms.Form):
    """A template to one customer; `nonce` makes a double-clicked send one message."""

    template = forms.ModelChoiceField(label=_("Template"), queryset=MessageTemplate.objects.none())
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    nonce = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).update({"nonce": uuid.uuid4()})
        kwargs["initial"].setdefault("language", default_language())
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MessageTemplate.objects.filter(active=True, channel=Channel.EMAIL).order_by(
            "kind", "name"
        )
        self.fields["template"].label_from_instance = lambda template: (
            f"{template.name} ({template.get_kind_display()})"
        )
