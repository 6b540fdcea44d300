"""One place that knows which renderer draws which document in which format.

Every command that prints a document goes through `render`: the document kind and the format
pick one renderer from `RENDERERS`, and the overloads below tie each kind to its typed document,
so mypy checks every call. Renderers are imported only when their format is asked for: Jinja2,
typst and segno cost start-up time.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, overload

from npt_protocol.errors import InputError

if TYPE_CHECKING:
    from npt_protocol.render.answers import CheckDocument, RecipeDocument
    from npt_protocol.render.doctypes import (
        ChecklistDoc,
        DocumentMeta,
        LabelsDoc,
        SessionDoc,
    )
    from npt_protocol.render.listings import (
        ConfigDoc,
        LogDocument,
        ProductsDocument,
        ProtocolDocument,
        ProtocolsDoc,
    )

DocumentKind = Literal[
    "checklist",
    "session",
    "labels",
    "recipe",
    "check",
    "products",
    "protocols",
    "protocol",
    "log",
    "config",
]
Format = Literal["text", "md", "html", "pdf", "json"]
FORMATS: tuple[Format, ...] = ("text", "md", "html", "pdf", "json")

_SHEETS = "npt_protocol.render.sheets"
_LISTINGS = "npt_protocol.render.listings"
# (kind, format) -> "module:function"; every function takes (document, meta, timestamp).
RENDERERS: dict[tuple[DocumentKind, Format], str] = {
    ("checklist", "text"): f"{_SHEETS}:checklist_text",
    ("checklist", "md"): f"{_SHEETS}:checklist_md",
    ("checklist", "html"): "npt_protocol.render.html:render_checklist_html",
    ("checklist", "pdf"): "npt_protocol.render.pdf:render_checklist_pdf",
    ("checklist", "json"): "npt_protocol.render.registry:document_json",
    ("session", "text"): f"{_SHEETS}:session_text",
    ("session", "md"): f"{_SHEETS}:session_md",
    ("session", "html"): "npt_protocol.render.html:render_session_html",
    ("session", "pdf"): "npt_protocol.render.pdf:render_session_pdf",
    ("session", "json"): "npt_protocol.render.registry:document_json",
    ("labels", "text"): "npt_protocol.render.labels:labels_text",
    ("labels", "pdf"): "npt_protocol.render.labels:labels_pdf",
    ("labels", "json"): "npt_protocol.render.registry:document_json",
    ("recipe", "text"): "npt_protocol.render.answers:recipe_text",
    ("recipe", "json"): "npt_protocol.render.answers:recipe_json",
    ("check", "text"): "npt_protocol.render.answers:check_text",
    ("check", "json"): "npt_protocol.render.answers:check_json",
    ("products", "text"): f"{_LISTINGS}:products_text",
    ("products", "json"): f"{_LISTINGS}:products_json",
    ("protocols", "text"): f"{_LISTINGS}:protocols_text",
    ("protocols", "json"): "npt_protocol.render.registry:plain_json",
    ("protocol", "text"): f"{_LISTINGS}:protocol_text",
    ("protocol", "json"): f"{_LISTINGS}:protocol_json",
    ("log", "text"): f"{_LISTINGS}:log_text",
    ("log", "json"): f"{_LISTINGS}:log_json",
    ("config", "text"): f"{_LISTINGS}:config_text",
    ("config", "json"): "npt_protocol.render.registry:plain_json",
}
_NAMES: dict[DocumentKind, str] = {
    "checklist": "A checklist",
    "session": "A session packet",
    "labels": "Syringe labels",
    "recipe": "A recipe",
    "check": "A check",
    "products": "The product list",
    "protocols": "The protocol list",
    "protocol": "A protocol",
    "log": "A log listing",
    "config": "The settings",
}


def formats_of(kind: DocumentKind) -> tuple[Format, ...]:
    """Return the formats a kind of document is printed in, in the usual order."""
    return tuple(fmt for fmt in FORMATS if (kind, fmt) in RENDERERS)


def check_format(kind: DocumentKind, fmt: Format) -> None:
    """Refuse a format the kind is not printed in, saying which it is printed in."""
    if (kind, fmt) not in RENDERERS:
        available = formats_of(kind)
        raise InputError(
            f"{_NAMES[kind]} prints as {', '.join(available[:-1])} or {available[-1]}, not "
            f"{fmt}; choose one of those with --format."
        )


def renderer(kind: DocumentKind, fmt: Format) -> Callable[..., str | bytes]:
    """Import and return the renderer of a kind in a format."""
    check_format(kind, fmt)
    module, name = RENDERERS[kind, fmt].split(":")
    function: Callable[..., str | bytes] = getattr(importlib.import_module(module), name)
    return function


@overload
def render(
    kind: Literal["checklist"],
    doc: ChecklistDoc,
    fmt: Format,
    *,
    meta: DocumentMeta,
    timestamp: dt.datetime | None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["session"],
    doc: SessionDoc,
    fmt: Format,
    *,
    meta: DocumentMeta,
    timestamp: dt.datetime | None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["labels"],
    doc: LabelsDoc,
    fmt: Format,
    *,
    meta: DocumentMeta,
    timestamp: dt.datetime | None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["recipe"],
    doc: RecipeDocument,
    fmt: Format,
    *,
    meta: None = None,
    timestamp: None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["check"],
    doc: CheckDocument,
    fmt: Format,
    *,
    meta: None = None,
    timestamp: None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["products"],
    doc: ProductsDocument,
    fmt: Format,
    *,
    meta: None = None,
    timestamp: None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["protocols"],
    doc: ProtocolsDoc,
    fmt: Format,
    *,
    meta: None = None,
    timestamp: None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["protocol"],
    doc: ProtocolDocument,
    fmt: Format,
    *,
    meta: None = None,
    timestamp: None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["log"],
    doc: LogDocument,
    fmt: Format,
    *,
    meta: None = None,
    timestamp: None = None,
) -> str | bytes: ...
@overload
def render(
    kind: Literal["config"],
    doc: ConfigDoc,
    fmt: Format,
    *,
    meta: None = None,
    timestamp: None = None,
) -> str | bytes: ...
def render(
    kind: DocumentKind,
    doc: Any,
    fmt: Format,
    *,
    meta: DocumentMeta | None = None,
    timestamp: dt.datetime | None = None,
) -> str | bytes:
    """Render a document of a kind in a format; `timestamp` fixes a PDF's own dates. Terminal
    text is fitted to 100 columns."""
    content = renderer(kind, fmt)(doc, meta, timestamp)
    if fmt == "text" and isinstance(content, str):
        from npt_protocol.render.fit import fit_text  # noqa: PLC0415 - small; text only

        return fit_text(content)
    return content


def to_json(data: Any) -> str:
    """Write JSON as every command prints it: indented, UTF-8 as it is, ending in a newline."""
    import json  # noqa: PLC0415 - `npt prepare` without --json never needs it

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def document_json(doc: Any, meta: DocumentMeta, timestamp: dt.datetime | None) -> str:
    """Print a printed document's JSON, with the `document` it was made as."""
    return to_json({**doc, "document": meta})


def plain_json(doc: Any, meta: None, timestamp: None) -> str:
    """Print a listing's JSON as it is."""
    return to_json(doc)
