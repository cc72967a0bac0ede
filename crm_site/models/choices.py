from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ChoiceOption(models.Model):
    """An admin-editable entry of a choice list (lost reasons, districts, hobbies, ...)."""

    class ListName(models.TextChoices):
        DISTRICT = "district", _("District")
        OCCUPATION = "occupation", _("Occupation")
        HOBBY = "hobby", _("Hobby")
        TAG = "tag", _("Customer tag")
        LOST_REASON = "lost_reason", _("Lost reason")

    list_name = models.CharField(_("list"), max_length=40, choices=ListName.choices)
    value = models.SlugField(_("value"), max_length=60, allow_unicode=True)
    label_en = models.CharField(_("label (English)"), max_length=100)
    label_zh = models.CharField(_("label (Chinese)"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("choice option")
        verbose_name_plural = _("choice options")
        ordering = ["list_name", "order", "value"]
        constraints = [models.UniqueConstraint(fields=["list_name", "value"], name="choice_unique_value_per_list")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return localized(self.label_en, self.label_zh)


class ChoiceList(models.Model):
    """The settings of one choice list (a row only once an admin changed them): whether forms that offer the
    list accept a value that is not on it."""

    name = models.CharField(_("list"), max_length=40, choices=ChoiceOption.ListName.choices, unique=True)
    allow_new = models.BooleanField(
        _("allow new values"),
        default=True,
        help_text=_("Users may type a value that is not on the list; otherwise they must pick one of its entries."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("choice list")
        verbose_name_plural = _("choice lists")

    def __str__(self):
        return self.get_name_display()

    @classmethod
    def closed_lists(cls) -> set[str]:
        """The names of the lists that refuse new values (every list is open until an admin closes it)."""
        return set(cls.objects.filter(allow_new=False).values_list("name", flat=True))


def localized(english: str, chinese: str) -> str:
    """The Chinese label when the active language is Chinese and one is given, else English."""
    if chinese and (get_language() or "").startswith("zh"):
        return chinese
    return english
