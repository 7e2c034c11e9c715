"""The journal: a self-hosted reflection journal.

``create_app`` builds the application and does nothing else: no schema work, no
network, no connection to the database (so it is safe under ``gunicorn --preload``).
The schema is created by ``flask --app journal db upgrade``.
"""

from pathlib import Path

from flask import Flask

from journal.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    load_settings(app, ROOT, test_config)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_cli(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    from journal import database  # noqa: F401 - installs the SQLite connection hooks
    from journal.auth.sessions import init_login_manager
    from journal.extensions import csrf, db, migrate
    from journal.totals import tracking  # noqa: F401 - keeps the totals exact at each flush

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    init_login_manager(app)


def register_url_converters(app: Flask) -> None:
    from journal.urls import IdConverter

    app.url_map.converters["id"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from journal import (
        account,
        admin,
        assets,
        auth,
        entries,
        exports,
        imports,
        insights,
        main,
        prompts,
        search,
        tags,
        wins,
    )

    app.register_blueprint(main.bp)
    app.register_blueprint(assets.bp)
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(entries.bp, url_prefix="/entries")
    app.register_blueprint(tags.bp, url_prefix="/tags")
    app.register_blueprint(prompts.bp, url_prefix="/prompts")
    app.register_blueprint(search.bp)
    app.register_blueprint(account.bp, url_prefix="/account")
    app.register_blueprint(exports.bp, url_prefix="/account/export")
    app.register_blueprint(imports.bp, url_prefix="/account/import")
    app.register_blueprint(wins.bp, url_prefix="/wins")
    app.register_blueprint(insights.bp, url_prefix="/insights")
    app.register_blueprint(admin.bp, url_prefix="/admin")


def register_cli(app: Flask) -> None:
    from journal.cli import commands

    for command in commands:
        app.cli.add_command(command)


def register_errorhandlers(app: Flask) -> None:
    from journal.errors import init_app

    init_app(app)


def register_request_hooks(app: Flask) -> None:
    from journal.requestlog import init_app as init_request_log
    from journal.sealing import init_app as init_sealing
    from journal.security import init_app

    init_request_log(app)  # first, so its after_request hook runs last and sees the answer
    init_app(app)
    init_sealing(app)


def register_template_helpers(app: Flask) -> None:
    from journal.templating import init_app

    init_app(app)
