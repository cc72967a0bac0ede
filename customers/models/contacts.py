from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CustomerPhone(models.Model):
    """Every phone number of every customer file: the identity that decides duplicates (撞单)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone"), max_length=20)
    label = models.CharField(_("label"), max_length=30, blank=True)
    primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            # Two reps registering the same number at the same moment: exactly one insert wins.
            models.UniqueConstraint(fields=["number"], name="customerphone_unique_number"),
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(primary=True), name="customerphone_one_primary"
            ),
        ]

    def __str__(self):
        return self.number


class CustomerMember(models.Model):
    """A person inside a family or a company file, with their role in the purchase."""

    class Role(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SPOUSE = "spouse", _("Spouse")
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Child")
        DECISION_MAKER = "decision_maker", _("Decision maker")
        INFLUENCER = "influencer", _("Influencer")
        USER = "user", _("User")
        PURCHASER = "purchaser", _("Purchaser")
        OTHER = "other", _("Other")

    FAMILY_ROLES = (Role.BUYER, Role.SPOUSE, Role.PARENT, Role.CHILD, Role.OTHER)
    COMPANY_ROLES = (Role.DECISION_MAKER, Role.INFLUENCER, Role.USER, Role.PURCHASER, Role.OTHER)

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OTHER)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    decides = models.BooleanField(_("decides the purchase"), default=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member or contact")
        verbose_name_plural = _("members and contacts")
        ordering = ["-decides", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"
