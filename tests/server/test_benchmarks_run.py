"""`make bench` keeps working: every benchmark runs end to end on a small data set.

The figures themselves are written by `make bench` to docs/benchmarks.md; here only that each
section completes and reports what it measured, so a change of a domain signature cannot leave
the benchmarks broken until someone next measures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMALL = {
    "SKUPORT_BENCH_ORDERS": "2500",
    "SKUPORT_BENCH_SALES": "200",
    "SKUPORT_BENCH_FAMILIES": "20",
    "SKUPORT_BENCH_PUSH_SKUS": "200",
    "SKUPORT_BENCH_IMPORT_ROWS": "200",
}


@pytest.mark.parametrize(
    ("section", "reports"),
    [
        ("operation_log", "page"),
        ("sales", "SQL statements per sale"),
        ("catalog", "SQL statements per listing"),
        ("amazon_ingest", "orders"),
        ("stock_push", "feed"),
        ("orders", "SQL statements/order"),
        ("imports", "products/s"),
    ],
)
def test_each_benchmark_runs_and_reports_its_figures(section: str, reports: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--section", section],
        cwd=ROOT,
        env={**os.environ, **SMALL},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.lstrip().startswith("## ") and reports in done.stdout
