"""Reading zip archives that someone else made, safely.

Members are read into memory, never extracted to disk, and only the members a reader
asks for. Before anything is read the whole archive is refused when it has too many
members, a member name that could point outside a folder (absolute, a drive letter,
backslashes, ``..``), a symbolic link or an encrypted member. While reading, sizes are
counted chunk by chunk (the sizes a zip declares are never trusted), and reading stops
as soon as a member or the total passes its limit or a member expands more than a
zip bomb would. Zips inside the zip are never opened.
"""

from __future__ import annotations

import io
import lzma
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from journal.transfer.document import ImportProblem

MiB = 1024 * 1024
CHUNK_SIZE = 64 * 1024

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_END_OF_DIRECTORY = b"PK\x05\x06"
_DRIVE = re.compile(r"^[A-Za-z]:")
# What zipfile raises for a damaged archive. NotImplementedError is its answer to a
# compression method it cannot unpack (zipfile raises it itself; nothing here is unfinished).
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError,
                ValueError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class ZipLimits:
    """How much an archive may hold. Sizes are uncompressed bytes; ``max_ratio``
    applies to a member once ``ratio_after`` bytes of it have been read."""

    max_members: int = 20_000
    max_member_size: int = 50 * MiB
    max_total_size: int = 200 * MiB
    max_ratio: int = 100
    ratio_after: int = 1 * MiB


DEFAULT_LIMITS = ZipLimits()


@dataclass
class Member:
    name: str
    data: bytes
    # When the file was last changed, as the zip records it: a local time without a
    # zone, to the even second; None when the record is not a date.
    modified: datetime | None = None


def looks_like_zip(data: bytes) -> bool:
    return data[:4] in ZIP_SIGNATURES


def _declared_count(data: bytes) -> int | None:
    """The member count the end-of-archive record declares, found without parsing the
    whole directory (None when there is no such record or it defers to ZIP64)."""
    start = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 65_557))
    if start < 0 or len(data) < start + 22:
        return None
    count = struct.unpack_from("<H", data, start + 10)[0]
    return None if count == 0xFFFF else count


def _open(data: bytes, limits: ZipLimits) -> zipfile.ZipFile:
    if not data:
        raise ImportProblem("The file is empty.")
    declared = _declared_count(data)
    if declared is not None and declared > limits.max_members:
        raise _too_many(declared, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _READ_ERRORS:
        raise ImportProblem("The file is not a zip archive, or the archive is damaged.") from None
    members = archive.infolist()
    if len(members) > limits.max_members:
        archive.close()
        raise _too_many(len(members), limits)
    for info in members:
        problem = _unsafe(info)
        if problem:
            archive.close()
            raise ImportProblem(problem)
    return archive


def _too_many(count: int, limits: ZipLimits) -> ImportProblem:
    return ImportProblem(f"The zip holds {count:,} files; the journal reads at most "
                         f"{limits.max_members:,}.")


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    """Why a member makes the whole archive unsafe, or None."""
    for name in {info.filename, info.orig_filename}:
        shown = name if len(name) <= 80 else name[:79] + "…"
        if "\\" in name:
            return (f"The zip holds a file named '{shown}' with a backslash in its path; "
                    "the journal refuses such archives.")
        if name.startswith("/") or _DRIVE.match(name):
            return (f"The zip holds a file with an absolute path ('{shown}'); the journal "
                    "refuses such archives.")
        if ".." in name.split("/"):
            return (f"The zip holds a file whose path leads out of its folder ('{shown}'); "
                    "the journal refuses such archives.")
    if stat.S_ISLNK(info.external_attr >> 16):
        return (f"The zip holds a symbolic link ('{info.filename}'); the journal refuses "
                "archives with links.")
    if info.flag_bits & 0x1:
        return (f"The zip holds an encrypted file ('{info.filename}'); export it again "
                "without a password.")
    return None


def list_names(data: bytes, *, limits: ZipLimits = DEFAULT_LIMITS) -> list[str]:
    """The names of the files (not folders) in the archive. Raises ImportProblem for
    data that is not a zip or an archive that is unsafe (see the module's notes)."""
    with _open(data, limits) as archive:
        return [info.filename for info in archive.infolist() if not info.is_dir()]


def read_members(data: bytes, *, keep: Callable[[str], bool],
                 limits: ZipLimits = DEFAULT_LIMITS) -> list[Member]:
    """The files whose name ``keep`` accepts, read into memory, in archive order.
    Raises ImportProblem for data that is not a zip, an unsafe archive, a member or a
    total past the limits, a zip bomb or a damaged member."""
    return list(iter_members(data, keep=keep, limits=limits))


def iter_members(data: bytes, *, keep: Callable[[str], bool],
                 limits: ZipLimits = DEFAULT_LIMITS, by_name: bool = False) -> Iterator[Member]:
    """:func:`read_members` one file at a time (in name order with ``by_name``), so
    a reader that is done with a file's bytes lets them go before the next is read.
    The whole archive is checked before the first file is given."""
    total = 0
    with _open(data, limits) as archive:
        infos = [info for info in archive.infolist()
                 if not info.is_dir() and keep(info.filename)]
        if by_name:
            infos.sort(key=lambda info: info.filename)
        for info in infos:
            if info.file_size > limits.max_member_size:
                raise _too_big(info.filename, limits)
            content = _read(archive, info, limits, limits.max_total_size - total)
            total += len(content)
            yield Member(info.filename, content, _modified(info))
            del content


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits,
          room: int) -> bytes:
    chunks = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_SIZE):
                size += len(chunk)
                if size > limits.max_member_size:
                    raise _too_big(info.filename, limits)
                if size > room:
                    raise ImportProblem(
                        "The files in the zip add up to more than "
                        f"{_size(limits.max_total_size)} once unpacked; the journal reads at "
                        "most that much.")
                if size > limits.ratio_after and size > limits.max_ratio * max(
                        info.compress_size, 1):
                    raise ImportProblem(
                        f"The file '{info.filename}' in the zip expands more than "
                        f"{limits.max_ratio} times its packed size, as a zip bomb does; "
                        "the journal refuses it.")
                chunks.append(chunk)
    except ImportProblem:
        raise
    except _READ_ERRORS:
        raise ImportProblem(f"The file '{info.filename}' in the zip is damaged and cannot be "
                            "read.") from None
    return b"".join(chunks)


def _modified(info: zipfile.ZipInfo) -> datetime | None:
    try:
        return datetime(*info.date_time)
    except (TypeError, ValueError):
        return None


def _too_big(name: str, limits: ZipLimits) -> ImportProblem:
    return ImportProblem(f"The file '{name}' in the zip is larger than "
                         f"{_size(limits.max_member_size)} once unpacked; the journal reads "
                         "at most that much of one file.")


def _size(count: int) -> str:
    if count >= MiB and count % MiB == 0:
        return f"{count // MiB} MiB"
    if count >= 1024 and count % 1024 == 0:
        return f"{count // 1024} KiB"
    return f"{count:,} bytes"


def is_hidden(name: str) -> bool:
    """A dotfile, something inside a dot folder, or macOS's ``__MACOSX`` copies."""
    parts = name.split("/")
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts if part)
