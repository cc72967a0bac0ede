"""Forms of the inventory pages: projects, buildings, the grid filter, price changes and the unit import."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm_site import customfields
from crm_site.spreadsheets import MAX_TEXT_BYTES, MAX_XLSX_BYTES, too_large_message
from sales import importing as importing_units
from sales.models import Building, PriceAdjustment, Project, Unit
from sales.selectors.inventory import ROOMS_OR_MORE, UNIT, GridFilters

ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


def _rooms_label(rooms: int, or_more: bool = False) -> str:
    if or_more:
        return ngettext("%(rooms)d+ room", "%(rooms)d+ rooms", rooms) % {"rooms": rooms}
    return ngettext("%(rooms)d room", "%(rooms)d rooms", rooms) % {"rooms": rooms}


# Translated when shown, not at import: the choices are built once for every language.
rooms_label = lazy(_rooms_label, str)
ROOM_CHOICES = [("", _("Any layout"))] + [(str(rooms), rooms_label(rooms)) for rooms in range(1, ROOMS_OR_MORE)]
ROOM_CHOICES.append((str(ROOMS_OR_MORE), rooms_label(ROOMS_OR_MORE, True)))


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "code", "city", "district", "address", "developer", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name"), Column("code")),
            Row(Column("city"), Column("district")),
            "address",
            "developer",
            "active",
            Submit("save", _("Save project")),
        )


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ["name", "floors", "sale_permit"]

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name"), Column("floors")),
            "sale_permit",
            Submit("save", _("Save building")),
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Building.objects.filter(project=self.project, name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This project already has a building with this name."))
        return name


def _money_field(label):
    return forms.DecimalField(label=label, required=False, min_value=0, max_digits=14, decimal_places=2, localize=False)


class GridFilterForm(forms.Form):
    """Filters of the sales-control grid: non-matching cells are dimmed, not hidden."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Unit.Status.choices])
    rooms = forms.ChoiceField(label=_("Layout"), required=False, choices=ROOM_CHOICES)
    price_min = _money_field(_("Price from"))
    price_max = _money_field(_("Price to"))
    area_min = forms.DecimalField(
        label=_("Area from (m²)"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    area_max = forms.DecimalField(label=_("Area to (m²)"), required=False, min_value=0, max_digits=9, decimal_places=2)

    MORE = ("price_min", "price_max", "area_min", "area_max")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_filters = customfields.add_filter_fields(self, UNIT)

    @property
    def main_fields(self):
        return [self["status"], self["rooms"]]

    @property
    def more_fields(self):
        return [self[name] for name in (*self.MORE, *self.custom_filters)]

    @property
    def has_more_filters(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in (*self.MORE, *self.custom_filters))

    def filters(self) -> GridFilters:
        """The valid filters (an invalid field is ignored, the form shows its error)."""
        if not self.is_bound:
            return GridFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        rooms = data.get("rooms")
        return GridFilters(
            status=data.get("status") or "",
            rooms=int(rooms) if rooms else None,
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            area_min=data.get("area_min"),
            area_max=data.get("area_max"),
            custom=customfields.filter_values(data, self.custom_filters),
        )


class PriceAdjustForm(forms.Form):
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False, empty_label=_("All buildings")
    )
    floor_from = forms.IntegerField(label=_("From floor"), required=False, min_value=-10, max_value=300)
    floor_to = forms.IntegerField(label=_("To floor"), required=False, min_value=-10, max_value=300)
    rooms = forms.TypedChoiceField(
        label=_("Layout"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any layout"))] + [(str(n), rooms_label(n)) for n in range(1, 9)],
    )
    mode = forms.ChoiceField(label=_("Change"), choices=PriceAdjustment.Mode.choices)
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Percent (e.g. 3 or -2.5), yuan per m² to add or subtract, or the new price per m²."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = project.buildings.order_by("name")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("building"), Column("floor_from"), Column("floor_to"), Column("rooms")),
            Row(Column("mode"), Column("value")),
            "reason",
            Submit("adjust", _("Change prices")),
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for the price change."))
        return reason

    def clean(self):
        cleaned = super().clean()
        floor_from, floor_to = cleaned.get("floor_from"), cleaned.get("floor_to")
        if floor_from is not None and floor_to is not None and floor_from > floor_to:
            self.add_error("floor_to", _("The last floor must not be below the first floor."))
        value = cleaned.get("value")
        if value is not None and value == Decimal("0"):
            self.add_error("value", _("Enter a change other than zero."))
        return cleaned


class UnitImportForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding (CSV)"),
        choices=importing_units.ENCODINGS,
        initial="auto",
        help_text=_("Automatic detection reads UTF-8, UTF-8 with BOM and GBK/GB18030."),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["file"].help_text = _(
            "Excel (.xlsx) up to %(xlsx)d MB or CSV up to %(csv)d MB, at most %(rows)s rows. Columns: %(columns)s."
        ) % {
            "xlsx": MAX_XLSX_BYTES >> 20,
            "csv": MAX_TEXT_BYTES >> 20,
            "rows": f"{importing_units.MAX_ROWS:,}",
            "columns": ", ".join(column.key for column in importing_units.COLUMNS),
        }
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("project", css_class="col-md-6"), Column("encoding", css_class="col-md-6")),
            "file",
            Submit("upload", _("Upload and check")),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        limit = MAX_XLSX_BYTES if name.endswith(".xlsx") else MAX_TEXT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(too_large_message(limit))
        if not name.endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload a CSV or Excel (.xlsx) file."))
        return upload
