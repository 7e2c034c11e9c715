"""Files an import must refuse whole, with a message and without reading past its
limits: unreadable files, path traversal, links, encryption, zip bombs, sizes."""

import stat
import zipfile

import pytest

from journal.imports.readers import ZipLimits
from tests.test_import_readers import KiB, make_zip, read, refused


@pytest.mark.parametrize(("data", "filename", "expected"), [
    (b"", "x.json", "The file is empty."),
    (b'{"entries": [1,, 2]}', "x.json", "The file is not valid JSON: expecting value at "
                                        "line 1, column 16."),
    (b'{\n  "a": 1\n  "b": 2\n}', "x.json", "expecting ',' delimiter at line 3, column 3."),
    (b'{"a": "caf\xe9"}', "x.json", "The file is not UTF-8 text (line 1"),
    (b'{"a": "\x00"}', "x.json", "The file contains a NUL character (line 1)"),
    (b'{"format": "evernote"}', "x.json", "an export of a kind the journal does not know"),
    (b'{"notes": []}', "x.json", "not in a shape the journal knows"),
    (b"Dear diary", "diary.rtf", "it is neither JSON nor a zip"),
    (make_zip({"inner.zip": b"PK"}), "x.zip", "neither Markdown files"),
])
def test_unreadable_files_get_a_message(data, filename, expected):
    assert expected in refused(data, filename)


# --- hostile zips -------------------------------------------------------------------

def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def encrypted_zip() -> bytes:
    data = bytearray(make_zip({"2024-01-01-a.md": "secret"}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + offset] |= 0x1
    return bytes(data)


@pytest.mark.parametrize(("data", "expected"), [
    (make_zip({"../../etc/evil.md": "x"}), "path leads out of its folder ('../../etc/evil.md')"),
    (make_zip({"notes/../../evil.md": "x"}), "leads out of its folder"),
    (make_zip({"/etc/evil.md": "x"}), "an absolute path ('/etc/evil.md')"),
    (make_zip({"C:/Users/evil.md": "x"}), "an absolute path ('C:/Users/evil.md')"),
    (make_zip({"..\\evil.md": "x"}), "with a backslash in its path"),
    (make_zip({symlink("2024-01-01-link.md"): "/etc/passwd"}), "a symbolic link "
                                                               "('2024-01-01-link.md')"),
    (encrypted_zip(), "an encrypted file ('2024-01-01-a.md'); export it again without a "
                      "password."),
    (b"PK\x03\x04 not really a zip", "The file is not a zip archive, or the archive is damaged."),
    (make_zip({"2024-01-01-a.md": "fine"})[:-30], "not a zip archive, or the archive is damaged"),
])
def test_unsafe_archives_are_refused(data, expected):
    assert expected in refused(data, "upload.zip")
    assert expected in refused(data, "upload.zip", format="markdown")


def test_a_zip_bomb_is_refused_once_it_expands_past_a_mebibyte():
    bomb = make_zip({"2024-01-01-bomb.md": bytes(60 * 1024 * KiB)})
    assert len(bomb) < 200 * KiB
    assert "'2024-01-01-bomb.md' in the zip is larger than 50 MiB" in refused(bomb, "bomb.zip")
    assert "The file '2024-01-01-bomb.md' in the zip expands more than 100 times its " \
           "packed size, as a zip bomb does" in refused(bomb, "bomb.zip",
                                                       max_member_size=100 * 1024 * KiB)
    day_one = make_zip({"Journal.json": b" " * (4 * 1024 * KiB)})
    assert "zip bomb" in refused(day_one, "dayone.zip", format="dayone")


def test_member_and_total_sizes_have_limits():
    text = "".join(f"{n:08x}" for n in range(8 * KiB))  # 64 KiB that hardly compresses
    stored = make_zip({"2024-01-01-a.md": text}, compression=zipfile.ZIP_STORED)
    assert "is larger than 32 KiB once unpacked" in refused(
        stored, "x.zip", max_member_size=32 * KiB)
    two = make_zip({"2024-01-01-a.md": text, "2024-01-02-b.md": text})
    assert "add up to more than 100 KiB once unpacked" in refused(
        two, "x.zip", max_total_size=100 * KiB)
    assert len(read(two, "x.zip", max_total_size=128 * KiB).entries) == 2


def test_too_many_members_are_refused_before_reading():
    data = make_zip({f"2024-01-01-{n}.md": "x" for n in range(21)})
    assert refused(data, "x.zip", max_members=20) == (
        "The zip holds 21 files; the journal reads at most 20.")
    assert ZipLimits().max_members == 20_000
