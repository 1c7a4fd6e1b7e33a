"""python -m benchmarks [--scale small|umbrella|national] [--only NAME ...] [--rebuild]

Builds the synthetic data of the scale once (cached in ``benchmarks/.data/`` for SQLite, or in
a database of its own on the PostgreSQL server of ``DATABASE_URL``), then measures every
benchmark against its baseline. Prints one JSON object per line, then a summary table; exits 1
when an answer differs from its baseline's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / ".data"


def database_address(scale: str) -> str:
    """Where the scale's data lives: a SQLite file, or ``<name>_bench_<scale>`` on the
    PostgreSQL server of DATABASE_URL."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        base, _, name = url.rpartition("/")
        name = name.split("?")[0] or "lms"
        return f"{base}/{name}_bench_{scale}"
    DATA_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{DATA_DIR / f'{scale}.sqlite3'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[1])
    parser.add_argument(
        "--scale", choices=["small", "umbrella", "national"], default=os.environ.get("SCALE") or "small"
    )
    parser.add_argument("--only", nargs="*", default=None, help="run only these benchmarks")
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--explain", action="store_true", help="print the query plans of the engine")
    parser.add_argument(
        "--quick", action="store_true", help="one timing each (a smoke test, not a measurement)"
    )
    args = parser.parse_args(argv)
    address = database_address(args.scale)
    if args.scale == "national" and not address.startswith(("postgres://", "postgresql://")):
        parser.error(
            "the national scale (3 million marks) runs on PostgreSQL only: "
            "set DATABASE_URL=postgresql://user@host/name"
        )

    os.environ["BENCH_DATABASE"] = address
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.runner import run

    return run(args.scale, only=args.only, rebuild=args.rebuild, explain=args.explain, quick=args.quick)


if __name__ == "__main__":
    sys.exit(main())
