from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm_site.querysets import ScopedQuerySet


class CustomerQuerySet(ScopedQuerySet):
    scope_owner_field = "owner"
    scope_project_field = "project"


class Customer(models.Model):
    """A customer file: a person, a household or a company, owned by the rep who first received it."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        FAMILY = "family", _("Family")
        ENTERPRISE = "enterprise", _("Enterprise")

    class Gender(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone")
        WEB = "web", _("Web inquiry")
        REFERRAL = "referral", _("Referral")
        EXHIBITION = "exhibition", _("Exhibition")
        AGENT = "agent", _("Agent")
        CAMPAIGN = "campaign", _("Campaign")

    class Level(models.TextChoices):
        A = "A", _("A – hot")
        B = "B", _("B – warm")
        C = "C", _("C – cool")
        D = "D", _("D – cold")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        INTENDING = "intending", _("Intending")
        BUYER = "buyer", _("Buyer")
        OWNER = "owner", pgettext_lazy("customer status", "Owner")
        LOST = "lost", _("Lost")

    class IncomeBand(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        LOW = "low", _("Under 100k / year")
        MIDDLE = "middle", _("100k–300k / year")
        HIGH = "high", _("300k–1m / year")
        TOP = "top", _("Over 1m / year")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True, default="")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    income_band = models.CharField(_("income"), max_length=10, choices=IncomeBand.choices, blank=True, default="")
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    source = models.CharField(_("source channel"), max_length=12, choices=Source.choices, default=Source.WALK_IN)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, default=Level.C)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT)
    marketing_consent = models.BooleanField(_("consents to marketing"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="customers"
    )
    team = models.ForeignKey(
        "crm_site.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "sales.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CustomerQuerySet.as_manager()

    # Masked unless the viewer may see them (crm_site.masking); every unmasked view is logged.
    sensitive_fields = ("phone", "id_number", "income_band")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            # The identity of a customer: one file per normalised phone (撞单 rules build on this).
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="customer_unique_phone"),
            models.UniqueConstraint(
                fields=["id_number"], condition=~models.Q(id_number=""), name="customer_unique_id_number"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="customer_owner_created_idx"),
            models.Index(fields=["owner", "-last_contact_at"], name="customer_owner_contact_idx"),
            models.Index(fields=["-created_at"], name="customer_created_idx"),
            models.Index(fields=["project", "-created_at"], name="customer_project_created_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:customer-detail", args=[self.pk])
