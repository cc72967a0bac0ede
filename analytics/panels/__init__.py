"""What analytics adds to the rest of the CRM; importing the package registers it (AnalyticsConfig.ready):
the customers and sales fact providers and the nightly job, role grants, navigation and landings, the customer
list filters and the customer page section."""

from analytics.selectors import facts as _facts
from analytics.services import scores as _scores

from . import builder, customer, insights, navigation, roles, segments, visits

_facts.register()  # customers and sales facts (members and service register their own: analytics.facts)
_scores.register()  # the nightly `scores` job

__all__ = ["builder", "customer", "insights", "navigation", "roles", "segments", "visits"]
