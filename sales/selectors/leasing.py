"""Reads of leases and of the units that may be let."""

from django.db.models import QuerySet

from sales.models import Lease, Unit


def lease_list(*, user, state: str = "", project=None, search: str = "") -> QuerySet[Lease]:
    leases = Lease.objects.visible_to(user).select_related("unit__building", "tenant", "owner", "project")
    if state:
        leases = leases.filter(state=state)
    if project is not None:
        leases = leases.filter(project=project)
    if search:
        leases = leases.filter(tenant__name__icontains=search)
    return leases.order_by("-starts_on", "-id")


def lease_get(*, user, pk: int) -> Lease:
    return Lease.objects.visible_to(user).select_related("unit__building", "tenant", "owner", "project").get(pk=pk)


def leasable_units(*, project=None) -> QuerySet[Unit]:
    """Units offered for lease and free to let now."""
    units = Unit.objects.filter(for_lease=True, status=Unit.Status.AVAILABLE).select_related("building", "project")
    if project is not None:
        units = units.filter(project=project)
    return units.order_by("project__name", "building__name", "floor", "number")
