"""Sealing the journals of accounts from before encryption: at the owner's first
sign-in with a password, and then a batch per request of their session until done
(:mod:`.services`). Each batch is its own short transaction, so other people's writes
never wait long, and a server killed halfway loses nothing: the next request of the
owner's session, or their next sign-in, carries on from the rows still plain."""

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from journal.crypto import keyring
from journal.extensions import db
from journal.models import User
from journal.sealing.batches import checkpoint, seal_for_a_while, seal_next_batch


def init_app(app: Flask) -> None:
    app.before_request(_seal_a_batch)
    app.extensions[CHECKPOINT_PENDING] = False


CHECKPOINT_PENDING = "journal.sealing.checkpoint_pending"


def _truncate_the_log() -> None:
    """Truncate SQLite's log after a journal was sealed; while readers hold it back, the
    next request of this process tries again."""
    db.session.commit()  # this request's own read would hold the log back
    current_app.extensions[CHECKPOINT_PENDING] = not checkpoint()


def seal_at_sign_in(owner: User) -> None:
    """Seal ``owner``'s journal for a moment while they sign in (the rest follows, a
    batch per request). A failure here is logged and never keeps anyone out."""
    try:
        if seal_for_a_while(owner, current_app.config["SEALING_SECONDS_AT_SIGN_IN"]):
            _truncate_the_log()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Sealing a journal at sign-in stopped; it will resume")


def _seal_a_batch() -> None:
    """For a signed-in owner whose journal is still partly plain: seal one batch (and
    retry truncating the log, if a sealing left that to do)."""
    if current_app.extensions.get(CHECKPOINT_PENDING):
        _truncate_the_log()
    if not current_user.is_authenticated or current_user.sealed_at is not None:
        return
    if not keyring.holds(current_user.id):
        return
    try:
        left = seal_next_batch(current_user)
        db.session.commit()
        if not left:
            _truncate_the_log()
    except SQLAlchemyError:  # busy, most likely: the next request tries again
        db.session.rollback()
        current_app.logger.exception("Sealing a batch stopped; it will be retried")
