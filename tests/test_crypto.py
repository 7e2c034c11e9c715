"""The encryption primitives: sealed values bound to their place, wrapped data keys,
recovery keys people type back, and values sealed to a public key."""

import pytest

from journal.crypto.keys import (
    KdfParams,
    WrongKey,
    derived_key,
    fingerprint,
    new_data_key,
    password_key,
    unwrap,
    wrap,
)
from journal.crypto.recovery import MistypedRecoveryKey, format_key, new_recovery_key, parse_key
from journal.crypto.sealing import is_sealed_to_public_key, new_key_pair, open_sealed, seal_to
from journal.crypto.values import DamagedValue, context, open_value, seal

CHEAP = KdfParams.new(time_cost=1, memory_cost=8, parallelism=1)
HERE = context("entries", "body", 7, 42)


# --- sealed values -------------------------------------------------------------------------

def test_a_sealed_value_opens_with_its_key_and_context_only():
    key = new_data_key()
    sealed = seal(key, b"I felt like a fraud", HERE)
    assert b"fraud" not in sealed
    assert open_value(key, sealed, HERE) == b"I felt like a fraud"
    with pytest.raises(DamagedValue):
        open_value(new_data_key(), sealed, HERE)


@pytest.mark.parametrize("elsewhere", [
    context("entries", "title", 7, 42),  # another column
    context("entries", "body", 7, 43),  # another row
    context("entries", "body", 8, 42),  # another account
    context("tags", "body", 7, 42),  # another table
])
def test_a_value_moved_elsewhere_does_not_open(elsewhere):
    key = new_data_key()
    with pytest.raises(DamagedValue):
        open_value(key, seal(key, b"text", HERE), elsewhere)


def test_a_changed_or_cut_value_is_damaged_and_the_message_holds_no_text():
    key = new_data_key()
    sealed = seal(key, b"a private doubt", HERE)
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    for damaged in (flipped, sealed[:20], b"", b"\x09" + sealed[1:], "text"):
        with pytest.raises(DamagedValue) as raised:
            open_value(key, damaged, HERE)
        assert "doubt" not in str(raised.value) and key.hex() not in str(raised.value)


def test_sealing_twice_gives_different_bytes():
    key = new_data_key()
    assert seal(key, b"same", HERE) != seal(key, b"same", HERE)


def test_contexts_are_unambiguous():
    assert context("a", 1) != context("a1")
    with pytest.raises(ValueError):
        context("entries/body", 1)


# --- wrapped data keys ---------------------------------------------------------------------

def test_the_password_unwraps_the_data_key_and_a_wrong_one_does_not():
    data_key = new_data_key()
    wrapped = wrap(password_key("correct horse battery", CHEAP), data_key, "password", 7)
    assert data_key not in wrapped
    assert unwrap(password_key("correct horse battery", CHEAP), wrapped, "password", 7) == data_key
    with pytest.raises(WrongKey):
        unwrap(password_key("correct horse batterY", CHEAP), wrapped, "password", 7)


def test_a_wrapped_key_is_bound_to_its_account_and_purpose():
    data_key, kek = new_data_key(), new_data_key()
    wrapped = wrap(kek, data_key, "password", 7)
    with pytest.raises(WrongKey):
        unwrap(kek, wrapped, "password", 8)
    with pytest.raises(WrongKey):
        unwrap(kek, wrapped, "recovery", 7)


def test_password_keys_depend_on_the_salt_and_every_parameter():
    base = password_key("pw", CHEAP)
    assert password_key("pw", CHEAP) == base
    assert password_key("pw", KdfParams.new(1, 8, 1)) != base  # another salt
    for changed in (KdfParams(2, 8, 1, CHEAP.salt), KdfParams(1, 16, 1, CHEAP.salt),
                    KdfParams(1, 16, 2, CHEAP.salt)):
        assert password_key("pw", changed) != base


def test_kdf_parameters_are_stored_and_read_back():
    assert KdfParams.from_json(CHEAP.to_json()) == CHEAP
    for broken in ("", "{}", '{"kdf": "scrypt"}', "[1]", '{"kdf": "argon2id", "salt": "zz"}'):
        with pytest.raises(ValueError):
            KdfParams.from_json(broken)


def test_derived_keys_differ_by_purpose_and_account():
    secret = new_data_key()
    keys = {derived_key(secret, purpose, user) for purpose in ("session", "search")
            for user in (1, 2)}
    assert len(keys) == 4


def test_a_fingerprint_tells_keys_apart_without_showing_them():
    data_key = new_data_key()
    assert fingerprint(data_key) == fingerprint(data_key) != fingerprint(new_data_key())
    assert fingerprint(data_key) not in data_key.hex()


# --- recovery keys -------------------------------------------------------------------------

def test_a_recovery_key_is_eight_groups_and_reads_back():
    secret, shown = new_recovery_key()
    groups = shown.split("-")
    assert [len(group) for group in groups] == [4] * 8
    assert parse_key(shown) == secret
    assert format_key(secret) == shown


def test_reading_a_recovery_key_forgives_case_spaces_and_look_alike_letters():
    secret, shown = new_recovery_key()
    relaxed = shown.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse_key(f"  {relaxed}\n") == secret


@pytest.mark.parametrize("typed, message", [
    ("ABCD", "has 32 letters and digits"),
    ("U" * 32, "only digits and the letters"),
])
def test_what_cannot_be_a_recovery_key_says_why(typed, message):
    with pytest.raises(MistypedRecoveryKey, match=message):
        parse_key(typed)


def test_a_typo_in_a_recovery_key_is_caught_by_its_check():
    caught = 0
    for _ in range(50):
        _, shown = new_recovery_key()
        first = shown[0]
        typo = ("1" if first != "1" else "2") + shown[1:]
        try:
            parse_key(typo)
        except MistypedRecoveryKey as error:
            assert "typo" in str(error)
            caught += 1
    assert caught >= 45  # two check characters: one typo in 1,024 slips through


# --- sealed to a public key ----------------------------------------------------------------

def test_a_value_sealed_to_the_public_key_opens_only_with_the_private_half():
    private, public = new_key_pair()
    sealed = seal_to(public, b"captured on the train", HERE, 7)
    assert is_sealed_to_public_key(sealed) and b"train" not in sealed
    assert open_sealed(private, sealed, HERE, 7) == b"captured on the train"
    other_private, _ = new_key_pair()
    for attempt in (lambda: open_sealed(other_private, sealed, HERE, 7),
                    lambda: open_sealed(private, sealed, context("entries", "body", 7, 1), 7),
                    lambda: open_sealed(private, sealed, HERE, 8),
                    lambda: open_sealed(private, sealed[:-3], HERE, 7),
                    lambda: open_sealed(private, b"\x01" + sealed[1:], HERE, 7)):
        with pytest.raises(DamagedValue):
            attempt()
