"""Pages of callbacks (回访): the queue and recording a call."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from service.forms.service import CallbackForm
from service.models import Callback
from service.selectors import callbacks as selectors
from service.services import callbacks as services


@permission_required("service.view_callback", raise_exception=True)
def callback_list(request):
    done = request.GET.get("done") == "1"
    page = CappedPaginator(selectors.callback_list(user=request.user, done=done), 30).get_page(request.GET.get("page"))
    context = {"page": page, "done": done, "today": timezone.localdate(), "query": request.GET.urlencode()}
    return render(request, "service/callback_list.html", context)


@permission_required("service.view_callback", raise_exception=True)
def callback_detail(request, pk):
    try:
        callback = selectors.callback_get(user=request.user, pk=pk)
    except Callback.DoesNotExist:
        raise Http404 from None
    form = None
    if callback.done_at is None and request.user.has_perm("service.change_callback"):
        form = CallbackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                callback = services.callback_record(callback=callback, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Callback recorded."))
                if callback.follow_up_id:
                    messages.warning(
                        request,
                        _("A low score: follow-up ticket #%(number)d opened.") % {"number": callback.follow_up_id},
                    )
                return redirect("service:callback-detail", pk=callback.pk)
    return render(request, "service/callback_detail.html", {"callback": callback, "form": form})
