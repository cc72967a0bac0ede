"""Surveys: a segment invited once by an e-mailed one-time link, answered once, CSAT and NPS from the answers,
a low answer opening a follow-up ticket, the answer on the customer's timeline."""

from customers.selectors import timeline
from outreach.models import Message
from service.models import Question, Survey, SurveyInvite, Ticket
from service.selectors.surveys import results
from service.services import surveys as services


def make_survey(project):
    survey = Survey.objects.create(title_en="How did we do?", title_zh="服务满意度", project=project)
    rating = Question.objects.create(survey=survey, order=1, kind="rating", text_en="Your satisfaction")
    score = Question.objects.create(survey=survey, order=2, kind="nps", text_en="Would you recommend us?")
    choice = Question.objects.create(survey=survey, order=3, kind="single", text_en="Best part", choices="Staff,Speed")
    return survey, rating, score, choice


def test_buyers_are_invited_once_by_email(contract, project_a):
    survey, *_questions = make_survey(project_a)
    assert services.survey_send(survey=survey) == 1
    assert services.survey_send(survey=survey) == 0
    invite = SurveyInvite.objects.get(survey=survey)
    message = Message.objects.get(customer=contract.customer)
    assert invite.token in message.body


def test_the_link_answers_once_and_scores_count(client, contract, project_a):
    survey, rating, score, choice = make_survey(project_a)
    services.survey_send(survey=survey)
    invite = SurveyInvite.objects.get(survey=survey)
    url = f"/my-home/survey/{invite.token}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {f"q{rating.pk}": "5", f"q{score.pk}": "10", f"q{choice.pk}": "Staff"})
    assert response.status_code == 200 and 'data-testid="survey-done"' in response.text
    again = client.post(url, {f"q{rating.pk}": "1"})
    assert "answered already" in again.text
    assert results(project=project_a) == {"csat": 100.0, "nps": 100.0, "ratings": 1, "nps_answers": 1}
    assert any("Survey answered" in event.title for event in timeline(customer=contract.customer))


def test_a_low_answer_opens_a_follow_up(contract, project_a):
    survey, rating, score, _choice = make_survey(project_a)
    services.survey_send(survey=survey)
    invite = SurveyInvite.objects.get(survey=survey)
    services.survey_answer(token=invite.token, answers={f"q{rating.pk}": "2", f"q{score.pk}": "3"})
    follow_up = Ticket.objects.get(customer=contract.customer)
    assert follow_up.kind == Ticket.Kind.COMPLAINT and "survey" in follow_up.subject
    assert results(project=project_a)["nps"] == -100.0


def test_an_unknown_token_is_404(client, db):
    assert client.get("/my-home/survey/nope/").status_code == 404
