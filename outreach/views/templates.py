"""Templates: the list, create (or customise a default that code relies on), edit, with a live preview."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from outreach import defaults, merge
from outreach.forms.templates import TemplateFilterForm, TemplateForm
from outreach.models import MessageTemplate
from outreach.selectors import templates as selectors
from outreach.services import template_save

PAGE_SIZE = 30


@permission_required("outreach.view_messagetemplate", raise_exception=True)
def template_list(request):
    form = TemplateFilterForm(request.GET or None)
    page = CappedPaginator(selectors.template_list(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "uncustomised": defaults.uncustomised()}
    template = "outreach/template_list.html#template-rows" if request.htmx else "outreach/template_list.html"
    return render(request, template, context)


def _template_form(request, template=None, initial=None):
    form = TemplateForm(request.POST or None, instance=template, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = template_save(by=request.user, template=template, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Template “%(name)s” saved.") % {"name": saved.name})
            return redirect("outreach:template-list")
    context = {"form": form, "template": template, "fields": merge.fields()}
    return render(request, "outreach/template_form.html", context)


@permission_required("outreach.add_messagetemplate", raise_exception=True)
def template_create(request):
    """A new template; `?default=<key>` starts from the default text of a template code relies on."""
    initial = None
    default = defaults.default(request.GET.get("default", "")[:60])
    if default is not None:
        initial = model_to_dict(default, fields=[field.name for field in MessageTemplate._meta.fields])
    return _template_form(request, initial=initial)


@permission_required("outreach.change_messagetemplate", raise_exception=True)
def template_edit(request, pk):
    return _template_form(request, get_object_or_404(MessageTemplate, pk=pk))
