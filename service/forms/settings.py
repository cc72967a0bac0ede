"""Forms of the service settings pages (admins): SLA policies, the working week and date overrides, the ticket
category tree, the certificate stage template, warranty periods and the service rules with the callback schedule."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from service.forms.tickets import style_widgets
from service.models import (
    CalendarDay,
    Category,
    CertificateStage,
    ServiceSettings,
    SlaPolicy,
    WarrantyPeriod,
    WorkingInterval,
)
from service.services.config import parse_intervals


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def bound(self, name: str, low: int | None = None, high: int | None = None) -> None:
        """Limit a number field (validated, and shown as min/max on the input)."""
        field = self.fields[name]
        if low is not None:
            field.validators.append(MinValueValidator(low))
            field.widget.attrs["min"] = low
        if high is not None:
            field.validators.append(MaxValueValidator(high))
            field.widget.attrs["max"] = high


class SlaPolicyForm(StyledModelForm):
    class Meta:
        model = SlaPolicy
        fields = [
            "priority",
            "category",
            "key_account",
            "member_tier",
            "first_response_minutes",
            "resolution_minutes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by("parent_id", "order")
        self.fields["category"].empty_label = _("any category")
        self.fields["member_tier"].empty_label = _("—")
        for name in ("first_response_minutes", "resolution_minutes"):
            self.bound(name, 1, 60 * 24 * 365)

    def clean(self):
        data = super().clean()
        if data.get("key_account") and data.get("member_tier"):
            raise ValidationError(_("A policy is for key accounts or for a member tier, not both."))
        first, resolution = data.get("first_response_minutes"), data.get("resolution_minutes")
        if first and resolution and first > resolution:
            self.add_error("first_response_minutes", _("The first response cannot be due after the resolution."))
        return data


class CalendarDayForm(StyledModelForm):
    class Meta:
        model = CalendarDay
        fields = ["day", "working", "name"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}


class WeekForm(forms.Form):
    """One line per weekday: its working spans, e.g. “09:00-12:00, 13:30-18:00” (empty: not worked)."""

    def __init__(self, *args, week: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        week = week or {}
        for day, label in WorkingInterval.Weekday.choices:
            self.fields[f"day_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=120,
                initial=", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in week.get(day, [])),
                widget=forms.TextInput(attrs={"placeholder": _("not worked")}),
            )
        style_widgets(self)

    def clean(self):
        data = super().clean()
        week = {}
        for day, _label in WorkingInterval.Weekday.choices:
            try:
                week[day] = parse_intervals(data.get(f"day_{day}") or "")
            except ValidationError as error:
                self.add_error(f"day_{day}", error)
        if not self.errors and not any(week.values()):
            raise ValidationError(_("The week needs at least one working span."))
        data["week"] = week
        return data


class CategoryForm(StyledModelForm):
    component = forms.ChoiceField(label=_("Warranty component"), required=False)

    class Meta:
        model = Category
        fields = ["parent", "name_en", "name_zh", "component", "order", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((p.component, str(p)) for p in WarrantyPeriod.objects.order_by("component"))]
        self.fields["component"].choices = choices
        parents = Category.objects.select_related("parent").order_by("parent_id", "order", "name_en")
        if self.instance.pk:
            parents = parents.exclude(pk__in=self._subtree(self.instance.pk))
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("— top level —")
        style_widgets(self)

    @staticmethod
    def _subtree(pk: int) -> set[int]:
        children: dict[int, list[int]] = {}
        for child, parent in Category.objects.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(child)
        found, todo = set(), [pk]
        while todo:
            node = todo.pop()
            if node not in found:
                found.add(node)
                todo.extend(children.get(node, []))
        return found


class CertificateStageForm(StyledModelForm):
    class Meta:
        model = CertificateStage
        fields = [
            "code",
            "name_en",
            "name_zh",
            "order",
            "expected_days",
            "building_level",
            "mortgage_only",
            "documents",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bound("expected_days", 1, 3650)
        if self.instance.pk:  # stages are found by their code (the building-level first registration)
            self.fields["code"].disabled = True


class WarrantyPeriodForm(StyledModelForm):
    class Meta:
        model = WarrantyPeriod
        fields = ["component", "label_en", "label_zh", "months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bound("months", 1, 1200)
        if self.instance.pk:  # categories point at a component by its code
            self.fields["component"].disabled = True


class ServiceSettingsForm(StyledModelForm):
    class Meta:
        model = ServiceSettings
        fields = ["reopen_days", "near_breach_percent", "callback_months", "callback_after_ticket_days", "low_score"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bound("reopen_days", 0, 365)
        self.bound("callback_after_ticket_days", 1, 365)

    def clean_callback_months(self):
        raw = self.cleaned_data["callback_months"]
        months = []
        for part in raw.replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not (part.isascii() and part.isdecimal()) or not 0 < int(part) <= 120:
                raise ValidationError(
                    _("“%(part)s” is not a number of months between 1 and 120.") % {"part": part[:10]}
                )
            months.append(int(part))
        if not months:
            raise ValidationError(_("Give at least one month, e.g. 1,3,6."))
        return ",".join(str(month) for month in sorted(set(months)))
