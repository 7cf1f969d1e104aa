"""A synthetic national dataset for load tests: `flask --app wsgi national generate`.

Deterministic from a seed and a reference day, inserted in bulk (COPY on PostgreSQL, executemany
on SQLite) in one transaction. Never load it into a database that holds real people: its
accounts share one known password and its verification codes derive from the seed.
"""
