"""What service adds to other pages and registries: navigation, role permissions, the scope relations of
service staff, the phone permission, my-day panels, customer timeline and sections, message templates, the
analytics facts.

Importing the package registers them (ServiceConfig.ready).
"""

from . import access, analytics, customer, messages, myday, navigation, reports

__all__ = ["access", "analytics", "customer", "messages", "myday", "navigation", "reports"]
