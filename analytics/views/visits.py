"""The settings page of the visit-frequency rules (admins): contact every N days per segment and quadrant."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from analytics.forms import VisitRuleForm
from analytics.selectors import visits as selectors
from analytics.services import visits as services
from crm_site.forms import add_service_errors


@permission_required("crm_site.manage_settings", raise_exception=True)
def visit_rule_edit(request):
    form = VisitRuleForm(request.POST or None, days=selectors.rule_days())
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_rules_save(days=form.days(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Visit rules saved."))
            return redirect("analytics:visit-rules")
    return render(request, "analytics/visitrule_edit.html", {"form": form})
