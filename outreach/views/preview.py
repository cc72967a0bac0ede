"""The preview every outreach page shares: a text rendered in both languages for a real customer (found by search,
within the viewer's scope) or with example values, with a warning for each unknown or empty merge field."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from customers import selectors as customer_selectors
from customers.models import Customer
from outreach import merge
from outreach.models import MessageTemplate, Send

PREVIEW_PERMISSIONS = (
    "outreach.view_messagetemplate",
    "outreach.view_send",
    "outreach.add_announcement",
    "outreach.send_message",
)
SEARCH_RESULTS = 8


def may_preview(user) -> bool:
    return any(user.has_perm(permission) for permission in PREVIEW_PERMISSIONS)


def int_or_none(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 19 else None


def visible_customer(user, pk) -> Customer | None:
    if pk is None:
        return None
    return Customer.objects.visible_to(user).select_related("owner", "project").filter(pk=pk).first()


def rendered_both(template: MessageTemplate, customer: Customer | None) -> list[dict]:
    """The template in each language, for `customer` (merge values) or with example values."""
    shown = []
    for language, label in (("zh-hans", "中文"), ("en", "English")):
        values = merge.contexts([customer], language)[customer.pk] if customer else merge.examples()
        shown.append(
            {"language": language, "label": label, "rendered": merge.Renderer(template, language).render(values)}
        )
    return shown


def source_template(request) -> MessageTemplate | None:
    """What to preview: a saved template (`template`), a send's text (`send`), or texts posted from a form."""
    data = request.POST
    template_id = int_or_none(data.get("template"))
    if template_id is not None:
        return MessageTemplate.objects.filter(pk=template_id).first()
    send_id = int_or_none(data.get("send"))
    if send_id is not None:
        send = Send.objects.select_related("template").filter(pk=send_id).first()
        return send.content() if send else None
    fields = {name: data.get(name, "")[:10_000] for name in ("subject_en", "subject_zh", "body_en", "body_zh")}
    return MessageTemplate(**fields)


@login_required
@require_POST
def preview(request):
    """Render posted texts (or a saved template or send) for the chosen customer: a POST that writes nothing."""
    if not may_preview(request.user):
        raise PermissionDenied
    template = source_template(request)
    customer = visible_customer(request.user, int_or_none(request.POST.get("customer")))
    errors = []
    if template is not None:
        for name in ("subject_en", "subject_zh", "body_en", "body_zh"):
            if error := merge.check(getattr(template, name) or ""):
                errors.append(error)
    empty = template is None or not any(
        getattr(template, name) for name in ("subject_en", "subject_zh", "body_en", "body_zh")
    )
    context = {
        "customer": customer,
        "errors": errors,
        "empty": empty,
        "versions": rendered_both(template, customer) if not empty and not errors else [],
    }
    return render(request, "outreach/_preview.html", context)


@login_required
@require_GET
def preview_customers(request):
    """Customers in the viewer's scope matching a search, to preview a message with (htmx)."""
    if not may_preview(request.user):
        raise PermissionDenied
    search = request.GET.get("q", "").strip()[:60]
    customers = []
    if search:
        customers = list(customer_selectors.customer_list(user=request.user, search=search)[:SEARCH_RESULTS])
    return render(request, "outreach/_preview_customers.html", {"customers": customers, "q": search})
