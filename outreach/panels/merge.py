"""The merge fields every template may use: the customer and their consultant (customers), and their unit, contract
and next payment (sales). Members adds the tier, service the ticket, the same way (outreach.merge.register)."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_site import formatting
from crm_site.scope import staff_profile
from outreach import merge
from sales.models import Deal, Installment


def customer_fields(customers, language) -> dict:
    values = {}
    for customer in customers:
        owner = customer.owner
        profile = staff_profile(owner) if owner else None
        values[customer.pk] = {
            "customer_name": customer.name,
            "consultant_name": (owner.get_full_name() or owner.get_username()) if owner else "",
            "consultant_phone": profile.phone if profile else "",
            "project": customer.project.name if customer.project_id else "",
            "today": timezone.localdate(),
        }
    return values


def sales_fields(customers, language) -> dict:
    """The newest live or delivered deal of each customer (its project, building, unit, contract) and the earliest
    unpaid installment (due date and amount): two queries for the whole batch."""
    ids = [customer.pk for customer in customers]
    values = {}
    deals = (
        Deal.objects.filter(customer_id__in=ids)
        .exclude(state=Deal.State.CANCELLED)
        .select_related("unit__building", "project")
        .order_by("customer_id", "-reserved_at", "-id")
    )
    for deal in deals:
        if deal.customer_id in values:
            continue
        values[deal.customer_id] = {
            "project": deal.project.name,
            "building": deal.unit.building.name,
            "unit": deal.unit.number,
            "contract_no": deal.contract_no,
        }
    due = (
        Installment.objects.filter(deal__customer_id__in=ids, received__lt=F("amount"))
        .exclude(deal__state=Deal.State.CANCELLED)
        .values("deal__customer_id", "due_on", "amount", "received")
        .order_by("deal__customer_id", "due_on", "id")
    )
    seen = set()
    for row in due:
        customer_id = row["deal__customer_id"]
        if customer_id in seen:
            continue
        seen.add(customer_id)
        values.setdefault(customer_id, {}).update(
            {"due_date": row["due_on"], "amount_due": formatting.money(row["amount"] - row["received"])}
        )
    return values


merge.register(
    {
        "customer_name": _("Customer's name"),
        "consultant_name": _("Their sales consultant"),
        "consultant_phone": _("The consultant's work phone"),
        "today": _("Today's date"),
    },
    customer_fields,
    examples={"customer_name": "刘伟", "consultant_name": "Liu Yang 刘洋", "consultant_phone": "021-6288 0000"},
)
merge.register(
    {
        "project": _("Project (of their contract, else of their file)"),
        "building": _("Building"),
        "unit": _("Unit number"),
        "contract_no": _("Contract number"),
        "due_date": _("Next payment due"),
        "amount_due": _("Amount of the next payment"),
    },
    sales_fields,
    examples={
        "project": "翠湖天地 Emerald Lake",
        "building": "T1",
        "unit": "1201",
        "contract_no": "HT-2026-0815",
        "amount_due": "¥120,000.00",
    },
)
