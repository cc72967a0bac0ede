from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from crm_site import roles
from crm_site.outside import outside_allowed


@outside_allowed
@login_required
def account(request):
    """The user's own account (name, login, roles): the "My profile" of users outside the staff directory."""
    codes = request.user.groups.values_list("name", flat=True)
    return render(request, "crm_site/account.html", {"role_labels": [roles.role_label(code) for code in codes]})
