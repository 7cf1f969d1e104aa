"""One page of a long list: what the pagination macro in templates/_macros.html needs."""

from __future__ import annotations


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
