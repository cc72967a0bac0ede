"""One card of the funnel board, written in one pass.

A team's board shows 120 cards; as template markup each card costs some thirty nodes (resolve, localise, escape,
translate), more than the queries of the whole page. The board and the htmx move response both render cards
with this tag, so the card has one source. Cards are the opportunities of sales.selectors.funnel.board, with
`days_in_stage` and `board_moves` (with_days) and their URLs (views.funnel.with_links); nothing here queries.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from crm_site.templatetags.crm import person

register = template.Library()

CARD = (
    '<div class="card card-body p-2 mb-2 shadow-sm funnel-card" id="opp-{pk}" data-testid="card">'
    '<div class="d-flex justify-content-between gap-1">'
    '<a class="fw-semibold text-truncate" href="{url}">{customer}</a>'
    '<span class="badge text-bg-light border" title="{days_title}">{days}</span></div>'
    '<div class="small text-muted text-truncate">{place}</div>{details}</div>'
)
MOVE = (
    '<button type="button" class="btn btn-outline-secondary btn-sm py-0 px-1" hx-post="{url}"'
    ' hx-vals=\'{{"stage": "{stage}", "who": "{who}"}}\' hx-target="#opp-{pk}" hx-swap="outerHTML">→ {label}</button>'
)
LOSE = '<a class="btn btn-outline-danger btn-sm py-0 px-1" href="{url}">{label}</a>'


@register.simple_tag(takes_context=True)
def funnel_card(context, card) -> str:
    """The card of `card`; the page's `who`, `can_move` and (on a failed move) `error` shape it."""
    who = escape(context.get("who", "mine"))
    place = escape(card.project.name)
    if card.unit_id:
        place += f" · {escape(str(card.unit))}"
    details = []
    if card.expected_amount is not None:
        details.append(f'<div class="small">¥{floatformat(card.expected_amount, "0g")}</div>')
    if who != "mine":
        details.append(f'<div class="small text-muted">{escape(person(card.owner))}</div>')
    if context.get("error"):
        details.append(f'<div class="small text-danger" role="alert">{escape(context["error"])}</div>')
    if context.get("can_move") and card.is_open:
        pk = card.pk
        moves = "".join(
            MOVE.format(url=escape(card.move_url), stage=escape(stage.value), who=who, pk=pk, label=escape(stage.label))
            for stage in card.board_moves
        )
        lose = LOSE.format(url=escape(card.lose_url), label=escape(gettext("Lost")))
        details.append(f'<div class="d-flex flex-wrap gap-1 mt-1">{moves}{lose}</div>')
    days = card.days_in_stage
    return mark_safe(  # noqa: S308 - every value from the database or a translation is escaped above
        CARD.format(
            pk=card.pk,
            url=escape(card.url),
            customer=escape(card.customer.name),
            days_title=escape(gettext("Days in this stage")),
            days=escape(ngettext("%(days)s day", "%(days)s days", days) % {"days": days}),
            place=place,
            details="".join(details),
        )
    )
