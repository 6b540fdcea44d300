"""QR codes for labels: segno's encoder, drawn as SVG here.

`import segno` also loads its writers, which load xml.sax.saxutils and through it urllib.request,
http.client, email and ssl: a third of the label's cost in a session, for one SVG path. The
encoder and its helpers need none of that, so they are loaded from segno's own folder as a
private package (its top module, which imports the writers, is never run). The SVG is the same,
byte for byte, as segno's writer makes with the options labels use (a test compares them); if
segno's layout ever differs from this, the whole package is imported and its writer used.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import sys
import types
from typing import Any

_PRIVATE = "_npt_segno"  # segno's folder under a name of our own


def _encoder() -> tuple[Any, Any] | None:
    """Return segno's `encoder.encode` and `utils.matrix_to_lines`, loaded without segno's
    writers; None when segno is not laid out as expected."""
    try:
        loaded = sys.modules.get(_PRIVATE)
        if loaded is None:
            spec = importlib.util.find_spec("segno")
            if spec is None or not spec.submodule_search_locations:
                return None
            loaded = types.ModuleType(_PRIVATE)
            loaded.__path__ = list(spec.submodule_search_locations)
            sys.modules[_PRIVATE] = loaded
        encoder = importlib.import_module(f"{_PRIVATE}.encoder")
        utils = importlib.import_module(f"{_PRIVATE}.utils")
        return encoder.encode, utils.matrix_to_lines
    except (ImportError, AttributeError):
        return None


def qr_svg(text: str) -> str:
    """Draw a QR code of the text (error correction M, never Micro QR) as SVG in millimetres,
    one module a millimetre, with a one-module quiet zone."""
    parts = _encoder()
    if parts is None:
        return segno_svg(text)
    encode, matrix_to_lines = parts
    matrix = encode(text, error="m", micro=False).matrix
    border = 1
    width, height = len(matrix[0]) + 2 * border, len(matrix) + 2 * border
    # segno's own path: one horizontal line per run of dark modules, each relative to the last.
    moves: list[str] = []
    last_x: int = 0
    last_y: float = 0
    for (x1, y1), (x2, _) in matrix_to_lines(matrix, border, border + 0.5):
        dy = y1 - last_y
        step = int(dy) if int(dy) == dy else dy  # segno writes 1, not 1.0
        moves.append(f"{'m' if moves else 'M'}{x1 - last_x} {step}h{x2 - x1}")
        last_x, last_y = x2, y1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}" class="segno"><path class="qrline" stroke="#000" '
        f'd="{"".join(moves)}"/></svg>\n'
    )


def segno_svg(text: str) -> str:
    """Draw the same QR code with segno's own writer (the whole package)."""
    import segno  # noqa: PLC0415 - the fallback, and the reference the tests compare with

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind="svg", border=1, xmldecl=False, svgns=True, unit="mm"
    )
    return buffer.getvalue().decode("utf-8")
