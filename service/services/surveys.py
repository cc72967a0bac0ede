"""Writes of surveys: inviting a segment (an e-mailed one-time link, through outreach) and taking the answers.

A low answer (a rating at or below the low score, an NPS of 0–6) opens a follow-up ticket.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import events
from service.models import Question, ServiceSettings, Survey, SurveyAnswer, SurveyInvite, Ticket

SURVEY_TEMPLATE = "service.survey"


def segment_customers(survey: Survey, *, since=None) -> list[tuple[int, int | None, int | None, int | None]]:
    """(customer, project, agent, ticket) of the survey's segment."""
    from customers.models import Customer
    from sales.models import Deal

    if survey.segment == Survey.Segment.RESOLVED:
        since = since or timezone.now() - datetime.timedelta(days=30)
        rows = Ticket.objects.filter(resolved_at__gte=since)
        if survey.project_id:
            rows = rows.filter(project_id=survey.project_id)
        seen, result = set(), []
        for ticket in rows.order_by("-resolved_at").values("customer_id", "project_id", "assignee_id", "id")[:5000]:
            if ticket["customer_id"] not in seen:
                seen.add(ticket["customer_id"])
                result.append((ticket["customer_id"], ticket["project_id"], ticket["assignee_id"], ticket["id"]))
        return result
    if survey.segment == Survey.Segment.BUYERS:
        rows = Deal.objects.filter(stage=Deal.Stage.CONTRACT).exclude(state=Deal.State.CANCELLED)
        if survey.project_id:
            rows = rows.filter(project_id=survey.project_id)
        return [(row[0], row[1], None, None) for row in rows.values_list("customer_id", "project_id").distinct()[:5000]]
    rows = Customer.objects.filter(status=Customer.Status.PROSPECT)
    if survey.project_id:
        rows = rows.filter(project_id=survey.project_id)
    return [(pk, survey.project_id, None, None) for pk in rows.values_list("pk", flat=True)[:5000]]


def survey_send(*, survey: Survey, base_url: str = "", since=None) -> int:
    """Invite each customer of the segment once (a second send skips those invited); returns how many."""
    from customers.models import Customer
    from outreach.models import Channel
    from outreach.services.messages import MessageRefused, message_send

    invited = 0
    for customer_id, project_id, agent_id, ticket_id in segment_customers(survey, since=since):
        try:
            with transaction.atomic():
                invite = SurveyInvite.objects.create(
                    survey=survey,
                    customer_id=customer_id,
                    token=secrets.token_urlsafe(24),
                    project_id=project_id,
                    agent_id=agent_id,
                    ticket_id=ticket_id,
                )
        except IntegrityError:
            continue
        customer = Customer.objects.get(pk=customer_id)
        link = base_url + reverse("service-survey-answer", args=[invite.token])
        try:
            message_send(
                template=SURVEY_TEMPLATE,
                customer=customer,
                channel=Channel.EMAIL,
                context={
                    "survey_title": survey.title_en,
                    "survey_title_zh": survey.title_zh or survey.title_en,
                    "survey_link": link,
                },
                dedupe_key=f"survey:{invite.pk}",
            )
        except MessageRefused:
            pass
        invited += 1
    return invited


def _clean(question: Question, raw):
    if question.kind in (Question.Kind.RATING, Question.Kind.NPS):
        low, high = (1, 5) if question.kind == Question.Kind.RATING else (0, 10)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({f"q{question.pk}": _("Choose a number.")}) from None
        if not low <= value <= high:
            raise ValidationError({f"q{question.pk}": _("Choose a number.")})
        return value, ""
    if question.kind == Question.Kind.SINGLE:
        if raw not in question.choice_list():
            raise ValidationError({f"q{question.pk}": _("Choose one of the answers.")})
        return None, raw
    if question.kind == Question.Kind.MULTIPLE:
        values = raw if isinstance(raw, list) else [raw]
        if any(value not in question.choice_list() for value in values):
            raise ValidationError({f"q{question.pk}": _("Choose among the answers.")})
        return None, ", ".join(values)
    return None, str(raw or "")[:5000]


@transaction.atomic
def survey_answer(*, token: str, answers: dict) -> SurveyInvite:
    """Record the answers of the invite `token` (once: a second submission is refused)."""
    from service.services.tickets import ticket_create

    invite = (
        SurveyInvite.objects.select_for_update(of=("self",))
        .select_related("survey", "customer")
        .filter(token=token)
        .first()
    )
    if invite is None:
        raise ValidationError(_("This survey link is not valid."))
    if invite.answered_at is not None:
        raise ValidationError(_("This survey has been answered already. Thank you!"))
    rows, low = [], False
    threshold = ServiceSettings.current().low_score
    for question in invite.survey.questions.all():
        raw = answers.get(f"q{question.pk}")
        if raw in (None, "", []):
            continue
        number, text = _clean(question, raw)
        rows.append(SurveyAnswer(invite=invite, question=question, number=number, text=text))
        if (question.kind == Question.Kind.RATING and number <= threshold) or (
            question.kind == Question.Kind.NPS and number <= 6
        ):
            low = True
    SurveyAnswer.objects.bulk_create(rows)
    invite.answered_at = timezone.now()
    invite.save(update_fields=["answered_at"])
    # Other apps answer after the commit (the member club awards its survey points), service names none of them.
    events.emit(
        "survey.answered", {"invite_id": invite.pk, "customer_id": invite.customer_id, "survey_id": invite.survey_id}
    )
    if low:
        ticket_create(
            customer=invite.customer,
            subject=_("Follow-up: low survey answer (%(survey)s)") % {"survey": invite.survey.title_en},
            kind=Ticket.Kind.COMPLAINT,
            channel=Ticket.Channel.WEB,
            priority=Ticket.Priority.HIGH,
            assignee=invite.agent,
        )
    return invite
