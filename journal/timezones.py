"""Time zones: the server's own, an account's choice, and conversion for display."""

import os
from datetime import MINYEAR, UTC, date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app

# The first and last moments a date can name, for day bounds at the ends of the calendar.
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


@cache
def server_timezone_name() -> str:
    """The IANA name of the server's zone (``TZ``, ``/etc/timezone`` or the
    ``/etc/localtime`` link), ``UTC`` when none can be found."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    timezone_file = Path("/etc/timezone")
    if timezone_file.exists():
        candidates.append(timezone_file.read_text().strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and is_valid_timezone(name):
            return name
    return "UTC"


@cache
def all_timezone_names() -> tuple[str, ...]:
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


@cache
def _known_timezone_names() -> frozenset[str]:
    return frozenset(all_timezone_names())


def known_timezone(name: str | None) -> str | None:
    """``name`` when it is one of :func:`all_timezone_names` (the zones a person can
    choose in settings), else ``None``: for a zone a browser reports, which may be
    missing, empty or anything at all."""
    if isinstance(name, str) and name in _known_timezone_names():
        return name
    return None


def is_valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def default_timezone_name() -> str:
    configured = current_app.config.get("DEFAULT_TIMEZONE")
    if configured and is_valid_timezone(configured):
        return configured
    return server_timezone_name()


class HasTimezone(Protocol):
    """An account, or an export's snapshot of one: the zone it chose, if any."""

    timezone: str | None


@lru_cache(maxsize=1024)
def _zone_named(name: str) -> ZoneInfo | None:
    """The zone called ``name``, ``None`` when there is none (looked up once a name)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_for(user: HasTimezone | None) -> tzinfo:
    """The zone an account sees its times in; the default zone for nobody (or a visitor
    who is not signed in)."""
    name = getattr(user, "timezone", None)
    zone = _zone_named(name) if name else None
    return zone or _zone_named(default_timezone_name()) or UTC_ZONE


def zone_label(user: HasTimezone | None, moment: datetime | None = None) -> str:
    """The zone an account sees its times in, for people: ``Europe/Berlin (UTC+01:00)``
    at ``moment`` (now by default); plain ``UTC`` for UTC."""
    zone = zone_for(user)
    name = str(zone).replace("_", " ")
    if name == "UTC":
        return name
    offset = (moment or datetime.now(UTC)).astimezone(zone).strftime("%z")
    return f"{name} (UTC{offset[:3]}:{offset[3:]})"


def to_local(moment: datetime, user: HasTimezone | None) -> datetime:
    return in_zone(moment, zone_for(user))


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` in ``zone``; in UTC when the zone's time would fall outside the years a
    date can hold (the first hours of year 1 west of UTC, the last of 9999 east of it)."""
    try:
        return moment.astimezone(zone)
    except OverflowError:
        return moment.astimezone(UTC)


def local_today(user: HasTimezone | None) -> date:
    """Today's date where the user is."""
    return datetime.now(zone_for(user)).date()


def local_day_start(day: date, zone: tzinfo) -> datetime:
    """The UTC moment a local ``day`` begins in ``zone``. Where midnight is skipped by a
    clock change, the day begins at the change (zoneinfo reads the missing time with the
    earlier offset); where it repeats, at the first midnight."""
    try:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, or year 9999 west of it
        return EARLIEST if day.year == MINYEAR else LATEST


def local_day_end(day: date, zone: tzinfo, days: int = 1) -> datetime:
    """The UTC moment the local ``day`` ends (``days - 1`` days after it, when given): the
    start of the following day, or the last moment a date can hold for 31 December 9999."""
    try:
        following = day + timedelta(days=days)
    except OverflowError:
        return LATEST
    return local_day_start(following, zone)
