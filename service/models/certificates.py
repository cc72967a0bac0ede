"""Property-certificate processing (产权证办理): a case per contracted unit following an editable stage template."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm_site.querysets import ScopedQuerySet


class CertificateStage(models.Model):
    """A stage of the template: admins rename, reorder, retime and add stages."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"))
    expected_days = models.PositiveSmallIntegerField(_("expected duration (days)"), default=30)
    building_level = models.BooleanField(
        _("building-level"), default=False, help_text=_("Done once per building: moves every unit of it on.")
    )
    mortgage_only = models.BooleanField(_("mortgage buyers only"), default=False)
    documents = models.CharField(
        _("documents to collect"), max_length=300, blank=True, help_text=_("Comma-separated checklist.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("certificate stage")
        verbose_name_plural = _("certificate stages")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name_en

    def document_list(self) -> list[str]:
        return [part.strip() for part in self.documents.split(",") if part.strip()]


class CertificateCaseQuerySet(ScopedQuerySet):
    scope_owner_field = "responsible"
    scope_project_field = "project"


class CertificateCase(models.Model):
    deal = models.OneToOneField(
        "sales.Deal", on_delete=models.PROTECT, related_name="certificate_case", verbose_name=_("contract")
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="certificate_cases", verbose_name=_("buyer")
    )
    project = models.ForeignKey("sales.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project"))
    building = models.ForeignKey(
        "sales.Building", on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    unit = models.ForeignKey("sales.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    mortgage = models.BooleanField(_("mortgage buyer"), default=False)
    stage = models.ForeignKey(
        CertificateStage, on_delete=models.PROTECT, related_name="+", verbose_name=_("current stage"), null=True
    )
    stage_since = models.DateField(_("in this stage since"))
    stage_due = models.DateField(_("stage expected done by"), null=True, blank=True)
    deadline = models.DateField(
        _("certificate deadline in the contract"), null=True, blank=True, help_text=_("A promise to the buyer.")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    finished_on = models.DateField(_("handed to the owner"), null=True, blank=True)
    letter_consent = models.BooleanField(
        _("letters by e-mail"),
        default=False,
        help_text=_("The buyer agreed to receive the status letter by e-mail (on request and at each stage)."),
    )
    language = models.CharField(
        _("buyer's language"),
        max_length=7,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    objects = CertificateCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate case")
        verbose_name_plural = _("certificate cases")
        ordering = ["building_id", "unit_id"]
        indexes = [
            models.Index(fields=["project", "building", "unit"], name="certcase_board_idx"),
            models.Index(
                fields=["deadline"], name="certcase_deadline_idx", condition=models.Q(finished_on__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.stage}"

    def get_absolute_url(self):
        return reverse("service:certificate-detail", args=[self.pk])


class CaseStage(models.Model):
    """One stage of one case: dates, who is responsible, missing documents, notes."""

    case = models.ForeignKey(CertificateCase, on_delete=models.CASCADE, related_name="stages")
    stage = models.ForeignKey(CertificateStage, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("started"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    missing = models.CharField(_("missing documents"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("case stage")
        verbose_name_plural = _("case stages")
        ordering = ["started_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "stage"], name="casestage_unique")]

    def __str__(self):
        return f"{self.case_id} {self.stage}"
