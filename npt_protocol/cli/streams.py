"""Standard output and error as a command finds them: closed, full, a broken pipe, or a terminal
whose encoding cannot show every character the tool prints."""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys
import unicodedata

BROKEN_PIPE_EXIT = 141  # what a shell reports for a process ended by SIGPIPE (128 + 13)
FALLBACK = "npt-fallback"
# Characters the tool prints, as a reader of a Latin-1 or ASCII terminal would write them.
_PLAIN = {
    "—": "-",
    "–": "-",
    "‐": "-",
    "−": "-",
    "…": "...",
    "±": "+/-",
    "≥": ">=",
    "≤": "<=",
    "×": "x",
    "→": "->",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "·": ".",
    "•": "*",
    "µ": "u",
    "°": " deg",
    "\u00a0": " ",
}
# Errors that mean the output itself cannot be written.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EBADF, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", -1)}


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """Write what an encoding cannot hold readably: a plain equivalent, the letter without its
    accent, or U+XXXX."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for ch in error.object[error.start : error.end]:
        plain = _PLAIN.get(ch)
        if plain is None:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            plain = base or f"U+{ord(ch):04X}"
        out.append(plain)
    return "".join(out), error.end


codecs.register_error(FALLBACK, _fallback)


class _AsciiEncoder(codecs.IncrementalEncoder):
    """ASCII with the readable fallback."""

    def encode(self, text: str, final: bool = False) -> bytes:
        """Encode text, writing what ASCII cannot hold the readable way."""
        return codecs.ascii_encode(text, FALLBACK)[0]


def _search(name: str) -> codecs.CodecInfo | None:
    """Find the ASCII-with-fallback codec. Click re-encodes a stream whose codec is named
    ascii as UTF-8, which an ASCII terminal shows as mojibake; this one has its own name."""
    if name not in {"npt_ascii", "npt-ascii"}:
        return None
    return codecs.CodecInfo(
        name="npt-ascii",
        encode=lambda text, errors="strict": codecs.ascii_encode(text, FALLBACK),
        decode=codecs.ascii_decode,
        incrementalencoder=_AsciiEncoder,
        incrementaldecoder=codecs.getincrementaldecoder("ascii"),
    )


codecs.register(_search)


class _Closed(io.RawIOBase):
    """Standard output that was closed before the command started: writes fail until the
    failure has been reported, then vanish (so exit does not report it again)."""

    reported = False

    def writable(self) -> bool:
        """Say the stream takes writes (which then fail), so printing reports the failure."""
        return True

    def write(self, data: object) -> int:
        """Refuse the write as the system would on a closed descriptor."""
        if self.reported:
            return len(memoryview(data))  # type: ignore[arg-type]
        raise OSError(errno.EBADF, "standard output is closed")


def prepare_streams() -> None:
    """Make a closed standard output fail loudly, and give terminals that cannot encode every
    character a readable fallback instead of UnicodeEncodeError."""
    if sys.stdout is None:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(_Closed()), encoding="utf-8")
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        if not isinstance(stream, io.TextIOWrapper):
            continue  # a test runner's stream, or one set up by a caller
        name = codecs.lookup(encoding).name
        if name == "ascii":
            stream.reconfigure(encoding="npt-ascii", errors="strict")
        elif name not in {"utf-8", "npt-ascii"}:
            stream.reconfigure(errors=FALLBACK)


def is_output_failure(error: OSError) -> bool:
    """Say whether an error that escaped a command is the output failing (a full disk, a closed
    descriptor), rather than a file the command opened (those are reported by name)."""
    return error.errno in _OUTPUT_ERRNOS and error.filename is None


def silence_stdout() -> None:
    """After a broken pipe or a failed write, send whatever is still buffered nowhere, so the
    exit stays quiet."""
    raw = getattr(getattr(sys.stdout, "buffer", None), "raw", None)
    if isinstance(raw, _Closed):
        raw.reported = True
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # not a real descriptor (a test runner's buffer): nothing will be flushed to it


def flush_stdout() -> None:
    """Flush standard output now, so a failure is reported by the command, not at exit."""
    if sys.stdout is not None:
        sys.stdout.flush()
