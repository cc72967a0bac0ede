"""Project announcements: list, write (both languages), review (who it reaches, the text), send, and who was not
reached (no e-mail, failed) so staff can call them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site import masking
from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from outreach import audiences
from outreach.forms.announcements import AnnouncementForm
from outreach.models import Announcement, Send
from outreach.selectors import sends as selectors
from outreach.services import announcements as services
from outreach.services import sends as send_services
from outreach.views.preview import int_or_none, rendered_both
from sales.models import Project

PAGE_SIZE = 25
UNREACHED_PAGE = 50


@permission_required("outreach.view_announcement", raise_exception=True)
def announcement_list(request):
    project = None
    project_id = int_or_none(request.GET.get("project"))
    if project_id is not None:
        project = get_object_or_404(Project, pk=project_id)
    rows = selectors.announcement_list(project=project, search=request.GET.get("q", "")[:60])
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outreach/announcement_list.html", {"page": page, "project": project})


@permission_required("outreach.add_announcement", raise_exception=True)
def announcement_create(request):
    initial = {}
    project_id = int_or_none(request.GET.get("project"))
    if project_id is not None:
        initial["project"] = Project.objects.filter(pk=project_id).first()
    form = AnnouncementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = services.announcement_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. Check who it reaches and how it reads, then send it."))
            return redirect(announcement)
    return render(request, "outreach/announcement_form.html", {"form": form})


def _announcement(pk) -> Announcement:
    return get_object_or_404(Announcement.objects.select_related("send__created_by", "project", "building"), pk=pk)


@permission_required("outreach.view_announcement", raise_exception=True)
def announcement_detail(request, pk):
    announcement = _announcement(pk)
    send = announcement.send
    context = {"announcement": announcement, "send": send}
    if send.status == Send.Status.DRAFT:
        try:
            customers, _label = audiences.resolve(send.audience, send.created_by, send.audience_params)
        except ValidationError as error:
            context["audience_error"] = " ".join(error.messages)
        else:
            context["count"] = send_services.audience_count(customers, kind=send.kind, channel=send.channel)
            sample = customers.order_by("pk").first()
            context["versions"] = rendered_both(send.content(), sample)
            context["sample"] = sample
    else:
        page = CappedPaginator(
            selectors.announcement_unreached(user=request.user, announcement=announcement), UNREACHED_PAGE
        ).get_page(request.GET.get("page"))
        customers = [message.customer for message in page.object_list if message.customer_id]
        masking.reveal(request.user, customers, ("phone",), request=request)
        context.update({"report": send_services.send_report(send), "page": page})
    return render(request, "outreach/announcement_detail.html", context)


@require_POST
@permission_required("outreach.add_announcement", raise_exception=True)
def announcement_send(request, pk):
    announcement = _announcement(pk)
    try:
        services.announcement_send(announcement=announcement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The announcement is on its way to every buyer it concerns."))
    return redirect(announcement)
