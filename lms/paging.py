"""Pages: how long a page is, one page of a long list (for the pagination macro), and a small
cache of rendered pages."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app

# Far past the end of any list, and an OFFSET every database takes.
MAX_PAGE = 1_000_000


def page_number(value: int | None) -> int:
    """A page number read from the URL, made safe to query with: 1 when it is missing or below
    1, never past MAX_PAGE (a page past a list's end is empty)."""
    return min(max(value or 1, 1), MAX_PAGE)


def page_size(scale: int = 1) -> int:
    """How many rows a list shows per page: `LMS_PAGE_SIZE` from the configuration, times
    `scale` for lists of short rows (operational districts show twice as many)."""
    return current_app.config["LMS_PAGE_SIZE"] * scale


class Page:
    def __init__(self, total: int, page: int, size: int):
        self.total, self.size = total, size
        self.pages = max(1, -(-total // size))
        self.page = min(max(page, 1), self.pages)
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1
        self.items: list = []

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @classmethod
    def of_list(cls, rows: list, page: int, size: int) -> Page:
        """A page of a list already in memory (ranked over the whole list)."""
        found = cls(len(rows), page, size)
        found.items = rows[found.offset : found.offset + size]
        return found


class LRUCache:
    """The most recently used `size` entries, safe across threads of one process."""

    every: list[LRUCache] = []  # so that tests can start each from nothing

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        LRUCache.every.append(self)

    @classmethod
    def clear_all(cls) -> None:
        for cache in cls.every:
            cache.clear()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
