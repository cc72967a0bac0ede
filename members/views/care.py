"""Care plans for key accounts and star customers: the list (reviews due first) and the plan of one customer."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from customers.models import Customer
from members import selectors, services
from members.forms import CarePlanForm
from members.models import CarePlan

PAGE_SIZE = 25


@permission_required("members.view_careplan", raise_exception=True)
def care_plan_list(request):
    due_only = request.GET.get("due") == "1"
    plans = selectors.care_plan_list(user=request.user, due_only=due_only)
    context = {
        "page": CappedPaginator(plans, PAGE_SIZE).get_page(request.GET.get("page")),
        "due_only": due_only,
        "today": timezone.localdate(),
        "without_plan": selectors.key_accounts_without_plan(user=request.user),
    }
    return render(request, "members/care_plan_list.html", context)


@permission_required("members.change_careplan", raise_exception=True)
def care_plan_edit(request, customer_pk):
    customer = get_object_or_404(Customer.objects.visible_to(request.user).select_related("owner"), pk=customer_pk)
    plan = CarePlan.objects.filter(customer=customer).first()
    initial = {"review_on": plan.review_on, "notes": plan.notes} if plan else None
    form = CarePlanForm(request.POST or None, initial=initial)
    eligible = services.care_plan_eligibility(customer) or (plan.reason if plan else "")
    if request.method == "POST" and form.is_valid():
        try:
            services.care_plan_save(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Care plan saved."))
            return redirect("members:care-plan-list")
    context = {"customer": customer, "plan": plan, "form": form, "eligible": eligible}
    return render(request, "members/care_plan_form.html", context)
