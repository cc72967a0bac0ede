from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from crm_site import selectors
from crm_site.forms import StaffFilterForm
from crm_site.models import StaffProfile, Team


@permission_required("crm_site.view_staffprofile", raise_exception=True)
def staff_list(request):
    form = StaffFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = selectors.staff_list(
        user=request.user,
        search=filters.get("q", ""),
        team_id=filters["team"].pk if filters.get("team") else None,
        role=filters.get("role", ""),
        active=filters.get("active", ""),
    )
    page = Paginator(profiles, 25).get_page(request.GET.get("page"))
    template = "crm_site/staff_list.html#staff-rows" if request.htmx else "crm_site/staff_list.html"
    return render(request, template, {"form": form, "page": page})


@permission_required("crm_site.view_staffprofile", raise_exception=True)
def staff_detail(request, user_id):
    try:
        profile = selectors.staff_get(user=request.user, user_id=user_id)
    except StaffProfile.DoesNotExist:
        raise Http404 from None
    return render(request, "crm_site/staff_detail.html", {"profile": profile})


@permission_required("crm_site.view_team", raise_exception=True)
def team_list(request):
    return render(request, "crm_site/team_list.html", {"tree": selectors.team_tree(user=request.user)})


@permission_required("crm_site.view_team", raise_exception=True)
def team_detail(request, pk):
    team = get_object_or_404(Team.objects.visible_to(request.user).select_related("manager", "parent"), pk=pk)
    members = selectors.staff_list(user=request.user, team_id=team.pk)
    return render(request, "crm_site/team_detail.html", {"team": team, "members": members})
