"""The final images and thumbnails the emulator serves: real PNG files, made on demand.

Each file is a valid PNG drawn from its ticket and name (diagonal stripes between two
colours taken from a hash of them), so the same image always has the same bytes. A final is
padded to the ``final_size`` knob with a private ancillary chunk (``pzPd``, which PNG readers
skip), so a 1 MiB final is still an image any viewer opens. Files are never built whole: the
picture part is small and cached, the padding is a fixed 64 KiB pattern repeated, and
:meth:`PngFile.chunks` yields any byte range in pieces of at most 64 KiB, so serving many
large files at once costs little memory.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import zlib
from collections.abc import Iterator

import attrs

__all__ = [
    "CHUNK_SIZE",
    "FINAL_SIDE",
    "MAX_FINAL_SIZE",
    "THUMBNAIL_SIDE",
    "PngFile",
    "final_file",
    "parse_range",
    "thumbnail_file",
]

FINAL_SIDE = 256  # pixels, square
THUMBNAIL_SIDE = 64
MAX_FINAL_SIZE = 1024**3  # the SDK's default download limit
CHUNK_SIZE = 64 * 1024

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PAD_TYPE = b"pzPd"  # ancillary (p), private (z), reserved bit clear (P), safe to copy (d)
_CHUNK_OVERHEAD = 12  # length, type, CRC


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


_IEND = _chunk(b"IEND", b"")


def _pattern() -> bytes:
    """64 KiB of fixed pseudo-random bytes (SHA-256 in counter mode), doubled so any
    window of up to 64 KiB is one slice."""
    block = b"".join(
        hashlib.sha256(b"pixelz-emulator-padding:%d" % n).digest()
        for n in range(CHUNK_SIZE // 32)
    )
    return block + block


_PATTERN = _pattern()


def _padding(start: int, stop: int) -> bytes:
    """Bytes ``start:stop`` (at most :data:`CHUNK_SIZE` of them) of the endless padding."""
    offset = start % CHUNK_SIZE
    return _PATTERN[offset : offset + (stop - start)]


@functools.lru_cache(maxsize=64)
def _padding_crc(length: int) -> int:
    crc = zlib.crc32(_PAD_TYPE)
    for start in range(0, length, CHUNK_SIZE):
        crc = zlib.crc32(_padding(start, min(start + CHUNK_SIZE, length)), crc)
    return crc


@functools.lru_cache(maxsize=256)
def _picture(ticket: str, name: str, side: int) -> bytes:
    """Signature, header, a text chunk naming the image, and the pixels."""
    seed = hashlib.sha256(f"{ticket}/{name}".encode()).digest()
    first, second = seed[0:3], seed[3:6]
    row = bytearray()
    span = max(side - 1, 1)
    for x in range(side):  # a horizontal gradient from the first colour to the second
        row += bytes(a + (b - a) * x // span for a, b in zip(first, second, strict=True))
    shift = 3 * (seed[6] % 7 + 1)
    raw = bytearray()
    line = bytes(row)
    for _ in range(side):  # each row the previous one rotated: diagonal stripes
        raw += b"\x00" + line
        line = line[shift:] + line[:shift]
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB
    text = b"Comment\x00pixelz emulator " + f"{ticket}/{name}".encode()
    return (_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"tEXt", text)
            + _chunk(b"IDAT", zlib.compress(bytes(raw), 6)))


@attrs.frozen(slots=True)
class PngFile:
    """One file: ``picture`` (cached bytes), then ``padding`` bytes in a ``pzPd`` chunk
    (None: no such chunk), then IEND."""

    picture: bytes = attrs.field(repr=False)
    padding: int | None
    etag: str

    @property
    def size(self) -> int:
        pad = 0 if self.padding is None else self.padding + _CHUNK_OVERHEAD
        return len(self.picture) + pad + len(_IEND)

    def _segments(self) -> Iterator[tuple[int, int, bytes | None]]:
        """(offset, length, bytes or None for the padding) of each part, in order."""
        offset = 0
        yield offset, len(self.picture), self.picture
        offset += len(self.picture)
        if self.padding is not None:
            head = struct.pack(">I", self.padding) + _PAD_TYPE
            yield offset, len(head), head
            offset += len(head)
            yield offset, self.padding, None
            offset += self.padding
            crc = struct.pack(">I", _padding_crc(self.padding))
            yield offset, len(crc), crc
            offset += len(crc)
        yield offset, len(_IEND), _IEND

    def chunks(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """Bytes ``start:stop`` of the file, in pieces of at most :data:`CHUNK_SIZE`."""
        stop = self.size if stop is None else min(stop, self.size)
        for offset, length, data in self._segments():
            if offset >= stop:
                break  # (the padding's CRC, worked out lazily, is not needed then)
            lo, hi = max(start, offset), min(stop, offset + length)
            for piece in range(lo, hi, CHUNK_SIZE):
                end = min(piece + CHUNK_SIZE, hi)
                if data is None:
                    yield _padding(piece - offset, end - offset)
                else:
                    yield data[piece - offset : end - offset]

    def read(self, start: int = 0, stop: int | None = None) -> bytes:
        """The same bytes in one piece (for tests and small files)."""
        return b"".join(self.chunks(start, stop))


def _etag(ticket: str, name: str, size: int) -> str:
    digest = hashlib.sha256(f"{ticket}/{name}/{size}".encode()).hexdigest()
    return f'"{digest[:20]}"'


@functools.lru_cache(maxsize=256)
def final_file(ticket: str, name: str, size: int) -> PngFile:
    """A final of ``size`` bytes, or of the bare picture's size when ``size`` is smaller
    than the picture plus the 12 bytes of an empty padding chunk."""
    picture = _picture(ticket, name, FINAL_SIDE)
    room = size - len(picture) - len(_IEND) - _CHUNK_OVERHEAD
    padding = room if room >= 0 else None
    file = PngFile(picture, padding, "")
    return attrs.evolve(file, etag=_etag(ticket, name, file.size))


@functools.lru_cache(maxsize=256)
def thumbnail_file(ticket: str, name: str) -> PngFile:
    picture = _picture(ticket, name, THUMBNAIL_SIDE)
    file = PngFile(picture, None, "")
    return attrs.evolve(file, etag=_etag(ticket, name, file.size))


_RANGE = re.compile(r"bytes[ \t]*=[ \t]*([0-9]*)[ \t]*-[ \t]*([0-9]*)[ \t]*", re.IGNORECASE)


def parse_range(value: str, size: int) -> tuple[int, int] | bool:
    """A ``Range`` header against a file of ``size`` bytes: ``(start, stop)`` (stop
    exclusive) for one satisfiable range; ``True`` to serve the whole file (no, several
    or unreadable ranges: a server may ignore Range); ``False`` when unsatisfiable (416)."""
    match = _RANGE.fullmatch(value.strip())
    if match is None or (not match[1] and not match[2]):
        return True
    if not match[1]:  # the last N bytes
        suffix = int(match[2])
        if suffix == 0 or size == 0:
            return False
        return max(size - suffix, 0), size
    start = int(match[1])
    stop = size if not match[2] else int(match[2]) + 1
    if match[2] and stop <= start:
        return True  # "bytes=5-2" is invalid: ignored, whole file
    if start >= size:
        return False
    return start, min(stop, size)
