"""The integration events customers and sales emit (their labels, for the webhook form), and outreach's subscriber
that turns each into webhook deliveries. Service declares its own events (ticket created, breached, certificate
stage changed) the same way: `crm_site.events.define(name, label)`."""

from django.utils.translation import gettext_lazy as _

from crm_site import events
from outreach.services.webhooks import on_event

events.define("customer.created", _("Customer created"))
events.define("opportunity.stage_changed", _("Opportunity stage changed"))
events.define("contract.signed", _("Contract signed"))
events.define("contract.cancelled", _("Contract cancelled"))
events.define("payment.received", _("Payment received"))
events.subscribe(on_event)
