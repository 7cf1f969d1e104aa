"""Navigation and home-page panels: each domain registers what it shows to which roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Link:
    title: object
    endpoint: str
    description: object = ""


@dataclass
class Panel:
    title: object
    roles: frozenset
    links: Callable[[object], list[Link]]
    order: int = 50


_panels: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if any(p.title == panel.title for p in _panels):
        return
    _panels.append(panel)
    _panels.sort(key=lambda p: p.order)


def panels_for(user) -> list[tuple[Panel, list[Link]]]:
    shown = []
    for panel in _panels:
        if panel.roles and not user.has_role(*panel.roles):
            continue
        links = panel.links(user)
        if links:
            shown.append((panel, links))
    return shown


@dataclass
class NavItem:
    title: object
    endpoint: str
    roles: frozenset
    order: int = 50


_nav: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if all(n.endpoint != item.endpoint for n in _nav):
        _nav.append(item)
        _nav.sort(key=lambda n: n.order)


def nav_items() -> list[NavItem]:
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    return [n for n in _nav if not n.roles or current_user.has_role(*n.roles)]
