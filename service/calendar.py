"""Business-time arithmetic on the working calendar: pure functions, no database (service.selectors.sla loads it).

A `Calendar` holds the weekly working intervals (several a day) and the dates that override the week: a public
holiday is not worked, a make-up day (调休) is worked with Monday's intervals. Times are aware datetimes; the
calendar's wall clock is the configured time zone (stored UTC, counted in local working hours).
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings

Interval = tuple[datetime.time, datetime.time]
DEFAULT_WEEK: dict[int, list[Interval]] = {
    day: [(datetime.time(9), datetime.time(12)), (datetime.time(13, 30), datetime.time(18))] for day in range(5)
}
MAX_DAYS = 3660  # never search further than ten years for working time


@dataclass
class Calendar:
    week: dict[int, list[Interval]] = field(default_factory=lambda: dict(DEFAULT_WEEK))
    overrides: dict[datetime.date, bool] = field(default_factory=dict)
    tz: datetime.tzinfo = field(default_factory=lambda: zoneinfo.ZoneInfo(settings.TIME_ZONE))

    def intervals_on(self, day: datetime.date) -> list[Interval]:
        """The working intervals of a date (local wall clock)."""
        worked = self.overrides.get(day)
        if worked is False:
            return []
        if worked is True:
            return self.week.get(day.weekday()) or self.week.get(0) or []
        return self.week.get(day.weekday(), [])

    def _spans(self, day: datetime.date):
        for starts, ends in self.intervals_on(day):
            yield (
                datetime.datetime.combine(day, starts, self.tz),
                datetime.datetime.combine(day, ends, self.tz),
            )

    def has_working_time(self) -> bool:
        return any(self.week.values()) or any(self.overrides.values())

    def seconds_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Working seconds in [start, end); 0 when end is not after start."""
        if end <= start:
            return 0
        total = datetime.timedelta(0)
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for span_start, span_end in self._spans(day):
                lo, hi = max(span_start, start), min(span_end, end)
                if hi > lo:
                    total += hi - lo
            day += datetime.timedelta(days=1)
        return total // datetime.timedelta(seconds=1)

    def add(self, start: datetime.datetime, seconds: int) -> datetime.datetime:
        """The moment `seconds` of working time after `start` (start itself when seconds is 0 or less)."""
        if seconds <= 0:
            return start
        if not self.has_working_time():
            return start + datetime.timedelta(seconds=seconds)
        left = datetime.timedelta(seconds=seconds)
        day = start.astimezone(self.tz).date()
        for _step in range(MAX_DAYS):
            for span_start, span_end in self._spans(day):
                lo = max(span_start, start)
                if span_end <= lo:
                    continue
                available = span_end - lo
                if left <= available:
                    return (lo + left).astimezone(datetime.UTC)
                left -= available
            day += datetime.timedelta(days=1)
        return start + datetime.timedelta(seconds=seconds)

    def explain(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The working spans between start and end ("why this deadline?"), at most 60 of them."""
        spans = []
        if end <= start:
            return spans
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last and len(spans) < 60:
            for span_start, span_end in self._spans(day):
                lo, hi = max(span_start, start), min(span_end, end)
                if hi > lo:
                    spans.append((lo, hi))
            day += datetime.timedelta(days=1)
        return spans
