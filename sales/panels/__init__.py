"""What sales adds to other pages: my-day panels, customer timeline sources and sections, deal-page sections.

Importing the package registers them (SalesConfig.ready).
"""

from . import customer, funnel, money, navigation, partners, promises, reports

__all__ = ["navigation", "customer", "funnel", "money", "partners", "promises", "reports"]
