"""Loads configuration in order: ``journal.config`` defaults, ``.env``, ``JOURNAL_*``
environment variables, then the mapping passed to :func:`journal.create_app`."""

import contextlib
import os
import secrets
from pathlib import Path

from dotenv import load_dotenv
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
MIN_SECRET_KEY_LENGTH = 32
WELL_KNOWN_SECRETS = frozenset(
    {"dev", "development", "secret", "secret-key", "secret_key", "changeme", "change-me",
     "change_me", "password", "default", "test", "testing", "journal", "your-secret-key",
     "supersecret", "super-secret", "replace-me", "please-change-me", "xxx", "key"}
)


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely; the message says what to change."""


def load_settings(app: Flask, root: Path, test_config: dict | None) -> None:
    app.config.from_object("journal.config")
    load_dotenv(root / ".env", override=False)
    app.config.from_prefixed_env("JOURNAL")
    if test_config:
        app.config.from_mapping(test_config)

    _configure_database(app)
    _configure_cookies(app)
    _configure_secret_key(app)
    _check_registration(app)
    _configure_proxy(app)


def _configure_database(app: Flask) -> None:
    if app.config.get("SQLALCHEMY_DATABASE_URI"):
        return
    url = app.config.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = "sqlite:///" + str(Path(app.instance_path) / "journal.sqlite3")
    elif url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url


def _configure_cookies(app: Flask) -> None:
    secure = bool(app.config.get("SECURE_COOKIES"))
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure


def _configure_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if not key:
        key = _read_or_create_secret(Path(app.instance_path) / SECRET_KEY_FILE)
        app.config["SECRET_KEY"] = key
    if app.debug or app.testing:
        return
    if len(str(key)) < MIN_SECRET_KEY_LENGTH or str(key).strip().lower() in WELL_KNOWN_SECRETS:
        raise ConfigurationError(
            "JOURNAL_SECRET_KEY is too short or well known. Unset it to have one generated "
            f"into the instance folder, or set at least {MIN_SECRET_KEY_LENGTH} random "
            "characters, e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )


def _read_or_create_secret(path: Path) -> str:
    """The secret stored at ``path``; created (mode 0600) when missing. Safe when several
    workers start at once: the file appears whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):  # another worker won: use its key
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text().strip()


def _check_registration(app: Flask) -> None:
    mode = str(app.config.get("REGISTRATION", "open")).strip().lower()
    if mode not in {"open", "invite", "closed"}:
        raise ConfigurationError(
            f"JOURNAL_REGISTRATION must be 'open', 'invite' or 'closed', not {mode!r}."
        )
    app.config["REGISTRATION"] = mode


def _configure_proxy(app: Flask) -> None:
    """``JOURNAL_PROXY_FIX=N`` trusts the ``X-Forwarded-For``, ``-Proto``, ``-Host`` and
    ``-Prefix`` headers set by N reverse proxies in front of the journal, so that it sees
    the visitor's address (sign-in throttling counts per address) and the https scheme.
    Off by default: without a proxy, anyone could claim any address in those headers."""
    hops = _proxy_hops(app.config.get("PROXY_FIX"))
    app.config["PROXY_FIX"] = hops
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_prefix=hops)


def _proxy_hops(value) -> int:
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    text = str(value).strip().lower()
    if text in {"", "0", "false", "off", "no"}:
        return 0
    if text in {"true", "on", "yes"}:
        return 1
    if isinstance(value, int | str) and text.isascii() and text.isdigit():
        return int(text)
    raise ConfigurationError(
        "JOURNAL_PROXY_FIX must be the number of reverse proxies in front of the journal "
        f"(1 for one nginx; true means 1), or false to trust none, not {value!r}."
    )
