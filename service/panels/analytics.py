"""The service facts of the nightly scores (tickets, complaints, open complaints, callbacks, satisfaction):
registered with analytics.facts; the reads are service.selectors.facts."""

from analytics import facts
from service.selectors.facts import service_facts

facts.register("service", service_facts)
