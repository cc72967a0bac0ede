from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClubEvent(models.Model):
    """A customer appreciation day, owners' forum, lecture or launch preview, with a capacity and a waitlist."""

    class Kind(models.TextChoices):
        APPRECIATION = "appreciation", _("Customer appreciation day")
        FORUM = "forum", _("Owners' forum")
        LECTURE = "lecture", _("Lecture")
        PREVIEW = "preview", _("Launch preview")

    class Audience(models.TextChoices):
        ALL = "all", _("Open to every customer")
        MEMBERS = "members", _("Members (from the tier given)")
        PROSPECTS = "prospects", _("Prospects of the project")

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.APPRECIATION)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"))
    # Who may register: everyone, active members (from `min_tier` up when given), or the project's prospects.
    # A tier given on an event open to all still limits it to members from that tier up.
    audience = models.CharField(
        pgettext_lazy("club event", "audience"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    min_tier = models.ForeignKey(
        "members.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from tier")
    )
    project = models.ForeignKey(
        "sales.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    # An event may belong to a campaign: the prospects attending count as its leads (first touch wins).
    campaign = models.ForeignKey(
        "sales.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("campaign")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("club event")
        verbose_name_plural = _("club events")
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("members:event-detail", args=[self.pk])


class EventRegistration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(ClubEvent, on_delete=models.CASCADE, related_name="registrations")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["registered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "customer"], name="event_registration_once")]

    def __str__(self):
        return f"{self.event_id} · {self.customer_id}"
