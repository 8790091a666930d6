"""Process settings of a Skuport server: the garbage collector's thresholds.

Order processing and catalog downloads allocate many short-lived objects per order (parsed
JSON, ORM rows and their state). CPython's default first-generation threshold (700 net
allocations) then runs the collector every few orders, and every tenth of those runs walks
the older generation too, so the collector's share of a long run grows with the number of
objects the process holds. A threshold of 10,000 keeps the same ratios between generations
while running the collector an order of magnitude less often; objects in reference cycles are
still freed, a little later. What exists once the server has started (modules, mappers,
compiled statements) is frozen out of the collector's walks (`gc.freeze`).

`docs/benchmarks.md` shows the effect: the orders benchmark runs under these settings, as a
server does (`benchmarks/__main__.py`).
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 10_000


def tune_garbage_collector() -> None:
    """Raise the first generation's threshold and freeze what exists now (idempotent)."""
    _, gen1, gen2 = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
