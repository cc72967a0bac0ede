"""Tickets: complaints, repairs, inquiries, suggestions and praise from buyers, owners and tenants.

Every status change, assignment and escalation is a dated `TicketEvent`; the SLA clock is recomputed from
those rows (service.services.sla), so it gives the same answer whenever it is recomputed.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm_site.querysets import ScopedQuerySet
from crm_site.validators import TEXT_MAX_LENGTH


class Category(models.Model):
    """A node of the configurable category tree (leakage, cracks, decoration, property management ...)."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField(_("name (English)"), max_length=60)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60, blank=True)
    component = models.CharField(
        _("warranty component"),
        max_length=20,
        blank=True,
        help_text=_("The warranty period a repair of this category falls under."),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")
        ordering = ["order", "name_en"]

    def __str__(self):
        name = self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name_en
        return f"{self.parent} › {name}" if self.parent_id and self.parent else name


class TicketQuerySet(ScopedQuerySet):
    scope_owner_field = "assignee"
    scope_project_field = "project"

    def open(self):
        return self.exclude(status__in=Ticket.CLOSED_STATUSES)


class Ticket(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        REPAIR = "repair", _("Repair")
        INQUIRY = "inquiry", _("Inquiry")
        SUGGESTION = "suggestion", _("Suggestion")
        PRAISE = "praise", _("Praise")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WALK_IN = "walk_in", _("Walk-in")
        EMAIL = "email", _("E-mail")
        WEB = "web", _("Web")
        WECHAT = "wechat", _("WeChat")
        API = "api", _("API")
        STATUS_PAGE = "status_page", _("Status page")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting on customer")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer")
    )
    project = models.ForeignKey(
        "sales.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    unit = models.ForeignKey(
        "sales.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("unit")
    )
    deal = models.ForeignKey(
        "sales.Deal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("contract"),
    )
    promise = models.ForeignKey(
        "sales.Promise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("promise"),
        help_text=_("The promise (承诺) this complaint is about."),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("category")
    )
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_tickets",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        "crm_site.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"))
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The SLA state, kept current by service.services.sla from the events (recomputable at any time).
    response_target = models.PositiveIntegerField(_("first-response target (business minutes)"), null=True, blank=True)
    resolution_target = models.PositiveIntegerField(_("resolution target (business minutes)"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("near breach from"), null=True, blank=True)
    sla_used = models.PositiveIntegerField(_("business minutes used"), default=0)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("call_customer", _("Can see the phone numbers of the customers served")),
            ("manage_service", _("Can manage the service desk (escalations, all agents' queues)")),
        ]
        indexes = [
            # The queues: open tickets only (a fifth of the table), by deadline, of an agent or of a project.
            models.Index(
                fields=["assignee", "resolution_due_at"],
                name="ticket_open_assignee_idx",
                condition=~models.Q(status__in=["resolved", "closed"]),
            ),
            models.Index(
                fields=["project", "resolution_due_at"],
                name="ticket_open_project_idx",
                condition=~models.Q(status__in=["resolved", "closed"]),
            ),
            models.Index(fields=["customer", "created_at"], name="ticket_customer_idx"),
            # The files a service agent serves (service.panels.access): the customers of a project's tickets and of an
            # agent's tickets, read from the index alone (the heap: 13,000 pages of each on the bench data, 40 ms of
            # every agent's customer list; 4 ms now).
            models.Index(fields=["project", "customer"], name="ticket_project_customer_idx"),
            models.Index(fields=["assignee", "customer"], name="ticket_assignee_customer_idx"),
            models.Index(
                fields=["resolution_due_at"],
                name="ticket_breach_idx",
                condition=models.Q(escalated_at__isnull=True, paused_at__isnull=True)
                & ~models.Q(status__in=["resolved", "closed"]),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self):
        return reverse("service:ticket-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES


class TicketEvent(models.Model):
    """A dated row of a ticket's history: a status change, an assignment, an escalation."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        ASSIGN = "assign", _("Assigned")
        ESCALATE = "escalate", _("Escalated")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_status = models.CharField(_("from"), max_length=12, choices=Ticket.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Ticket.Status.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class TicketNote(models.Model):
    """An internal note (staff only) or a reply to the customer."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notes")
    internal = models.BooleanField(_("internal note"), default=True)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket note")
        verbose_name_plural = _("ticket notes")
        ordering = ["at", "id"]

    def __str__(self):
        return self.text[:40]


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="service/tickets/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["at", "id"]

    def __str__(self):
        return self.name
