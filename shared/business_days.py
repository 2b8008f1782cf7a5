"""Site business-day arithmetic, used by scheduling (follow-up slots) and aftercare (due dates).

A site lists its working weekdays and its holidays in the sites file; everything else is closed.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    open_weekdays: frozenset[str] = frozenset(WEEKDAYS[:5])
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_business_day(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.open_weekdays and day not in self.holidays

    def add_business_days(self, start: date, count: int) -> date:
        """The ``count``-th business day after ``start`` (``start`` itself never counts).

        ``count=0`` gives ``start`` when it is a business day, else the next one.
        """
        if not self.open_weekdays:
            raise ValueError("a calendar with no open weekday has no business days")
        day = start
        if count == 0:
            while not self.is_business_day(day):
                day += timedelta(days=1)
            return day
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day
