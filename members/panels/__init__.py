"""What members adds to the rest of the CRM: navigation and roles, the customer page section, the customer
timeline, the templates it sends by key. Importing the package registers them (MembersConfig.ready)."""

from . import care, customer, defaults, navigation, roles

__all__ = ["care", "customer", "defaults", "navigation", "roles"]
