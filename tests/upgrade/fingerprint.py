"""Every table's rows, one hash a row, read by the current code (``manage.py shell`` in this
tree; tests/upgrade/test_upgrade_from_previous_release.py runs it before and after the upgrade).

``python fingerprint.py OUT [COLUMNS]`` writes ``{table: {"columns": [...], "rows": [[hash,
key], ...]}}`` to OUT as JSON: a row's hash is over its values in the order of ``columns``, its
key the primary key (to name a row in a failure). With COLUMNS (an earlier OUT) each table is
read by the columns it had then, so that a column a migration adds changes no row's hash; a
column it dropped is listed under ``"missing"``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from django.db import connection


def row_hash(values: tuple) -> str:
    plain = tuple(bytes(v) if isinstance(v, memoryview) else v for v in values)
    return hashlib.sha256(repr(plain).encode()).hexdigest()[:32]


def primary_key(cursor, table: str) -> str | None:
    try:
        return connection.introspection.get_primary_key_column(cursor, table)
    except Exception:  # SQLite's full-text tables have none to introspect
        return None


def table_fingerprint(cursor, table: str, wanted: list[str] | None) -> dict:
    present = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    columns = [c for c in wanted if c in present] if wanted is not None else present
    key = primary_key(cursor, table)
    at = columns.index(key) if key in columns else None
    quote = connection.ops.quote_name
    cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")  # noqa: S608
    rows = sorted([row_hash(row), "" if at is None else str(row[at])] for row in cursor.fetchall())
    missing = [c for c in wanted if c not in present] if wanted is not None else []
    return {"columns": columns, "rows": rows, "missing": missing}


def fingerprints(columns: dict[str, list[str]] | None = None) -> dict[str, dict]:
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        return {t: table_fingerprint(cursor, t, (columns or {}).get(t)) for t in tables}


if __name__ == "__main__":
    earlier = json.loads(Path(sys.argv[2]).read_text()) if len(sys.argv) > 2 else {}
    columns = {table: print_["columns"] for table, print_ in earlier.items()}
    Path(sys.argv[1]).write_text(json.dumps(fingerprints(columns or None)))
