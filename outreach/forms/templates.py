from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.models import Channel, Kind, MessageTemplate

TEXTAREA = forms.Textarea(attrs={"rows": 8})


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["key", "name", "kind", "channel", "subject_en", "body_en", "subject_zh", "body_zh", "active"]
        widgets = {"body_en": TEXTAREA, "body_zh": TEXTAREA}
        help_texts = {
            "key": _("How code and the API name it, e.g. welcome or payment.reminder. Cannot change later."),
            "kind": _("Marketing goes only to customers who consented; service messages (reminders, notices) to all."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key"].disabled = True  # code and API clients refer to it
        self.fields["channel"].choices = [(Channel.EMAIL, Channel.EMAIL.label), (Channel.IN_APP, Channel.IN_APP.label)]
        self.fields["kind"].choices = Kind.choices
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's form also feeds the live preview
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-6"), Column("key", css_class="col-md-6")),
            Row(Column("kind", css_class="col-md-6"), Column("channel", css_class="col-md-6")),
            Row(Column("subject_en", "body_en", css_class="col-lg-6"), Column("subject_zh", "body_zh", css_class="col-lg-6")),
            "active",
            Submit("save", _("Save template")),
        )  # fmt: skip

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class TemplateFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *Kind.choices])

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"search": self.cleaned_data["q"], "kind": self.cleaned_data["kind"]}
