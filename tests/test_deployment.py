"""Deployment: the journal behind a reverse proxy (``JOURNAL_PROXY_FIX``), HSTS when it is
served over HTTPS, and the container files. Docker is not needed to run these tests, so
the Dockerfile and compose.yaml are checked by reading them, and the health check's own
command is run against a live server."""

import json
import os
import re
import runpy
import subprocess
import sys
import threading

import pytest
from flask import request
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import make_server

from journal import ROOT, create_app
from journal.extensions import db
from journal.models import LoginFailure
from journal.settings import ConfigurationError
from tests.conftest import OTHER_PASSWORD, make_config

HSTS = "max-age=31536000; includeSubDomains"
FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "journal.example.org"}


@pytest.fixture
def probe(app, client):
    """A client for an app with one extra page that shows what the app sees of the
    request: the client's address, the scheme and the host."""

    @app.get("/_probe")
    def _probe():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return client


def fail(client, username, forwarded_for):
    return client.post("/auth/login", data={"username": username, "password": "wrong one!"},
                       headers={"X-Forwarded-For": forwarded_for})


# --- behind a reverse proxy ---------------------------------------------------------------

@pytest.mark.parametrize("config_overrides", [{"PROXY_FIX": 1}])
def test_behind_a_proxy_the_app_sees_the_visitor_and_https(probe):
    seen = probe.get("/_probe", headers=FORWARDED).get_json()

    assert seen == {"addr": "203.0.113.7", "scheme": "https", "host": "journal.example.org"}


@pytest.mark.parametrize("config_overrides", [{"PROXY_FIX": 2}])
def test_two_proxies_means_the_address_two_hops_back(probe):
    seen = probe.get("/_probe", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})

    assert seen.get_json()["addr"] == "198.51.100.1"


def test_without_the_setting_forwarded_headers_are_ignored(probe):
    seen = probe.get("/_probe", headers=FORWARDED).get_json()

    assert seen == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}


@pytest.mark.parametrize("config_overrides", [{
    "PROXY_FIX": 1, "LOGIN_FAILURES_PER_ADDRESS": 3, "LOGIN_FAILURES_PER_ACCOUNT": 100}])
def test_behind_a_proxy_throttling_counts_each_visitors_address(client, user, other_user):
    for attempt in range(3):
        assert fail(client, f"someone{attempt}", "203.0.113.7").status_code == 200

    assert fail(client, "bo", "203.0.113.7").status_code == 429
    elsewhere = client.post("/auth/login", data={"username": "bo", "password": OTHER_PASSWORD},
                            headers={"X-Forwarded-For": "198.51.100.2"})
    assert elsewhere.status_code == 302
    addresses = set(db.session.scalars(select(LoginFailure.address)))
    assert addresses == {"203.0.113.7"}


@pytest.mark.parametrize("config_overrides", [{
    "LOGIN_FAILURES_PER_ADDRESS": 3, "LOGIN_FAILURES_PER_ACCOUNT": 100}])
def test_without_a_proxy_a_forged_forwarded_header_does_not_dodge_throttling(client, user):
    for attempt in range(3):
        assert fail(client, f"someone{attempt}", f"198.51.100.{attempt}").status_code == 200

    assert fail(client, "ana", "198.51.100.99").status_code == 429
    assert set(db.session.scalars(select(LoginFailure.address))) == {"127.0.0.1"}


@pytest.mark.parametrize(("value", "hops"), [
    (None, 0), (False, 0), (0, 0), ("0", 0), ("false", 0), ("off", 0), ("", 0),
    (True, 1), ("true", 1), ("TRUE", 1), (1, 1), ("1", 1), (2, 2), (" 3 ", 3),
])
def test_the_proxy_setting_takes_a_number_of_proxies_or_true(database, value, hops):
    app = create_app(make_config(database, PROXY_FIX=value))

    assert app.config["PROXY_FIX"] == hops
    if hops:
        assert isinstance(app.wsgi_app, ProxyFix)
        assert (app.wsgi_app.x_for, app.wsgi_app.x_proto, app.wsgi_app.x_host,
                app.wsgi_app.x_prefix) == (hops, hops, hops, hops)
    else:
        assert not isinstance(app.wsgi_app, ProxyFix)


@pytest.mark.parametrize("value", ["yes please", "nginx", -1, "-1", 1.5, "1.5", "²", [1]])
def test_a_proxy_setting_that_is_not_a_count_is_refused_clearly(database, value):
    with pytest.raises(ConfigurationError, match="JOURNAL_PROXY_FIX must be the number"):
        create_app(make_config(database, PROXY_FIX=value))


def test_the_proxy_setting_comes_from_the_environment(database, monkeypatch):
    monkeypatch.setenv("JOURNAL_PROXY_FIX", "true")
    assert isinstance(create_app(make_config(database)).wsgi_app, ProxyFix)

    monkeypatch.setenv("JOURNAL_PROXY_FIX", "one")
    with pytest.raises(ConfigurationError, match="not 'one'"):
        create_app(make_config(database))


# --- HTTPS ----------------------------------------------------------------------------------

PAGES = ["/", "/auth/login", "/healthz", "/no-such-page", "/static/js/app.js"]


@pytest.mark.parametrize("path", PAGES)
def test_no_hsts_unless_the_site_is_served_over_https(client, user, path):
    assert "Strict-Transport-Security" not in client.get(path).headers


@pytest.mark.parametrize("config_overrides", [{"SECURE_COOKIES": True}])
@pytest.mark.parametrize("path", PAGES)
def test_with_secure_cookies_every_answer_carries_hsts(client, user, path):
    assert client.get(path).headers["Strict-Transport-Security"] == HSTS


def test_secure_cookies_from_the_environment_turn_hsts_on(database, monkeypatch):
    monkeypatch.setenv("JOURNAL_SECURE_COOKIES", "true")
    app = create_app(make_config(database))

    assert app.test_client().get("/healthz").headers["Strict-Transport-Security"] == HSTS


# --- gunicorn -------------------------------------------------------------------------------

def test_gunicorn_listens_where_host_and_port_say(monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"] == "127.0.0.1:5000"

    monkeypatch.setenv("HOST", "0.0.0.0")  # noqa: S104 - as in the container
    monkeypatch.setenv("PORT", "8000")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert settings["bind"] == "0.0.0.0:8000"
    assert settings["wsgi_app"] == "journal:create_app()"


def test_gunicorn_leaves_request_lines_to_the_journal():
    """Gunicorn's access log would write query strings (search words) and referrers."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert settings["accesslog"] is None
    assert settings["errorlog"] == "-"


# --- the container files --------------------------------------------------------------------

def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def only(instructions, keyword) -> str:
    found = [arguments for name, arguments in instructions if name == keyword]
    assert len(found) == 1, f"{keyword}: {found}"
    return found[0]


def position(instructions, keyword, containing="") -> int:
    return next(index for index, (name, arguments) in enumerate(instructions)
                if name == keyword and containing in arguments)


def test_the_image_is_slim_python_and_runs_as_an_unprivileged_user():
    instructions = dockerfile_instructions()

    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert only(instructions, "USER") == "10001:10001"
    assert any("useradd --uid 10001" in arguments
               for name, arguments in instructions if name == "RUN")
    assert position(instructions, "USER") > position(instructions, "RUN", "pip install")
    assert only(instructions, "WORKDIR") == "/app"


def test_the_image_installs_the_source_tree_at_app_in_place():
    """templates/, static/ and instance/ are found next to the package, so the package
    must stay in /app (an editable install), not move to site-packages."""
    instructions = dockerfile_instructions()
    install = next(arguments for name, arguments in instructions
                   if name == "RUN" and "pip install" in arguments)

    assert only(instructions, "COPY") == ". ."
    assert 'pip install --no-cache-dir -e ".[postgres]"' in install


def test_the_instance_folder_is_a_volume_the_user_owns():
    instructions = dockerfile_instructions()

    assert only(instructions, "VOLUME") == '["/app/instance"]'
    chown = position(instructions, "RUN", "chown journal:journal instance")
    assert chown < position(instructions, "VOLUME"), "changes after VOLUME are discarded"


def test_the_image_listens_on_every_address_on_port_8000():
    instructions = dockerfile_instructions()
    environment = " ".join(arguments for name, arguments in instructions if name == "ENV")

    assert only(instructions, "EXPOSE") == "8000"
    assert "HOST=0.0.0.0" in environment.split()
    assert "PORT=8000" in environment.split()


def test_the_container_migrates_then_runs_gunicorn():
    instructions = dockerfile_instructions()
    entrypoint = json.loads(only(instructions, "ENTRYPOINT"))
    command = json.loads(only(instructions, "CMD"))
    script_path = ROOT / "docker-entrypoint.sh"
    script = script_path.read_text()

    assert entrypoint == ["/app/docker-entrypoint.sh"]
    assert command == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert script.startswith("#!/bin/sh\n")
    assert "\nset -e\n" in script
    assert script.index("flask --app journal db upgrade") < script.index('exec "$@"')
    assert os.access(script_path, os.X_OK)


def healthcheck_command() -> list[str]:
    healthcheck = only(dockerfile_instructions(), "HEALTHCHECK")
    options, _, command = healthcheck.partition(" CMD ")
    assert "--interval=" in options and "--timeout=" in options
    return json.loads(command)


def test_the_health_check_asks_healthz_with_python_alone():
    command = healthcheck_command()

    assert command[:2] == ["python", "-c"]
    assert "urllib.request" in command[2] and "/healthz" in command[2]
    assert "http://127.0.0.1:" in command[2]


@pytest.mark.slow
def test_the_health_check_command_passes_against_a_running_journal_and_fails_without(app):
    code = healthcheck_command()[2]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = str(server.server_port)
        healthy = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PORT": port},
                                 capture_output=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert healthy.returncode == 0, healthy.stderr
    down = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PORT": port},
                          capture_output=True, timeout=30)
    assert down.returncode != 0


def test_the_build_leaves_out_data_secrets_environments_and_caches():
    patterns = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")}

    for excluded in [".git", ".env", ".venv", "instance/*", "**/__pycache__", ".pytest_cache",
                     ".ruff_cache"]:
        assert excluded in patterns, excluded
    assert "tests" in patterns or "tests/artifacts" in patterns
    for needed in ["journal", "templates", "static", "pyproject.toml", "README.md",
                   "gunicorn.conf.py", "docker-entrypoint.sh"]:
        assert needed not in patterns and f"{needed}/" not in patterns, needed


def compose_service(name: str) -> str:
    """The lines of one service in compose.yaml (read as text: PyYAML is not installed)."""
    text = (ROOT / "compose.yaml").read_text()
    match = re.search(rf"^  {name}:\n((?:    .*\n|\s*\n|  #.*\n)+)", text, re.MULTILINE)
    assert match, f"no service {name}"
    return match.group(1)


def test_compose_publishes_the_journal_on_this_machine_only():
    journal = compose_service("journal")
    ports = re.findall(r'^\s+- "([^"]+)"$', journal.split("ports:")[1].split("volumes:")[0],
                       re.MULTILINE)

    assert ports == ["127.0.0.1:${JOURNAL_PORT:-8000}:8000"]


def test_compose_keeps_the_instance_folder_in_a_named_volume():
    text = (ROOT / "compose.yaml").read_text()

    assert "- journal-instance:/app/instance" in compose_service("journal")
    assert re.search(r"^volumes:\n(  .*\n)*  journal-instance:", text, re.MULTILINE)
    assert "\t" not in text


def test_compose_passes_the_deployment_settings_and_restarts():
    journal = compose_service("journal")

    assert "build: ." in journal
    assert "restart: unless-stopped" in journal
    for variable in ["JOURNAL_SECURE_COOKIES", "JOURNAL_PROXY_FIX", "JOURNAL_REGISTRATION"]:
        assert re.search(rf"^      {variable}:", journal, re.MULTILINE), variable
    assert "# JOURNAL_DATABASE_URL: postgresql://" in journal


def test_compose_offers_postgresql_only_on_request():
    postgres = compose_service("postgres")

    assert "image: postgres:15" in postgres
    assert 'profiles: ["postgres"]' in postgres
    assert "- postgres-data:/var/lib/postgresql/data" in postgres
    assert "ports:" not in postgres
