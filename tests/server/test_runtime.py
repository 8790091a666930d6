"""The server's collector settings (benchmarks/ and docs/benchmarks.md rely on them)."""

from __future__ import annotations

import gc

from skuport.server.runtime import GEN0_THRESHOLD, tune_garbage_collector


def test_the_server_collects_garbage_less_often_and_skips_its_start_up_objects():
    before = gc.get_threshold()
    try:
        tune_garbage_collector()
        assert gc.get_threshold() == (GEN0_THRESHOLD, before[1], before[2])
        assert gc.get_freeze_count() > 0  # modules, mappers and the like are left alone
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
