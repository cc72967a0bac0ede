"""The service facts of the nightly scores (tickets, complaints, open complaints, escalations, callbacks,
satisfaction) registered with analytics.facts, and the escalated complaints of the owners' churn label registered
with analytics.churn_owners; the reads are service.selectors.facts."""

from analytics import churn_owners, facts
from service.selectors.facts import latest_escalations, service_facts, service_facts_of

facts.register("service", service_facts, of_ids=service_facts_of)
churn_owners.register_escalations("service", latest_escalations)
