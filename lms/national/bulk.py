"""Fast inserts of many rows: COPY on PostgreSQL, executemany on SQLite, one transaction.

Rows are tuples in the order of the given columns. Values must already be in the form the
database stores: `Writer.day`, `Writer.moment` and `Writer.flag` turn dates, timestamps and
booleans into what SQLAlchemy itself would write on this dialect (on SQLite, ISO text and 0/1).
Ids are given by the caller (from `next_id`), so rows can refer to each other without reading
anything back; PostgreSQL's sequences are moved past them at the end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from itertools import islice

import sqlalchemy as sa

BATCH = 20_000


class Writer:
    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.dialect = connection.dialect.name
        self.raw = connection.connection.driver_connection
        self.counts: Counter[str] = Counter()
        self._with_ids: set[str] = set()
        if self.dialect == "sqlite":
            self.day = lru_cache(maxsize=8192)(_sqlite_day)
            self.moment = _sqlite_moment
            self.flag = int
            # A larger page cache for the index inserts of this one big transaction.
            self.raw.execute("PRAGMA cache_size=-262144")
        else:
            self.day = self.moment = self.flag = _same

    def next_id(self, table: sa.Table) -> int:
        return (self.connection.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def write(self, table: sa.Table, columns: list[str], rows: Iterable[tuple]) -> int:
        """Insert the rows; return how many."""
        if "id" in columns:
            self._with_ids.add(table.name)
        names = ", ".join(columns)
        written = 0
        if self.dialect == "postgresql":
            sql = f"COPY {table.name} ({names}) FROM STDIN"
            with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            marks = ", ".join("?" * len(columns))
            statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608
            cursor = self.raw.cursor()
            iterator = iter(rows)
            while batch := list(islice(iterator, BATCH)):
                cursor.executemany(statement, batch)
                written += len(batch)
            cursor.close()
        self.counts[table.name] += written
        return written

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids written here."""
        if self.dialect != "postgresql":
            return
        for name in sorted(self._with_ids):
            self.connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {name}))"
                )
            )


def _same(value):
    return value


def _sqlite_day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_moment(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")
