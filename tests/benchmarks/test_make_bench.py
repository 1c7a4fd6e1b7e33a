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
    assert {line["name"]: line["queries"] for line in lines}["feed_304"] <= 2
    assert "benchmark" in done.stdout and "ratio" in done.stdout  # the summary table
