"""Where the bytes of an input come from: a regular file, standard input (``-``) or a stream.

A regular file is read where it lies (its size is known). Standard input, a FIFO or a device
such as ``/dev/zero`` has no end that can be known in advance, so it is read in chunks up to a
limit (``--max-stream-mb``) and refused beyond it, never read until memory runs out; a stream
whose first bytes hold a NUL is refused at once as binary.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import BinaryIO

from ._errors import InputError

__all__ = ["MAX_STREAM_MB", "STDIN", "Source", "is_file", "open_source"]

STDIN = "-"
MAX_STREAM_MB = 1024
_CHUNK = 1 << 20
_SAMPLE = 1 << 16


@dataclass
class Source:
    """An input's name as the user gave it, and either a path or the bytes already read."""

    name: str  # "data.csv", or "standard input"
    path: Path | None = None
    data: bytes | None = None

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower() if self.path is not None else ""

    def handle(self) -> str | BinaryIO:
        """What pandas reads: the path, or the bytes of a stream."""
        if self.data is not None:
            return io.BytesIO(self.data)
        return str(self.path)

    def read(self) -> bytes:
        """All the bytes (for small files: JSON)."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    def head(self) -> bytes:
        """The first 64 KiB, cut at the last line break (for sniffing; never split a row)."""
        if self.data is not None:
            raw = self.data[:_SAMPLE]
            whole = len(self.data) <= _SAMPLE
        else:
            assert self.path is not None
            with self.path.open("rb") as f:
                raw = f.read(_SAMPLE + 1)
            whole = len(raw) <= _SAMPLE
            raw = raw[:_SAMPLE]
        if whole:
            return raw
        cut = raw.rfind(b"\n")
        return raw[: cut + 1] if cut >= 0 else raw


def is_file(text: str) -> bool:
    """True where `text` names something on disk (a name too long for the system is not)."""
    if text == STDIN:
        return True
    try:
        return Path(text).exists() or (any(c in text for c in "*?") and bool(glob(text)))
    except (OSError, ValueError):  # "File name too long", embedded NUL: an inline value
        return False


def _read_stream(stream: BinaryIO, name: str, side: str, limit_mb: int) -> bytes:
    limit = limit_mb * (1 << 20)
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        if not chunks and b"\0" in chunk[:_SAMPLE]:
            msg = f"{side}: {name} is not a text file (it holds NUL bytes)"
            raise InputError(msg)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            msg = (
                f"{side}: {name} is a stream longer than {limit_mb} MB (--max-stream-mb); "
                "save it to a file, or raise the limit"
            )
            raise InputError(msg)
    return b"".join(chunks)


def open_source(text: str, side: str, *, limit_mb: int = MAX_STREAM_MB) -> Source:
    """The `Source` of an argument that names a file, ``-`` or a stream."""
    if text == STDIN:
        data = _read_stream(sys.stdin.buffer, "standard input", side, limit_mb)
        return Source("standard input", data=data)
    path = Path(text)
    if path.is_dir():
        msg = f"{side}: {text!r} is a directory, not a file"
        raise InputError(msg)
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return Source(text, path=path)
    with path.open("rb", buffering=0) as f:  # a FIFO, a device, /dev/stdin...
        data = _read_stream(f, text, side, limit_mb)
    return Source(text, path=path, data=data)
