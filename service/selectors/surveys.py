"""Reads of surveys: CSAT (share of 4–5 on 1–5 questions) and NPS (% 9–10 minus % 0–6) per project, agent, period."""

from service.models import Question, SurveyAnswer
from service.selectors.dashboard import csat, nps


def results(*, start=None, end=None, project=None, agent=None) -> dict:
    rows = SurveyAnswer.objects.filter(question__kind__in=[Question.Kind.RATING, Question.Kind.NPS])
    if start is not None:
        rows = rows.filter(invite__answered_at__gte=start)
    if end is not None:
        rows = rows.filter(invite__answered_at__lt=end)
    if project is not None:
        rows = rows.filter(invite__project=project)
    if agent is not None:
        rows = rows.filter(invite__agent=agent)
    ratings, promoters = [], []
    for kind, number in rows.values_list("question__kind", "number")[:100000]:
        (ratings if kind == Question.Kind.RATING else promoters).append(number)
    return {"csat": csat(ratings), "nps": nps(promoters), "ratings": len(ratings), "nps_answers": len(promoters)}
