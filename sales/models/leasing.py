"""Leasing: shops and offices let to tenants; rent schedules reuse the installment machinery."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm_site.querysets import ScopedQuerySet
from sales.models.inventory import MONEY, Project, Unit


class LeaseQuerySet(ScopedQuerySet):
    scope_owner_field = "owner"
    scope_project_field = "project"


class Lease(models.Model):
    """A lease contract: a tenant (a customer file) rents a unit for a term."""

    class State(models.TextChoices):
        LIVE = "live", _("Running")
        ENDED = "ended", _("Ended")
        TERMINATED = "terminated", _("Terminated early")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leases", verbose_name=_("unit"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    tenant = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="leases", verbose_name=_("tenant")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="leases", verbose_name=_("responsible")
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    monthly_rent = models.DecimalField(_("rent per month"), **MONEY, validators=[MinValueValidator(0)])
    deposit = models.DecimalField(_("deposit"), **MONEY, default=0, validators=[MinValueValidator(0)])
    rent_day = models.PositiveSmallIntegerField(_("rent due on day"), default=1)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.LIVE)
    signed_on = models.DateField(_("signed"))
    ended_reason = models.CharField(_("why ended"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = LeaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(state="live"), name="lease_one_live_per_unit"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="lease_term"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.tenant}"

    def get_absolute_url(self):
        return reverse("sales:lease-detail", args=[self.pk])
