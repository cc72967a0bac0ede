"""The value-matrix quadrants of the newest nightly scores, provided as customer segments (crm_site.segments):
`value.star`, `value.troublesome`, `value.chicken_rib`, `value.dog`. Readers (the member club's care plans) ask
by name and never import analytics."""

from functools import partial

from analytics.models import CustomerScore
from analytics.models.scores import latest_night
from crm_site import segments


def _in_quadrant(quadrant: str, customer_ids: list[int]) -> set[int]:
    night = latest_night()
    if night is None:
        return set()
    return set(
        CustomerScore.objects.filter(night=night, quadrant=quadrant, customer_id__in=customer_ids).values_list(
            "customer_id", flat=True
        )
    )


for _quadrant in CustomerScore.Quadrant.values:
    segments.provide(f"value.{_quadrant}", partial(_in_quadrant, _quadrant))
