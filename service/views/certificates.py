"""Pages of property-certificate processing: the board of a project (by building and stage, overdue flagged,
bulk moves of a building, the developer's first registration, CSV/XLSX export) and a case page."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from crm_site.scope import reach
from crm_site.spreadsheets import csv_lines, write_xlsx
from sales.models import Building, Project
from service.forms.service import BuildingMoveForm, CaseAdvanceForm, CaseEditForm, CaseStageForm
from service.models import CertificateCase
from service.selectors import certificates as selectors
from service.services import certificates as services
from service.services.letters import letter_refusal, status_letter_send


def projects_for(user):
    covered = reach(user)
    rows = Project.objects.order_by("name")
    return rows if covered.everything else rows.filter(pk__in=sorted(covered.project_ids))


def _project(request):
    projects = list(projects_for(request.user)[:200])
    wanted = request.GET.get("project") or request.POST.get("project") or ""
    chosen = next((project for project in projects if str(project.pk) == wanted), None)
    if chosen is None and projects:
        chosen = projects[0]
    return projects, chosen


@permission_required("service.view_certificatecase", raise_exception=True)
def certificate_board(request):
    projects, project = _project(request)
    board = selectors.board(user=request.user, project=project) if project else None
    context = {
        "projects": projects,
        "project": project,
        "board": board,
        "move_form": BuildingMoveForm() if request.user.has_perm("service.change_certificatecase") else None,
    }
    return render(request, "service/certificate_board.html", context)


@permission_required("service.view_certificatecase", raise_exception=True)
def certificate_export(request):
    _projects, project = _project(request)
    if project is None:
        raise Http404
    rows = selectors.export_rows(user=request.user, project=project)
    name = f"certificates-{project.code}"
    if request.GET.get("format") == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(rows, buffer, sheet_name="Certificates")
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _building(request, project) -> Building:
    building_id = request.POST.get("building", "")
    building = (
        Building.objects.filter(pk=int(building_id), project=project).first()
        if building_id.isascii() and building_id.isdecimal() and len(building_id) < 12
        else None
    )
    if building is None:
        raise Http404
    return building


@require_POST
@permission_required("service.change_certificatecase", raise_exception=True)
def building_move(request):
    _projects, project = _project(request)
    if project is None:
        raise Http404
    building = _building(request, project)
    form = BuildingMoveForm(request.POST)
    if form.is_valid():
        moved = services.building_move(building=building, to=form.cleaned_data["to"], by=request.user)
        messages.success(
            request, _("%(count)d units of %(building)s moved.") % {"count": moved, "building": building.name}
        )
    else:
        messages.error(request, _("Choose a stage."))
    return redirect(f"{reverse('service:certificate-board')}?project={project.pk}")


@require_POST
@permission_required("service.change_certificatecase", raise_exception=True)
def building_first_registration(request):
    _projects, project = _project(request)
    if project is None:
        raise Http404
    building = _building(request, project)
    try:
        moved = services.building_first_registration(building=building, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("First registration of %(building)s recorded: %(count)d units moved on.")
            % {"building": building.name, "count": moved},
        )
    return redirect(f"{reverse('service:certificate-board')}?project={project.pk}")


@permission_required("service.view_certificatecase", raise_exception=True)
def certificate_detail(request, pk):
    try:
        case = selectors.case_get(user=request.user, pk=pk)
    except CertificateCase.DoesNotExist:
        raise Http404 from None
    may_change = request.user.has_perm("service.change_certificatecase")
    advance_form = CaseAdvanceForm(prefix="advance") if may_change and case.finished_on is None else None
    initial = {"deadline": case.deadline, "letter_consent": case.letter_consent, "language": case.language}
    edit_form = CaseEditForm(initial=initial, prefix="edit") if may_change else None
    if request.method == "POST" and may_change:
        if "advance-to" in request.POST and advance_form is not None:
            advance_form = CaseAdvanceForm(request.POST, prefix="advance")
            if advance_form.is_valid():
                data = advance_form.cleaned_data
                try:
                    services.case_advance(
                        case=case, by=request.user, to=data["to"], missing=data["missing"], note=data["note"]
                    )
                except ValidationError as error:
                    add_service_errors(advance_form, error)
                else:
                    return redirect(case)
        elif "case-edit" in request.POST:
            edit_form = CaseEditForm(request.POST, prefix="edit")
            if edit_form.is_valid():
                data = edit_form.cleaned_data
                services.case_update(
                    case=case,
                    deadline=data["deadline"],
                    responsible=case.responsible,
                    letter_consent=data["letter_consent"],
                    language=data["language"],
                )
                return redirect(case)
    stages = selectors.case_stages(case)
    if may_change:
        current_id = case.stage_id if case.finished_on is None else None
        for item in stages:
            row = item["row"]
            if row is None:
                continue
            current = row.stage_id == current_id
            bound = request.method == "POST" and request.POST.get("stage-edit") == str(row.pk)
            form = CaseStageForm(request.POST if bound else None, row=row, current=current)
            if bound and form.is_valid():
                data = form.cleaned_data
                try:
                    services.case_stage_update(
                        row=row,
                        by=request.user,
                        responsible=data["responsible"],
                        started_on=data["started_on"],
                        done_on=data.get("done_on"),
                        missing=form.missing(),
                        note=data["note"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Stage “%(stage)s” saved.") % {"stage": row.stage})
                    return redirect(case)
            item["form"] = form
            item["open"] = bound
    context = {
        "case": case,
        "stages": stages,
        "letter_refusal": letter_refusal(case),
        "advance_form": advance_form,
        "edit_form": edit_form,
    }
    return render(request, "service/certificate_detail.html", context)


@require_POST
@permission_required("service.change_certificatecase", raise_exception=True)
def certificate_letter_send(request, pk):
    """Staff e-mail the status letter to the buyer (only with the buyer's consent), then return where they were."""
    try:
        case = selectors.case_get(user=request.user, pk=pk)
    except CertificateCase.DoesNotExist:
        raise Http404 from None
    try:
        status_letter_send(case=case, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The status letter was e-mailed to %(email)s.") % {"email": case.customer.email})
    back = request.POST.get("back", "")
    return redirect(
        back if url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/") else case
    )
