"""Prepare, check and print Perineural Injection Treatment solutions and protocols, exactly.

The public API (docs/api.md): `prepare`, `check`, `plan_session`, `load_library` and `render_as`,
loaded on first use so that importing the package, and every `npt` command, stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "check", "load_library", "plan_session", "prepare", "render_as"]

if TYPE_CHECKING:
    from npt_protocol.api import check, load_library, plan_session, prepare, render_as

_API = frozenset({"check", "load_library", "plan_session", "prepare", "render_as"})


def __getattr__(name: str) -> Any:
    """Load the public API on first use."""
    if name in _API:
        return getattr(importlib.import_module("npt_protocol.api"), name)
    raise AttributeError(f"module 'npt_protocol' has no attribute {name!r}")
