"""Typesetting with typst: one call per document, safe to run in threads side by side.

typst works outside Python's lock, so a session's packet and its labels are typeset at the
same time (`together`) on a machine with more than one core.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

TEMPLATES = Path(__file__).parent / "templates"
T = TypeVar("T")


def typeset(template: str, data: str, *, timestamp: dt.datetime | None) -> bytes:
    """Compile a template with the document as JSON in `sys.inputs.data`; return the PDF. Only
    typst's embedded fonts are used, so the output is the same on every machine."""
    import typst  # noqa: PLC0415 - typst costs start-up time for commands that print no PDF

    pdf = typst.compile(
        str(TEMPLATES / template),
        sys_inputs={"data": data},
        ignore_system_fonts=True,
        # typst stamps whole seconds and refuses a time with microseconds.
        timestamp=None if timestamp is None else timestamp.replace(microsecond=0),
    )
    if not isinstance(pdf, bytes):  # a list comes back only for one-image-per-page formats
        raise TypeError(f"typst returned {type(pdf).__name__} for a PDF")
    return pdf


def together(jobs: Sequence[Callable[[], T]]) -> list[T]:
    """Run renderers side by side (each in its own thread) and return their results in order;
    an error in one is raised here as it would have been alone."""
    if len(jobs) < 2:
        return [job() for job in jobs]
    results: list[T | BaseException | None] = [None] * len(jobs)

    def run(index: int) -> None:
        try:
            results[index] = jobs[index]()
        except BaseException as error:  # handed back to the caller below, as raised
            results[index] = error

    # concurrent.futures would cost start-up time; plain threads do the same here.
    threads = [threading.Thread(target=run, args=(i,)) for i in range(1, len(jobs))]
    for thread in threads:
        thread.start()
    run(0)
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]
