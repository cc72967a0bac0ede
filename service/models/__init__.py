"""Service: tickets with SLA clocks and escalation, warranty and renovations, certificate cases, callbacks."""

from .calendar import CalendarDay, WorkingInterval
from .callbacks import Callback
from .certificates import CaseStage, CertificateCase, CertificateStage
from .settings import ServiceSettings
from .sla import Escalation, SlaPolicy
from .surveys import Question, Survey, SurveyAnswer, SurveyInvite
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
    "Question",
    "Renovation",
    "ServiceSettings",
    "SlaPolicy",
    "Survey",
    "SurveyAnswer",
    "SurveyInvite",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketNote",
    "WarrantyPeriod",
    "WorkingInterval",
]
