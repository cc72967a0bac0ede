"""Forms of the customer import: the upload and the column mapping."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from crm_site.selectors import assignable_staff
from crm_site.spreadsheets import MAX_TEXT_BYTES, MAX_XLSX_BYTES, too_large_message
from customers import importing

ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding (CSV)"),
        choices=importing.ENCODINGS,
        initial="auto",
        help_text=_(
            "Excel in China saves CSV as GBK; automatic detection reads UTF-8, UTF-8 with BOM and GBK/GB18030."
        ),
    )
    has_header = forms.BooleanField(label=_("The first row holds the column names"), required=False, initial=True)
    owner = forms.ModelChoiceField(
        label=_("Owner of the imported customers"),
        queryset=None,
        required=False,
        empty_label=_("Me"),
        help_text=_("Rows with an owner column go to the colleague named there."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_staff(user=user)
        self.fields["file"].help_text = _(
            "Excel (.xlsx) up to %(xlsx)d MB or CSV up to %(csv)d MB, at most %(rows)s rows."
        ) % {"xlsx": MAX_XLSX_BYTES >> 20, "csv": MAX_TEXT_BYTES >> 20, "rows": f"{importing.MAX_ROWS:,}"}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "file",
            Row(Column("encoding", css_class="col-md-6"), Column("owner", css_class="col-md-6")),
            "has_header",
            Submit("upload", _("Upload and map columns")),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = MAX_XLSX_BYTES if upload.name.lower().endswith(".xlsx") else MAX_TEXT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(too_large_message(limit))
        if upload.name.lower().endswith((".xls", ".et")):
            raise forms.ValidationError(_("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV."))
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload a CSV or Excel (.xlsx) file."))
        return upload


class ImportMappingForm(forms.Form):
    """One select per column of the file: which field it fills, or none."""

    def __init__(self, *args, sheet, definitions, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = definitions
        choices = [("", _("— Do not import —"))] + [
            (target.key, f"{target.label} *" if target.required else target.label)
            for target in importing.targets(definitions)
        ]
        self.columns = []
        for index in range(sheet.width):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=sheet.column_label(index),
                choices=choices,
                required=False,
                initial=mapping[index] if index < len(mapping) else "",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.columns.append(self[name])

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"column_{index}", "") for index in range(len(self.columns))]

    def clean(self):
        cleaned = super().clean()
        for message in importing.mapping_errors(self.mapping(), self.definitions):
            self.add_error(None, message)
        return cleaned
