from flask import Flask, Response, current_app, request, url_for

from journal.assets import bp
from journal.assets.bundle import FOREVER, STYLESHEET, Assets


@bp.record_once
def _set_up(state) -> None:
    _install(state.app)


def _install(app: Flask) -> None:
    app.extensions["assets"] = Assets(app)
    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(cache_versioned_static)


def _assets() -> Assets:
    return current_app.extensions["assets"]


def asset_url(filename: str) -> str:
    """The URL of a static file with its content digest in it: the joined stylesheet
    for ``css/app.css``, ``/static/<filename>?v=<digest>`` for anything else."""
    assets = _assets()
    if filename == STYLESHEET:
        return url_for("assets.stylesheet", digest=assets.stylesheet().digest)
    digest = assets.digest(filename)
    if digest is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=digest)


@bp.route("/assets/app.<digest>.css")
def stylesheet(digest: str):
    """The stylesheet, joined from its parts. Kept for a year when ``digest`` is the
    current one; an old digest (a page cached before an upgrade) still gets the
    current stylesheet, revalidated each time."""
    sheet = _assets().stylesheet()
    response = Response(sheet.text, mimetype="text/css")
    response.set_etag(sheet.digest)
    if digest == sheet.digest:
        _cache_forever(response)
    else:
        response.cache_control.no_cache = True
    return response.make_conditional(request)


def cache_versioned_static(response: Response) -> Response:
    """A static file asked for with its current digest (``?v=``) is kept for a year."""
    if request.endpoint == "static" and response.status_code == 200:
        filename = (request.view_args or {}).get("filename", "")
        version = request.args.get("v")
        if version and version == _assets().digest(filename):
            _cache_forever(response)
    return response


def _cache_forever(response: Response) -> None:
    response.cache_control.public = True
    response.cache_control.max_age = FOREVER
    response.cache_control.immutable = True
