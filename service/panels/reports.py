"""Tickets as a record type of the report builder (analytics.records): the viewer's scoped tickets, the buyer's
phone masked as on the ticket list (service staff holding service.call_customer see it)."""

from django.utils.translation import gettext_lazy as _

from analytics import records
from analytics.records import CHOICE, DATE, NUMBER, TEXT, USER, Column, RecordType
from service.models import Ticket

records.register(
    RecordType(
        key="tickets",
        label=_("Tickets"),
        model="service.Ticket",
        queryset=lambda user: Ticket.objects.visible_to(user),
        columns=[
            Column("subject", _("Subject"), "subject", TEXT, groupable=False),
            *records.customer_columns(),
            Column("project", _("Project"), "project__name", TEXT),
            Column("kind", _("Kind"), "kind", CHOICE, choices=tuple(Ticket.Kind.choices)),
            Column("channel", _("Channel"), "channel", CHOICE, choices=tuple(Ticket.Channel.choices)),
            Column("priority", _("Priority"), "priority", CHOICE, choices=tuple(Ticket.Priority.choices)),
            Column("status", _("Status"), "status", CHOICE, choices=tuple(Ticket.Status.choices)),
            Column("category", _("Category"), "category__name_en", TEXT, path_zh="category__name_zh"),
            Column("assignee", _("Assignee"), "assignee", USER),
            Column("opened", _("Opened"), "created_at__date", DATE),
            Column("sla_used", _("Business minutes used"), "sla_used", NUMBER),
        ],
        default_columns=("subject", "customer", "status", "priority", "assignee", "opened"),
    )
)
