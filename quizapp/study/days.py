"""The learner's days, as Anki counts them: local calendar days that start at a rollover hour.

Stored times stay UTC; this module says which day a moment belongs to and when a day
starts. A day starts at `rollover_hour` local time (Anki's "next day starts at", 4 am by
default), so a review at 1 am belongs to the day before, and a learner in California is
still on "today" at 4 pm. "Due today", the plan's days, the dashboard's days, the daily
new quota and the elapsed days FSRS is fed all come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

#: Anki's default "next day starts at".
DEFAULT_ROLLOVER_HOUR = 4


@dataclass(frozen=True)
class DaySpan:
    """[start, end) in UTC, where the learner's day is the UTC date of t + shift_minutes."""

    start: datetime
    end: datetime
    shift_minutes: int

    @property
    def modifier(self) -> str:
        """The SQLite date() modifier that shifts a UTC time onto the learner's day."""
        return f"{self.shift_minutes:+d} minutes"


@dataclass(frozen=True)
class Days:
    """Day boundaries: a rollover hour in a time zone.

    Attributes:
        rollover_hour: The local hour (0..23) at which a new day starts.
        zone: The learner's time zone; None means the system's local time (`TZ`), read
            at each call so that DST changes are followed.
    """

    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    zone: tzinfo | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.rollover_hour <= 23:
            raise ValueError(f"rollover_hour must be 0..23, got {self.rollover_hour}")

    def day_of(self, moment: datetime) -> date:
        """The learner's day that `moment` (timezone-aware) belongs to."""
        if moment.tzinfo is None:
            raise ValueError(f"moment must be timezone-aware, got naive {moment.isoformat()}")
        local = moment.astimezone(self.zone)
        return (local.replace(tzinfo=None) - timedelta(hours=self.rollover_hour)).date()

    def start_of(self, day: date) -> datetime:
        """When `day` starts (its rollover moment), in UTC."""
        wall = datetime.combine(day, time(self.rollover_hour))
        # A naive time's astimezone() reads it as system local time (mktime), DST included.
        local = wall.replace(tzinfo=self.zone) if self.zone is not None else wall.astimezone()
        return local.astimezone(UTC)

    def spans(self, first: date, last: date) -> list[DaySpan]:
        """The days `first`..`last` as UTC ranges of one UTC offset each.

        Within a span the learner's day of a stored UTC time is the UTC date of that time
        shifted by `shift_minutes`, which SQL can group by (`date(t, '+N minutes')`); a
        span ends where the offset changes (DST), found to the quarter hour.
        """
        end = self.start_of(last + timedelta(days=1))
        cuts: list[DaySpan] = []
        moment = self.start_of(first)
        while moment < end:
            offset = self._offset(moment)
            following = min(self.start_of(self.day_of(moment) + timedelta(days=1)), end)
            if self._offset(following) != offset:
                following = moment
                while self._offset(following) == offset:
                    following += timedelta(minutes=15)
            shift = int(offset.total_seconds() // 60) - 60 * self.rollover_hour
            if cuts and cuts[-1].shift_minutes == shift:
                cuts[-1] = DaySpan(cuts[-1].start, following, shift)
            else:
                cuts.append(DaySpan(moment, following, shift))
            moment = following
        return cuts

    def _offset(self, moment: datetime) -> timedelta:
        return moment.astimezone(self.zone).utcoffset() or timedelta(0)

    def elapsed(self, earlier: datetime, later: datetime) -> int:
        """Calendar days from `earlier` to `later` (0 on the same day), as Anki feeds FSRS."""
        return (self.day_of(later) - self.day_of(earlier)).days


#: The default: 4 am rollover in the system's local time.
LOCAL_DAYS = Days()
