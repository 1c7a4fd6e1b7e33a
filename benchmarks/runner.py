"""The benchmarks: build or reuse the data, measure ours against the baselines, report.

Every benchmark has *ours* (the project's code as users reach it) and a *baseline* measured in
the same run: hand-written SQL computing the same answer for the engine and the report, and the
framework floor for the feed and the pages (a trivial view of the same routing, middleware and
authentication returning a prebuilt response of the same size). Each is run after a warm-up,
alternately, until both have at least ``MIN_RUNS`` timings and ``BUDGET`` seconds have passed
(at most ``MAX_RUNS``); the medians are reported ("warm"). Then the first answer after a change
("cold"): a real write to the organisation's records (``Benchmark.change``: a coordinator marks
one attendance, which bumps the data version, ``jour_core/versions.py``), then one answer of
ours; the same change again, then one answer of the baseline; ``COLD_RUNS`` times, alternately,
medians reported. Queries are counted on one more run of each, warm and cold.
"""

from __future__ import annotations

import datetime
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import django

MIN_RUNS, MAX_RUNS, BUDGET = 5, 41, 3.0
#: Cold answers of each (ours, then the baseline, each after its own change); one for what takes
#: over ``SLOW_MS`` warm (the people import).
COLD_RUNS, SLOW_MS = 5, 1000.0


@dataclass
class Result:
    name: str
    scale: str
    ours_ms: float
    baseline_ms: float
    queries: int
    baseline_queries: int
    rows: int
    #: The warm answer is the baseline's, and the cold one the one made afresh after it.
    same_answer: bool
    cold_ms: float
    cold_baseline_ms: float
    cold_queries: int

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.baseline_ms if self.baseline_ms else float("inf")

    @property
    def cold_ratio(self) -> float:
        return self.cold_ms / self.cold_baseline_ms if self.cold_baseline_ms else float("inf")

    def line(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "scale": self.scale,
                "ours_ms": round(self.ours_ms, 3),
                "baseline_ms": round(self.baseline_ms, 3),
                "ratio": round(self.ratio, 2),
                "queries": self.queries,
                "rows": self.rows,
                "baseline_queries": self.baseline_queries,
                "same_answer": self.same_answer,
                "cold_ms": round(self.cold_ms, 3),
                "cold_baseline_ms": round(self.cold_baseline_ms, 3),
                "cold_ratio": round(self.cold_ratio, 2),
                "cold_queries": self.cold_queries,
            }
        )


@dataclass
class Benchmark:
    name: str
    ours: Callable[[], object]
    baseline: Callable[[], object]
    same: Callable[[object, object], bool]
    rows: Callable[[object], int]
    #: A real write to the organisation's records, made before each cold answer (of ours and
    #: of the baseline alike): what a coordinator does before she looks again.
    change: Callable[[], None]
    #: Run first, right before the measuring: what the benchmark needs warm and prebuilt (so
    #: that another benchmark's changes before it do not count).
    prepare: Callable[[], None] | None = None
    #: The answer made afresh right after a cold answer, which ``same`` compares it with (a
    #: stale or broken cold answer is a different answer): the baseline's by default; a page,
    #: whose baseline answers the bytes of before the change, is rendered again with every
    #: cache emptied.
    fresh: Callable[[], object] | None = None


# The database -------------------------------------------------------------------------------------


def _reset_database() -> None:
    """An empty database for the build: the SQLite file removed, or the PostgreSQL database
    dropped and created again."""
    from django.db import connection

    settings = connection.settings_dict
    connection.close()
    if connection.vendor == "sqlite":
        Path(settings["NAME"]).unlink(missing_ok=True)
        return
    import psycopg

    name = settings["NAME"]
    with psycopg.connect(
        dbname="postgres",
        host=settings["HOST"],
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _database_exists() -> bool:
    from django.db import connection

    if connection.vendor == "sqlite":
        return Path(connection.settings_dict["NAME"]).exists()
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError:
        return False
    return True


def prepare(scale_name: str, rebuild: bool) -> dict:
    """The scale's data, built unless a complete build of this version, not older than 30 days,
    is already there. Returns its meta (version, scale, anchor)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from . import data

    today = timezone.localdate()
    meta = data.read_meta() if _database_exists() and not rebuild else None
    if (
        meta is not None
        and meta["version"] == data.VERSION
        and meta["scale"] == scale_name
        and (today - meta["anchor"]).days <= 30
    ):
        call_command("migrate", verbosity=0)  # tables added since the build (they start empty)
        return meta
    where = connection.settings_dict["NAME"]
    print(f"Building the {scale_name} data in {where} (once; later runs reuse it)…", file=sys.stderr)
    started = time.perf_counter()
    _reset_database()
    call_command("migrate", verbosity=0)
    counts = data.build(data.SCALES[scale_name], today, log=lambda m: print(m, file=sys.stderr))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    data.write_meta(data.SCALES[scale_name], today)
    print(
        f"Built in {time.perf_counter() - started:.0f} s: "
        + ", ".join(f"{n:,} {what}".replace(",", " ") for what, n in counts.items()),
        file=sys.stderr,
    )
    return data.read_meta()


# Measuring -------------------------------------------------------------------------------------------


def _count_queries(fn: Callable[[], object]) -> tuple[object, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return result, len(queries)


def measure(benchmark: Benchmark, scale: str, quick: bool = False) -> Result:
    if benchmark.prepare is not None:
        benchmark.prepare()
    ours_result, queries = _count_queries(benchmark.ours)
    baseline_result, baseline_queries = _count_queries(benchmark.baseline)
    same = benchmark.same(ours_result, baseline_result)
    for _ in range(0 if quick else 2):  # warm-up
        benchmark.ours()
        benchmark.baseline()
    gc.collect()
    ours, baseline = [], []
    started = time.perf_counter()
    least, most, budget = (1, 1, 0) if quick else (MIN_RUNS, MAX_RUNS, BUDGET)
    while len(ours) < most and (len(ours) < least or time.perf_counter() - started < budget):
        for fn, times in ((benchmark.ours, ours), (benchmark.baseline, baseline)):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    runs = 1 if quick or statistics.median(ours) * 1000 > SLOW_MS else COLD_RUNS
    cold_ours, cold_baseline, cold_queries, cold_same = _cold(benchmark, runs)
    return Result(
        benchmark.name,
        scale,
        statistics.median(ours) * 1000,
        statistics.median(baseline) * 1000,
        queries,
        baseline_queries,
        benchmark.rows(ours_result),
        same and cold_same,
        statistics.median(cold_ours) * 1000,
        statistics.median(cold_baseline) * 1000,
        cold_queries,
    )


def _cold(benchmark: Benchmark, runs: int) -> tuple[list[float], list[float], int, bool]:
    """The first answers after a change: ours and the baseline alternately, each right after
    its own change (not timed); the queries of ours after one more change, and whether that
    answer is the same as one made afresh (``Benchmark.fresh``)."""
    benchmark.change()
    result, queries = _count_queries(benchmark.ours)
    same = benchmark.same(result, (benchmark.fresh or benchmark.baseline)())
    ours, baseline = [], []
    for _ in range(runs):
        for fn, times in ((benchmark.ours, ours), (benchmark.baseline, baseline)):
            benchmark.change()
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return ours, baseline, queries, same


def summary(results: list[Result]) -> str:
    head = (
        f"{'benchmark':<20}{'warm ms':>10}{'base ms':>10}{'ratio':>7}{'q':>5}{'base q':>7}"
        f"{'cold ms':>10}{'base ms':>10}{'ratio':>7}{'q':>5}{'rows':>8}  answer"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.name:<20}{r.ours_ms:>10.2f}{r.baseline_ms:>10.2f}{r.ratio:>7.2f}{r.queries:>5}"
            f"{r.baseline_queries:>7}{r.cold_ms:>10.2f}{r.cold_baseline_ms:>10.2f}{r.cold_ratio:>7.2f}"
            f"{r.cold_queries:>5}{r.rows:>8}  {'same' if r.same_answer else 'DIFFERENT'}"
        )
    return "\n".join(lines)


def run(
    scale: str,
    only: list[str] | None = None,
    rebuild: bool = False,
    explain: bool = False,
    quick: bool = False,
) -> int:
    django.setup()
    meta = prepare(scale, rebuild)
    from .cases import benchmarks, explain_plans

    if explain:
        explain_plans(meta)
        return 0
    results = []
    for benchmark in benchmarks(meta):
        if only and benchmark.name not in only:
            continue
        result = measure(benchmark, scale, quick)
        print(result.line(), flush=True)
        results.append(result)
    from django.db import connection

    print()
    print(summary(results))
    print(
        f"\n{scale} scale on {connection.vendor} ({connection.settings_dict['NAME']}), data of "
        f"{meta['anchor']}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
    )
    different = [r.name for r in results if not r.same_answer]
    if different:
        print(f"Answers differ from their baselines: {', '.join(different)}", file=sys.stderr)
        return 1
    return 0
