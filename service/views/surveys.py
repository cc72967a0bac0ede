"""The public survey page: one-time token link from the e-mail; answers once."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from service.models import SurveyInvite
from service.services import surveys as services


@login_not_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    invite = SurveyInvite.objects.select_related("survey").filter(token=token[:64]).first()
    if invite is None:
        raise Http404
    questions = list(invite.survey.questions.all())
    error = None
    if invite.answered_at is not None:
        return render(request, "service/survey_done.html", {"invite": invite, "already": True})
    if request.method == "POST":
        answers = {
            key: (request.POST.getlist(key) if len(request.POST.getlist(key)) > 1 else request.POST.get(key))
            for key in request.POST
            if key.startswith("q")
        }
        try:
            services.survey_answer(token=invite.token, answers=answers)
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            return render(request, "service/survey_done.html", {"invite": invite})
    context = {"invite": invite, "questions": questions, "error": error, "nps_range": range(11)}
    return render(request, "service/survey_form.html", context)
