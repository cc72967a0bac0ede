"""Writes of the daily sales report: the rep's comment on their day (the counts come from the records)."""

import datetime

from customers.models import DailyReport
from customers.services.visits import dailyreport_save


def dailyreport_comment(*, staff, day: datetime.date, comment: str, by) -> tuple[DailyReport, bool]:
    """Save the rep's comment on `day` in the one DailyReport per staff and day; returns it and whether it is new.

    The customers app owns the row and its rules (only the rep themselves, no future days): reuse them.
    """
    return dailyreport_save(staff=staff, day=day, comment=comment, by=by)
