"""Cross-cutting models: staff and teams, API tokens, custom fields, choice lists, audit."""

from .audit import AccessLog, AuditEntry
from .choices import ChoiceList, ChoiceOption
from .customfields import CustomField
from .staff import StaffProfile, Team
from .tokens import ApiToken

__all__ = ["AccessLog", "ApiToken", "AuditEntry", "ChoiceList", "ChoiceOption", "CustomField", "StaffProfile", "Team"]
