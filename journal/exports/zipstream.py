"""A zip archive written front to back, for streaming to a browser or a pipe.

Python's :class:`zipfile.ZipFile` can write to an unseekable stream, but it keeps a
``ZipInfo`` for every member until it writes the central directory at the end: about
half a kilobyte a file, 50 MB for 100,000 entries. This writer keeps the central
directory in a temporary file instead (in memory while small, on disk beyond that),
so memory stays flat whatever the number of files.

Each member is compressed whole (entries are small) before its local header is
written, so the header carries the real sizes and CRC and no data descriptor is
needed. Zip64 records are added when there are more than 65,535 members or the
archive passes 4 GiB; :mod:`zipfile`, ``unzip`` and the common desktop tools read them.
"""

from __future__ import annotations

import struct
import tempfile
import zlib
from datetime import datetime

_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")
_ZIP64_END = struct.Struct("<IQHHIIQQQQ")
_ZIP64_LOCATOR = struct.Struct("<IIQI")
_END = struct.Struct("<IHHHHIIH")

_LIMIT_16 = 0xFFFF
_LIMIT_32 = 0xFFFFFFFF
_VERSION = 20  # deflate
_VERSION_ZIP64 = 45
_MADE_BY_UNIX = 3 << 8
_UTF8_NAME = 0x800
_DEFLATED = 8
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--

# The central directory stays in memory up to this size, then moves to a disk file.
DIRECTORY_IN_MEMORY = 256 * 1024


def _dos_time(moment: datetime) -> tuple[int, int]:
    """(time, date) in MS-DOS form; years outside 1980..2107 are clamped."""
    year = min(max(moment.year, 1980), 2107)
    if year != moment.year:
        moment = datetime(year, 1 if year == 1980 else 12, 1 if year == 1980 else 31)
    return ((moment.hour << 11) | (moment.minute << 5) | (moment.second // 2),
            ((year - 1980) << 9) | (moment.month << 5) | moment.day)


class StreamingZip:
    """Collects members with :meth:`add`; :meth:`take` hands out the bytes written so
    far, :meth:`finish` the central directory and end records. Call :meth:`close` (or
    use ``with``) to drop the temporary directory file if the archive is abandoned."""

    def __init__(self, level: int = 6):
        self._level = level
        self._pending = bytearray()
        self._offset = 0  # bytes handed out or pending: where the next header starts
        self._count = 0
        # Lives as long as the archive; finish() and close() close it.
        self._directory = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=DIRECTORY_IN_MEMORY)
        self._finished = False

    def __enter__(self) -> StreamingZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def pending(self) -> int:
        """Bytes written since the last :meth:`take`."""
        return len(self._pending)

    @property
    def count(self) -> int:
        return self._count

    def add(self, name: str, data: bytes, modified: datetime) -> None:
        """Add the file ``name`` (a relative path with ``/`` separators) holding
        ``data``, dated ``modified`` (a local wall-clock time, as zip keeps it).
        Raises ``ValueError`` after :meth:`finish` or for a name that is not relative."""
        if self._finished:
            raise ValueError("the archive is finished")
        if not name or name.startswith("/") or "\\" in name or ".." in name.split("/"):
            raise ValueError(f"not a safe relative name: {name!r}")
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8_NAME
        compressor = zlib.compressobj(self._level, zlib.DEFLATED, -zlib.MAX_WBITS)
        packed = compressor.compress(data) + compressor.flush()
        crc = zlib.crc32(data)
        clock, day = _dos_time(modified)
        header_offset = self._offset

        self._pending += _LOCAL_HEADER.pack(
            0x04034B50, _VERSION, flags, _DEFLATED, clock, day, crc, len(packed), len(data),
            len(encoded), 0)
        self._pending += encoded
        self._pending += packed
        self._offset += _LOCAL_HEADER.size + len(encoded) + len(packed)

        extra = b""
        version = _VERSION
        if header_offset >= _LIMIT_32:
            extra = struct.pack("<HHQ", 0x0001, 8, header_offset)
            header_offset = _LIMIT_32
            version = _VERSION_ZIP64
        self._directory.write(_CENTRAL_HEADER.pack(
            0x02014B50, _MADE_BY_UNIX | version, version, flags, _DEFLATED, clock, day, crc,
            len(packed), len(data), len(encoded), len(extra), 0, 0, 0, _FILE_MODE,
            header_offset))
        self._directory.write(encoded)
        self._directory.write(extra)
        self._count += 1

    def take(self) -> bytes:
        """The bytes written since the last call (possibly empty)."""
        chunk = bytes(self._pending)
        self._pending.clear()
        return chunk

    def finish(self, chunk_size: int = 64 * 1024):
        """Yield the rest of the archive: anything pending, the central directory and
        the end records. The archive takes no more members afterwards."""
        self._finished = True
        yield self.take()
        directory_offset = self._offset
        directory_size = self._directory.tell()
        self._directory.seek(0)
        while piece := self._directory.read(chunk_size):
            yield piece
        self._offset += directory_size

        end = bytearray()
        if (self._count >= _LIMIT_16 or directory_size >= _LIMIT_32
                or directory_offset >= _LIMIT_32):
            zip64_end_offset = self._offset
            end += _ZIP64_END.pack(0x06064B50, _ZIP64_END.size - 12,
                                   _MADE_BY_UNIX | _VERSION_ZIP64, _VERSION_ZIP64, 0, 0,
                                   self._count, self._count, directory_size, directory_offset)
            end += _ZIP64_LOCATOR.pack(0x07064B50, 0, zip64_end_offset, 1)
        count = min(self._count, _LIMIT_16)
        end += _END.pack(0x06054B50, 0, 0, count, count, min(directory_size, _LIMIT_32),
                         min(directory_offset, _LIMIT_32), 0)
        self._offset += len(end)
        yield bytes(end)
        self.close()

    def close(self) -> None:
        self._directory.close()
