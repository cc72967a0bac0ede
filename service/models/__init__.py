"""Service: tickets with SLA clocks and escalation, warranty and renovations, certificate cases, callbacks."""

from .calendar import CalendarDay, WorkingInterval
from .callbacks import Callback
from .certificates import CaseStage, CertificateCase, CertificateStage
from .settings import ServiceSettings
from .sla import Escalation, SlaPolicy
from .tickets import Category, Ticket, TicketAttachment, TicketEvent, TicketNote
from .units import Renovation, WarrantyPeriod

__all__ = [
    "CalendarDay",
    "Callback",
    "CaseStage",
    "Category",
    "CertificateCase",
    "CertificateStage",
    "Escalation",
    "Renovation",
    "ServiceSettings",
    "SlaPolicy",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketNote",
    "WarrantyPeriod",
    "WorkingInterval",
]
