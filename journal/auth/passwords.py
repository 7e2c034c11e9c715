"""Password hashing (argon2id) and the rules a new password must meet."""

from importlib import import_module

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

ZXCVBN_MAX_LENGTH = 72


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_COST"],
        parallelism=config["PASSWORD_HASH_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. With no stored hash a throwaway hash is still
    verified, so an unknown username costs the same time as a wrong password."""
    hasher = _hasher()
    target = stored_hash or _dummy_hash(hasher)
    try:
        matched = hasher.verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


_dummy_hashes: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash("not a real password, only for equal timing")
    return _dummy_hashes[key]


def password_problem(password: str, user_inputs: list[str] | None = None) -> str | None:
    """Why ``password`` may not be used, or ``None`` when it is fine. Length is the only
    rule besides refusing passwords that are among the most guessed."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    maximum = current_app.config["PASSWORD_MAX_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters; a few ordinary words in a row work well."
    if len(password) > maximum:
        return f"Use at most {maximum} characters."
    # The strength estimator refuses over 72 characters; a password that long with a
    # guessable start is still judged on that start.
    result = _strength_estimator()(password[:ZXCVBN_MAX_LENGTH],
                    user_inputs=[u[:ZXCVBN_MAX_LENGTH] for u in (user_inputs or []) if u])
    if result["score"] <= 1:
        warning = result["feedback"].get("warning") or "It is too easy to guess."
        return (f"This password is among the first that attackers try ({warning.rstrip('.')}). "
                "Choose something less common.")
    return None


def _strength_estimator():
    """zxcvbn, imported on first use: its word lists take some 13 MB in every worker,
    and only a new password ever needs them (a sign-in does not)."""
    return import_module("zxcvbn").zxcvbn
