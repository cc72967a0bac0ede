"""Markup the customer pages repeat many times, written in one pass (like the funnel board's cards,
sales.templatetags): a row of the customer list, the entries of the 360 page's timeline.

One row of the customer list:

A list page draws 25 rows, and as template markup each row cost some thirty nodes (resolve, localise, escape,
translate): 5-6 ms of every list and search view, a quarter of the page. The row is a table row on wider screens
and a compact card on a phone (crm.css .table-cards), as the template had it. Rows are the customers of the
list view with `shown` / `unmasked` (crm_site.masking.reveal), `url` and `next_followup` set; nothing here
queries (the owner is selected with the page).
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from crm_site.templatetags.crm import person
from customers.models import Customer

register = template.Library()

ROW = (
    '<tr class="customer-card">'
    '<td class="card-wide"><input class="form-check-input" type="checkbox" name="ids" value="{pk}"'
    ' aria-label="{t_select} {name}"></td>'
    '<td class="card-title"><a class="fw-semibold" href="{url}">{name}</a>{key}'
    '<span class="badge text-bg-primary d-sm-none float-end" title="{t_level}: {level_label}">{level}</span></td>'
    '<td class="card-meta{masked}"><i class="bi bi-telephone d-sm-none"></i> {phone}</td>'
    '<td class="card-wide"><span class="badge text-bg-light border" title="{level_label}">{level}</span></td>'
    '<td class="card-wide">{status}</td>'
    '<td class="card-wide">{source}</td>'
    '<td class="card-wide">{owner}</td>'
    '<td class="card-meta" title="{t_contact}"><i class="bi bi-clock-history d-sm-none"></i> {contact}</td>'
    '<td class="d-sm-none card-actions">{next_step}<div class="d-flex gap-2 mt-1">{call}'
    '<a class="btn btn-sm btn-outline-secondary" href="{url}#log-contact"><i class="bi bi-journal-plus"></i> {t_log}</a>'
    "</div></td></tr>"
)
NEXT_STEP = '<div class="small{late}" data-testid="card-next-step"><i class="bi bi-arrow-right-circle"></i> {step} · {due}</div>'
CALL = (
    '<a class="btn btn-sm btn-outline-primary" href="tel:{phone}"><i class="bi bi-telephone-outbound"></i> {t_call}</a>'
)


def _words() -> dict:
    """The row's fixed words and the choices' labels in the active language (once per page)."""
    words = {
        "t_select": escape(gettext("Select")),
        "t_level": escape(gettext("Interest level")),
        "t_contact": escape(gettext("Last contact")),
        "t_call": escape(gettext("Call")),
        "t_log": escape(gettext("Log a contact")),
        "t_key": escape(gettext("Key account")),
        "pool": escape(gettext("pool")),
    }
    for name, choices in (("level", Customer.Level), ("status", Customer.Status), ("source", Customer.Source)):
        words[name] = {value: escape(label) for value, label in choices.choices}
    return words


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value:%Y-%m-%d}"


@register.simple_tag(takes_context=True)
def customer_row(context, customer) -> str:
    """The list's row (a card on a phone) of `customer`; the page's `today` marks a late next step."""
    cache = context.render_context
    key = ("customer_row.words", get_language())
    words = cache.get(key)
    if words is None:
        words = cache[key] = _words()
    url = escape(customer.url)
    name = escape(customer.name)
    phone_open = customer.unmasked.get("phone")
    phone = customer.shown.get("phone") or ""
    step = ""
    followup = getattr(customer, "next_followup", None)
    if followup:
        today = context.get("today")
        late = followup.next_due is not None and today is not None and followup.next_due < today
        step = NEXT_STEP.format(
            late=" text-danger" if late else "", step=escape(followup.next_step), due=_day(followup.next_due)
        )
    owner = (
        escape(person(customer.owner))
        if customer.owner_id
        else f'<span class="badge text-bg-info">{words["pool"]}</span>'
    )
    level = escape(customer.level)
    return mark_safe(  # noqa: S308 -- every value from the database or a translation is escaped above
        ROW.format(
            pk=customer.pk,
            url=url,
            name=name,
            key=f' <i class="bi bi-star-fill text-warning" title="{words["t_key"]}"></i>'
            if customer.key_account
            else "",
            level=level,
            level_label=words["level"].get(customer.level, level),
            masked="" if phone_open else " masked",
            phone=escape(phone) if phone else "—",
            status=words["status"].get(customer.status, escape(customer.status)),
            source=words["source"].get(customer.source, escape(customer.source)),
            owner=owner,
            contact=_day(customer.last_contact_at) or "—",
            next_step=step,
            call=CALL.format(phone=escape(phone), t_call=words["t_call"]) if phone_open and phone else "",
            t_select=words["t_select"],
            t_level=words["t_level"],
            t_contact=words["t_contact"],
            t_log=words["t_log"],
        )
    )


EVENT = (
    '<li class="list-group-item"><div class="d-flex justify-content-between"><strong>{title}</strong>'
    '<span class="text-muted text-nowrap ms-2">{when}</span></div>{detail}{actor}</li>'
)


@register.simple_tag
def timeline_events(events) -> str:
    """The 360 page's timeline entries (customers.selectors.TimelineEvent), written in one pass: thirty entries
    (two hundred behind "Show more") as template markup were some ten nodes each."""
    parts = []
    for event in events:
        title = escape(event.title)
        if event.url:
            title = f'<a href="{escape(event.url)}">{title}</a>'
        when = timezone.localtime(event.when) if timezone.is_aware(event.when) else event.when
        parts.append(
            EVENT.format(
                title=title,
                when=f"{when:%Y-%m-%d %H:%M}",
                detail=f'<div class="text-prewrap">{escape(event.detail)}</div>' if event.detail else "",
                actor=f'<div class="text-muted">{escape(person(event.actor))}</div>' if event.actor else "",
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 -- every value from the database or a translation is escaped above
