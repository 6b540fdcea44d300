"""The page registry: each page is a module here with a `PAGE`, listed in `PAGE_MODULES`.

A page names its address, its menu title, a one-line summary for the home page, and its routes.
The Session and During-the-session pages plug in the same way: a module with a `PAGE`,
its templates in web/templates/, and its name added below (docs/web.md, "Adding a page").
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.routing import BaseRoute

# The order is the menu's order.
PAGE_MODULES: tuple[str, ...] = (
    "home",
    "prepare",
    "check",
    "session",
    "during",
    "course",
    "protocols",
    "account",
)


@dataclass(frozen=True)
class Page:
    """A page of the app: its name, menu title and address, what it is for, and its routes."""

    name: str
    title: str
    path: str
    summary: str
    routes: Sequence[BaseRoute]
    menu: bool = True


def load_pages(modules: Sequence[str] = PAGE_MODULES) -> tuple[Page, ...]:
    """Import each page module and return its PAGE, in order."""
    pages = []
    for name in modules:
        module = importlib.import_module(f"{__name__}.{name}")
        page = module.PAGE
        if not isinstance(page, Page):
            raise TypeError(f"{module.__name__}.PAGE is not a Page")
        pages.append(page)
    return tuple(pages)
