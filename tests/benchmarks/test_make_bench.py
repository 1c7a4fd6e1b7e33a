"""`make bench` runs: every benchmark at the small scale, once each (a smoke test; the timings
are `make bench`'s business), with answers equal to their baselines."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = [
    "clearance_org",
    "clearance_umbrella",
    "report_org",
    "report_umbrella",
    "feed_build",
    "feed_304",
    "board_page",
    "register_page",
    "import_check",
    "import_write",
]


@pytest.mark.slow
def test_every_benchmark_runs_and_answers_as_its_baseline():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--scale", "small", "--quick"],
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert [line["name"] for line in lines] == NAMES
    for line in lines:
        assert line["same_answer"] is True, line
        assert line["scale"] == "small" and line["ours_ms"] > 0 and line["baseline_ms"] > 0
        assert set(line) >= {"name", "scale", "ours_ms", "baseline_ms", "ratio", "queries", "rows"}
        # The first answer after a change (a mark saved), of ours and of the baseline alike.
        assert line["cold_ms"] > 0 and line["cold_baseline_ms"] > 0 and line["cold_queries"] > 0
        assert abs(line["cold_ratio"] - line["cold_ms"] / line["cold_baseline_ms"]) < 0.01
    queries = {line["name"]: (line["queries"], line["cold_queries"]) for line in lines}
    assert queries["feed_304"][0] <= 2
    # What is cached takes more queries cold than warm; what is not, the same.
    assert all(queries[name][1] > queries[name][0] for name in ("feed_build", "feed_304", "board_page"))
    assert all(queries[name][1] == queries[name][0] for name in ("clearance_org", "report_org"))
    assert "benchmark" in done.stdout and "cold ms" in done.stdout  # the summary table


def test_the_national_scale_is_refused_on_sqlite(monkeypatch, capsys):
    from benchmarks.__main__ import main

    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(SystemExit) as stopped:
        main(["--scale", "national"])
    assert stopped.value.code == 2
    assert "PostgreSQL only" in capsys.readouterr().err
