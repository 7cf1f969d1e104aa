"""Navigation and home-page panels: each domain registers what it shows to which roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


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


# --- What to do now: the home page's list, filled by each domain's `todo` module -------------


@dataclass(frozen=True)
class Fact:
    """A value shown under a to-do item. `label` is a translated text holding `%(value)s`,
    which the page fills with the value in the reader's language (a number or a date)."""

    label: object
    value: object


@dataclass(frozen=True)
class Group:
    """What several to-do items belong to (a cohort), named in both scripts."""

    title_km: str | None
    title_en: str | None


@dataclass(frozen=True)
class Todo:
    """One thing waiting for the user: what (`code`, and its translated `title`), how many,
    what it concerns (in both scripts), and the page where it is done.

    A service builds it from plain values, so it is the same whatever the reader's language;
    the page writes the counts and dates in that language."""

    code: str
    title: object
    endpoint: str
    args: tuple[tuple[str, object], ...] = ()
    anchor: str | None = None
    count: int | None = None
    subject_km: str | None = None
    subject_en: str | None = None
    group: Group | None = None  # items of one group are listed together, under its name
    when: datetime | None = None  # a session's start, Cambodian wall-clock time
    today: bool = False  # `when` is today in Cambodia
    place: str | None = None
    facts: tuple[Fact, ...] = ()
    children: tuple[Todo, ...] = ()  # the parts of a long item, unfolded on the page

    @property
    def url_values(self) -> dict:
        """The keyword arguments of `url_for(endpoint, ...)` for the item's link."""
        values = dict(self.args)
        if self.anchor:
            values["_anchor"] = self.anchor
        return values
