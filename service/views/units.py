"""The service page of a unit: its tickets, warranty per component, renovations (and recording one)."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from crm_site.forms import add_service_errors
from sales.models import Unit
from service.forms.tickets import RenovationForm
from service.models import Ticket
from service.selectors import units as selectors
from service.services import units as services


def get_unit(request, pk) -> Unit:
    """A unit of a project the user serves (or any, for global scopes): judged through its tickets' project."""
    from crm_site.scope import reach

    unit = Unit.objects.select_related("building", "project").filter(pk=pk).first()
    if unit is None:
        raise Http404
    covered = reach(request.user)
    if not covered.everything and unit.project_id not in covered.project_ids:
        if not Ticket.objects.visible_to(request.user).filter(unit=unit).exists():
            raise Http404
    return unit


@permission_required("service.view_ticket", raise_exception=True)
def unit_service(request, pk):
    unit = get_unit(request, pk)
    form = None
    if request.user.has_perm("service.add_renovation"):
        form = RenovationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.renovation_record(unit=unit, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("service:unit-service", pk=unit.pk)
    context = {
        "unit": unit,
        "warranty": selectors.warranty_table(unit),
        "handover": selectors.handover_date(unit),
        "renovations": selectors.renovations(unit),
        "tickets": list(Ticket.objects.visible_to(request.user).filter(unit=unit).order_by("-created_at")[:30]),
        "form": form,
    }
    return render(request, "service/unit_service.html", context)
