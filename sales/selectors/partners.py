"""Reads of channel partners, their registrations and commissions.

Who sees what: a partner's own users see only their partner's rows; staff with the view permission see every
partner's rows, limited to their projects when their data scope is "projects". Partners own no customers, so
the usual owner scope does not apply to these rows.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from crm_site.scope import reach
from sales.models import Commission, CommissionRule, Partner, PartnerRegistration

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def partner_of(user) -> Partner | None:
    """The one active partner `user` logs in for; None for staff, or a user linked to several partners."""
    if not user.is_authenticated:
        return None
    partners = list(Partner.objects.filter(users=user, active=True)[:2])
    return partners[0] if len(partners) == 1 else None


def _staff_filter(user, project_field: str) -> Q | None:
    """Rows a staff member may read, or None when they may read none."""
    covered = reach(user)
    if covered.everything:
        return Q()
    if covered.project_ids:
        return Q(**{f"{project_field}__in": sorted(covered.project_ids)})
    if not covered.user_ids:
        return None
    return Q()


def registration_list(
    *, user, partner: Partner | None = None, project=None, status: str = "", search: str = ""
) -> QuerySet[PartnerRegistration]:
    """Registrations `user` may see (a partner user: their own partner's only), newest first, filtered."""
    rows = PartnerRegistration.objects.select_related("partner", "project", "by", "customer")
    if user.has_perm("sales.view_partnerregistration"):
        allowed = _staff_filter(user, "project")
        rows = rows.filter(allowed) if allowed is not None else rows.none()
        if partner is not None:
            rows = rows.filter(partner=partner)
    else:
        own = partner_of(user)
        if own is None or not user.has_perm("sales.register_customer"):
            return rows.none()
        rows = rows.filter(partner=own)
    if project is not None:
        rows = rows.filter(project=project)
    if status:
        rows = rows.filter(status=status)
    if search:
        search = search.strip()
        rows = rows.filter(Q(customer_name__icontains=search) | Q(phone__contains=search))
    return rows.order_by("-registered_at", "-id")


def commission_list(*, user, partner: Partner | None = None, status: str = "") -> QuerySet[Commission]:
    """Commissions `user` may see (a partner user: their own partner's only), newest first."""
    rows = Commission.objects.select_related("partner", "registration", "deal__unit", "deal__project")
    if user.has_perm("sales.view_commission"):
        allowed = _staff_filter(user, "deal__project")
        rows = rows.filter(allowed) if allowed is not None else rows.none()
        if partner is not None:
            rows = rows.filter(partner=partner)
    else:
        own = partner_of(user)
        if own is None or not user.has_perm("sales.register_customer"):
            return rows.none()
        rows = rows.filter(partner=own)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def commission_totals(commissions: QuerySet[Commission]) -> dict:
    """Sum of amounts per status over `commissions` (one query)."""
    rows = commissions.order_by().values("status").annotate(total=Sum("amount"), count=Count("id"))
    totals = {status: {"total": Decimal("0.00"), "count": 0} for status in Commission.Status.values}
    for row in rows:
        totals[row["status"]] = {"total": row["total"], "count": row["count"]}
    return totals


def _count(model, field, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(**{field: OuterRef("pk")}, **filters)
            .order_by()
            .values(field)
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _sum(model, field, amount, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(**{field: OuterRef("pk")}, **filters)
            .order_by()
            .values(field)
            .annotate(total=Sum(amount))
            .values("total")[:1],
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        ZERO,
    )


def partner_list(*, search: str = "", active: bool | None = None) -> QuerySet[Partner]:
    """Partners with their registration, deal and commission figures (one query for the whole list)."""
    partners = Partner.objects.annotate(
        registrations_total=_count(PartnerRegistration, "partner"),
        registrations_live=_count(PartnerRegistration, "partner", status=PartnerRegistration.Status.PROTECTED),
        deals_total=_count(Commission, "partner"),
        commission_total=_sum(Commission, "partner", "amount", status__in=["pending", "approved", "paid"]),
        commission_paid=_sum(Commission, "partner", "amount", status="paid"),
    )
    if search:
        partners = partners.filter(Q(name__icontains=search) | Q(contact_name__icontains=search))
    if active is not None:
        partners = partners.filter(active=active)
    return partners.order_by("name")


def commission_rule_list() -> QuerySet[CommissionRule]:
    """Every rule, most specific first."""
    return CommissionRule.objects.select_related("partner", "project").order_by(
        "-active", "partner__name", "project__name", "pk"
    )
