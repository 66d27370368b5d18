"""One date style for everything the application shows: days as "13 Jan 2009", moments as
"13 Jan 2009 21:15" in the user's local time (the workspace stores moments in UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["format_day", "format_moment"]


def format_day(day: date) -> str:
    """A day as "13 Jan 2009" (no leading zero: "2 Dec 2008")."""
    return f"{day.day} {day:%b %Y}"


def format_moment(moment: datetime | str, *, zone: object = None) -> str:
    """A moment as "13 Jan 2009 21:15" in local time (or in ``zone``, a tzinfo, for tests).

    Accepts the ISO text the workspace stores ("2009-01-13T21:15:00+00:00", "…Z", or naive,
    which is taken as UTC). Text that is not a moment is returned as it is.
    """
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone) if zone is not None else moment.astimezone()  # type: ignore[arg-type]
    return f"{local.day} {local:%b %Y %H:%M}"
