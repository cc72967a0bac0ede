from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.forms.sends import LANGUAGE_CHOICES, default_language
from outreach.models import Announcement
from sales.models import Building, Project

TEXTAREA = forms.Textarea(attrs={"rows": 7})


class AnnouncementForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.order_by("name"))
    building = forms.ModelChoiceField(
        label=_("Building"),
        queryset=Building.objects.select_related("project").order_by("project__name", "name"),
        required=False,
        help_text=_("Leave empty to tell every buyer of the project."),
    )
    category = forms.ChoiceField(label=_("About"), choices=Announcement.Category.choices)
    include_tenants = forms.BooleanField(label=_("Tell tenants too"), required=False)
    language = forms.ChoiceField(label=_("Send in"), choices=LANGUAGE_CHOICES)
    subject_zh = forms.CharField(label=_("Subject (Chinese)"), max_length=200, required=False)
    body_zh = forms.CharField(label=_("Text (Chinese)"), max_length=10_000, required=False, widget=TEXTAREA)
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200, required=False)
    body_en = forms.CharField(label=_("Text (English)"), max_length=10_000, required=False, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("language", default_language())
        super().__init__(*args, **kwargs)
        self.fields["building"].label_from_instance = lambda building: f"{building.project.name} · {building.name}"
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "announcement-form"}
        self.helper.layout = Layout(
            Row(Column("project", css_class="col-md-5"), Column("building", css_class="col-md-4"),
                Column("category", css_class="col-md-3")),
            Row(Column("language", css_class="col-md-4"), Column("include_tenants", css_class="col-md-8 pt-md-4")),
            Row(Column("subject_zh", "body_zh", css_class="col-lg-6"), Column("subject_en", "body_en", css_class="col-lg-6")),
            Submit("save", _("Save and preview")),
        )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        building, project = cleaned.get("building"), cleaned.get("project")
        if building is not None and project is not None and building.project_id != project.pk:
            self.add_error("building", _("This building is not in the chosen project."))
        if not (cleaned.get("subject_zh") or cleaned.get("subject_en")):
            self.add_error("subject_zh", _("Write a subject in at least one language."))
        if not (cleaned.get("body_zh") or cleaned.get("body_en")):
            self.add_error("body_zh", _("Write a text in at least one language."))
        return cleaned
