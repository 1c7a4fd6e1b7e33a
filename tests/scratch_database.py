"""A throw-away PostgreSQL database on the server the suite runs against (``DATABASE_URL``), for
tests that build a database outside the suite's own: a site migrated from zero, an old release's
data. Dropped afterwards, even when the test fails."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def postgresql_server() -> str | None:
    """``DATABASE_URL`` when it names a PostgreSQL server, else None."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextmanager
def scratch_postgresql(prefix: str) -> Iterator[str]:
    """A new, empty database ``<prefix>_<random>`` on the suite's PostgreSQL server: its URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(postgresql_server())
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def scratch_database(prefix: str, directory: Path) -> Iterator[str]:
    """A new, empty database's URL: a PostgreSQL one when the suite runs there (dropped
    afterwards), else a SQLite file in ``directory``."""
    if not postgresql_server():
        yield f"sqlite:///{directory / f'{prefix}.sqlite3'}"
        return
    with scratch_postgresql(prefix) as url:
        yield url
