"""The integration events service emits (crm_site.events): subscribers and webhooks hear of them after commit."""

from django.utils.translation import gettext_lazy as _

from crm_site import events

events.define("survey.answered", _("Survey answered"))
