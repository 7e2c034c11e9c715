"""Fixtures: an app with its own migrated database, a client, and the personas
(a user, a second user) that the feature tests tell their stories with."""

import os
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade

from journal import create_app
from journal.auth.services import create_user
from journal.extensions import db

pytest_plugins = ["tests.system_support", "tests.browser_support", "tests.postgres_support"]

PASSWORD = "correct horse battery staple"
OTHER_PASSWORD = "a different long passphrase"
CHEAP_HASHING = {
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_COST": 8,
    "PASSWORD_HASH_PARALLELISM": 1,
    "KEY_DERIVATION_TIME_COST": 1,
    "KEY_DERIVATION_MEMORY_COST": 8,
    "KEY_DERIVATION_PARALLELISM": 1,
}


def make_config(database: Path, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-checks",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "WTF_CSRF_ENABLED": False,
        "REGISTRATION": "open",
        "DEFAULT_TIMEZONE": "UTC",
        "IMPORT_RUNNER": False,  # tests run import jobs themselves
        "IMPORT_THREADS": False,
        **CHEAP_HASHING,
        **overrides,
    }


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """A database file migrated once with ``flask db upgrade``; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "journal.sqlite3"
    app = create_app(make_config(path))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def database(tmp_path, migrated_template) -> Path:
    path = tmp_path / "journal.sqlite3"
    shutil.copyfile(migrated_template, path)
    return path


@pytest.fixture
def config_overrides() -> dict:
    """Override in a test module to change the app's settings."""
    return {}


class RequestPerContextClient(FlaskClient):
    """Runs each request in its own app context, as a server does, so nothing cached on
    ``g`` (the signed-in user) or in the test's session leaks into the request. The
    test's own session is committed first and reloads what it reads afterwards."""

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


# ``JOURNAL_TEST_DATABASE=postgresql`` runs the suite against a throwaway PostgreSQL
# server instead of SQLite files (``make test`` runs it both ways).
ON_POSTGRES = os.environ.get("JOURNAL_TEST_DATABASE") == "postgresql"


def pytest_collection_modifyitems(config, items):
    if not ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="exercises SQLite itself; the suite runs on PostgreSQL")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


@pytest.fixture
def app(request, config_overrides):
    if ON_POSTGRES:
        url = request.getfixturevalue("postgres_database")
        config = {**make_config(Path("unused"), **config_overrides),
                  "SQLALCHEMY_DATABASE_URI": url}
    else:
        config = make_config(request.getfixturevalue("database"), **config_overrides)
    yield from _app(config)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_backend_app(request, config_overrides):
    """The app on SQLite, then on PostgreSQL, for features with a backend of each kind.
    A test module opts in by defining ``app`` as a fixture that returns this one."""
    if request.param == "sqlite":
        config = make_config(request.getfixturevalue("database"), **config_overrides)
    else:
        url = request.getfixturevalue("postgres_database")
        config = {**make_config(Path("unused"), **config_overrides),
                  "SQLALCHEMY_DATABASE_URI": url}
    yield from _app(config)


def _app(config: dict):
    app = create_app(config)
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: ``make_user("ana", admin=False)`` stores and returns an account."""

    def make(username: str, password: str = PASSWORD, admin: bool | None = False):
        user = create_user(username, password, is_admin=admin)
        db.session.commit()
        return user

    return make


@pytest.fixture
def user(make_user):
    return make_user("ana", admin=True)


@pytest.fixture
def other_user(make_user):
    return make_user("bo", OTHER_PASSWORD)


@pytest.fixture
def login(client):
    """``login(user_or_name, password)`` signs the test client in through the real form."""

    def do_login(username, password: str = PASSWORD, **extra):
        name = getattr(username, "username", username)
        return client.post("/auth/login", data={"username": name, "password": password, **extra})

    return do_login


@pytest.fixture
def logged_in(user, login):
    response = login(user)
    assert response.status_code == 302, response.get_data(as_text=True)
    return user


@pytest.fixture
def make_entry(app):
    """Factory: ``make_entry(user, "text", tags="a, b")`` stores and returns an entry."""
    from journal.entries.services import create_entry
    from journal.tags.names import inline_tags, merge_tag_lists, parse_tag_field

    def make(owner, body: str = "Shipped the thing.", *, title=None, tags: str = "",
             created_at=None, starred=False):
        pairs, problems = parse_tag_field(tags)
        assert not problems
        entry = create_entry(owner, title=title, body=body,
                             tags=merge_tag_lists(pairs, inline_tags(body)),
                             created_at=created_at, starred=starred)
        db.session.commit()
        return entry

    return make


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)
