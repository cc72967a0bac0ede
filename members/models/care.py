from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm_site.querysets import ScopedQuerySet


class CarePlanQuerySet(ScopedQuerySet):
    scope_owner_field = "customer__owner"
    scope_project_field = "customer__project"


class CarePlan(models.Model):
    """A care plan for a key account or a star customer: what we do for them, and when it is reviewed next."""

    class Reason(models.TextChoices):
        KEY_ACCOUNT = "key", _("Key account")
        STAR = "star", _("Star customer")

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="care_plan", verbose_name=_("customer")
    )
    reason = models.CharField(_("why"), max_length=4, choices=Reason.choices)
    review_on = models.DateField(_("next review"))
    notes = models.TextField(_("plan"), max_length=2000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CarePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        ordering = ["review_on", "id"]
        indexes = [models.Index(fields=["review_on"], name="careplan_review_idx")]

    def __str__(self):
        return f"{self.customer_id} · {self.review_on}"

    def get_absolute_url(self):
        return reverse("members:care-plan", args=[self.customer_id])
