"""Earn triggers other apps settle: a survey answered (service emits survey.answered; members answers it) and a
profile completed (the rule: name, phone, email, birth date, home district and a purchase intent) — each once."""

import datetime

import pytest

from customers import services as customer_services
from members.models import LedgerEntry
from service.models import Question, Survey, SurveyInvite
from service.services import surveys as survey_services

pytestmark = pytest.mark.django_db


def _survey_entries(member):
    return LedgerEntry.objects.filter(member=member, rule=LedgerEntry.Rule.SURVEY)


def test_answering_a_survey_earns_the_survey_points_once(member, django_capture_on_commit_callbacks):
    survey = Survey.objects.create(title_en="How did we do?", title_zh="服务满意度")
    question = Question.objects.create(survey=survey, order=1, kind="rating", text_en="Satisfaction")
    invite = SurveyInvite.objects.create(survey=survey, customer=member.customer, token="tok-1")
    with django_capture_on_commit_callbacks(execute=True):
        survey_services.survey_answer(token=invite.token, answers={f"q{question.pk}": "5"})
    entry = _survey_entries(member).get()
    assert (entry.amount, entry.source_type, entry.source_id) == (50, "service.surveyinvite", invite.pk)
    # The event delivered twice (a retried task) still grants it once.
    from members.tasks import survey_answered_task

    survey_answered_task(invite.pk, member.customer_id)
    assert _survey_entries(member).count() == 1
    member.refresh_from_db()
    assert member.balance == 50


def test_a_survey_answered_by_a_customer_who_is_no_member_earns_nothing(rep, django_capture_on_commit_callbacks):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(owner=rep)
    survey = Survey.objects.create(title_en="S", title_zh="问卷")
    question = Question.objects.create(survey=survey, order=1, kind="rating", text_en="Satisfaction")
    invite = SurveyInvite.objects.create(survey=survey, customer=customer, token="tok-2")
    with django_capture_on_commit_callbacks(execute=True):
        survey_services.survey_answer(token=invite.token, answers={f"q{question.pk}": "4"})
    assert not LedgerEntry.objects.filter(rule=LedgerEntry.Rule.SURVEY).exists()


def _complete(customer, rep, capture):
    with capture(execute=True):
        customer_services.customer_update(
            customer=customer,
            by=rep,
            email="li@example.com",
            birth_date=datetime.date(1985, 5, 1),
            district="Xuhui",
        )


def test_the_profile_points_come_when_the_last_piece_is_filled_and_only_once(
    member, rep, django_capture_on_commit_callbacks
):
    customer = member.customer
    _complete(customer, rep, django_capture_on_commit_callbacks)
    assert not LedgerEntry.objects.filter(rule=LedgerEntry.Rule.PROFILE).exists()  # no intent yet
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.intent_record(customer=customer, by=rep, rooms=3)
    entry = LedgerEntry.objects.get(rule=LedgerEntry.Rule.PROFILE)
    assert (entry.member_id, entry.amount) == (member.pk, 100)
    # Saving again, another intent: still once.
    _complete(customer, rep, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.intent_record(customer=customer, by=rep, rooms=4)
    assert LedgerEntry.objects.filter(rule=LedgerEntry.Rule.PROFILE).count() == 1


def test_a_complete_profile_earns_on_joining(rep, django_capture_on_commit_callbacks):
    from members import services
    from tests.factories import CustomerFactory

    customer = CustomerFactory(
        owner=rep, email="a@example.com", birth_date=datetime.date(1990, 1, 1), district="Pudong"
    )
    customer_services.intent_record(customer=customer, by=rep, rooms=5)
    member = services.member_enrol(customer=customer, by=rep)
    assert member.entries.filter(rule=LedgerEntry.Rule.PROFILE, amount=100).count() == 1
