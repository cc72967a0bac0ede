"""The referral list (老带新): by status and project, with the reward decision of each."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from crm_site.pagination import CappedPaginator
from members import selectors
from members.forms import ReferralFilterForm

PAGE_SIZE = 25


@permission_required("members.view_referral", raise_exception=True)
def referral_list(request):
    form = ReferralFilterForm(request.GET or None)
    page = CappedPaginator(selectors.referral_list(user=request.user, **form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "members/referral_list.html#referral-rows" if request.htmx else "members/referral_list.html"
    return render(request, template, {"form": form, "page": page})
