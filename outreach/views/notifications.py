"""A staff member's notifications: the bell's count, the list, marking them read, opening one, e-mail copies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm_site.pagination import CappedPaginator
from outreach.models import Channel, Message
from outreach.selectors import notifications as selectors
from outreach.services import notifications as services

PAGE_SIZE = 30


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = CappedPaginator(selectors.notification_list(user=request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.in_language(page.object_list, get_language())
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread": selectors.unread_count(user=request.user),
        "wants_email": services.wants_email(request.user),
    }
    return render(request, "outreach/notification_list.html", context)


@login_required
@require_GET
def notification_badge(request):
    """The bell's count of unread notifications (loaded by htmx after the page)."""
    return render(request, "outreach/_notification_badge.html", {"count": selectors.unread_count(user=request.user)})


def _own(request, pk) -> Message:
    return get_object_or_404(Message, pk=pk, user=request.user, channel=Channel.IN_APP)


@login_required
@require_POST
def notification_read(request, pk):
    message = services.notification_read(message=_own(request, pk), user=request.user)
    if request.htmx:
        selectors.in_language([message], get_language())
        return render(request, "outreach/notification_list.html#notification", {"message": message})
    return redirect("outreach:notification-list")


@login_required
@require_POST
def notification_open(request, pk):
    """Mark it read and go to the page it is about (only a page of this site)."""
    message = services.notification_read(message=_own(request, pk), user=request.user)
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts={request.get_host()}):
        return redirect(message.link)
    return redirect("outreach:notification-list")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_read_all(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("outreach:notification-list")


@login_required
@require_POST
def notification_setting(request):
    services.notification_setting_save(user=request.user, email=request.POST.get("email") == "on")
    messages.success(request, _("Saved."))
    return redirect("outreach:notification-list")
