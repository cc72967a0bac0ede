"""The customer page: tickets on the timeline, a service section (tickets, certificate case, callbacks)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from customers.sections import register as section_register
from customers.selectors import TimelineEvent, timeline_register
from service.models import Callback, CertificateCase, SurveyInvite, Ticket


def _ticket_events(customer, limit):
    rows = (
        Ticket.objects.filter(customer=customer)
        .select_related("created_by", "assignee")
        .order_by("-created_at", "-id")[:limit]
    )
    events = []
    for ticket in rows:
        url = ticket.get_absolute_url()
        title = _("%(kind)s ticket #%(number)d: %(subject)s") % {
            "kind": ticket.get_kind_display(),
            "number": ticket.pk,
            "subject": ticket.subject,
        }
        events.append(
            TimelineEvent(ticket.created_at, "ticket", title, ticket.get_status_display(), ticket.created_by, url)
        )
        if ticket.resolved_at:
            done = _("Ticket #%(number)d resolved") % {"number": ticket.pk}
            events.append(TimelineEvent(ticket.resolved_at, "ticket", done, "", ticket.assignee, url))
    for callback in Callback.objects.filter(customer=customer, done_at__isnull=False).select_related("done_by")[:limit]:
        title = _("Callback: %(reason)s") % {"reason": callback.get_reason_display()}
        detail = (
            _("score %(score)s/5") % {"score": callback.score} if callback.score else callback.get_outcome_display()
        )
        events.append(TimelineEvent(callback.done_at, "ticket", title, detail, callback.done_by, ""))
    for invite in SurveyInvite.objects.filter(customer=customer, answered_at__isnull=False).select_related("survey")[
        :limit
    ]:
        title = _("Survey answered: %(survey)s") % {"survey": invite.survey.title_en}
        events.append(TimelineEvent(invite.answered_at, "ticket", title, "", None, ""))
    return events


def service_section(customer, user):
    if not user.has_perm("service.view_ticket"):
        return None
    tickets = list(
        Ticket.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("category")
        .order_by("-created_at")[:10]
    )
    cases = list(CertificateCase.objects.filter(customer=customer).select_related("stage", "unit__building"))
    if not tickets and not cases and not user.has_perm("service.add_ticket"):
        return None
    add_url = ""
    if user.has_perm("service.add_ticket"):
        add_url = f"{reverse('service:ticket-create')}?{urlencode({'customer': customer.pk})}"
    return {"tickets": tickets, "cases": cases, "add_url": add_url}


timeline_register(_ticket_events)
section_register("service", "service/_customer_service_section.html", service_section, order=40)
