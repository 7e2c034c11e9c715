"""Template filters and globals."""

from datetime import datetime

from flask import Flask
from flask_login import current_user
from markupsafe import Markup

from journal.auth.queries import registration_open
from journal.prompts.library import theme_name
from journal.rendering import render_markdown
from journal.summaries import excerpt
from journal.timezones import to_local, zone_for


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["registration_open"] = registration_open
    app.jinja_env.globals["zone_name"] = zone_name
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(local_time)
    app.add_template_filter(iso_datetime)
    app.add_template_filter(excerpt)
    app.add_template_filter(markdown)
    app.add_template_filter(theme_name)


def zone_name() -> str:
    """The IANA name of the zone the signed-in user's times are shown in (for the page
    script, which writes times the way :func:`local_datetime` does)."""
    return str(zone_for(current_user))


def local_datetime(moment: datetime | None) -> str:
    """``26 Nov 2026, 23:05`` in the signed-in user's zone."""
    if moment is None:
        return ""
    local = to_local(moment, current_user)
    return f"{local.day} {local:%b %Y, %H:%M}"


def local_date(moment: datetime | None) -> str:
    """``Thu 26 Nov 2026`` in the signed-in user's zone."""
    if moment is None:
        return ""
    local = to_local(moment, current_user)
    return f"{local:%a} {local.day} {local:%b %Y}"


def local_time(moment: datetime | None) -> str:
    """``23:05`` in the signed-in user's zone."""
    if moment is None:
        return ""
    return f"{to_local(moment, current_user):%H:%M}"


def iso_datetime(moment: datetime | None) -> str:
    """Machine-readable time for ``<time datetime=...>``."""
    if moment is None:
        return ""
    return to_local(moment, current_user).isoformat(timespec="minutes")


def markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text or ""))  # noqa: S704 - sanitized by nh3
