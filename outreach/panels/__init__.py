"""What outreach adds to the rest of the CRM: navigation and roles, customer timeline and page sections, sections of
the campaign and project pages, webhook events, merge fields, audiences and the templates code relies on.

Importing the package registers them (OutreachConfig.ready).
"""

from . import audiences, customer, defaults, events, merge, navigation, roles, sales

__all__ = ["audiences", "customer", "defaults", "events", "merge", "navigation", "roles", "sales"]
