"""What members adds to the rest of the CRM: navigation and roles, the customer page section, the customer
timeline, the templates it sends by key, the analytics facts. Importing the package registers them (MembersConfig.ready)."""

from . import analytics, care, customer, defaults, navigation, reports, roles

__all__ = ["analytics", "care", "customer", "defaults", "navigation", "roles", "reports"]
