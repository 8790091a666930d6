"""Run every benchmark and write their figures to docs/benchmarks.md."""

from __future__ import annotations

import asyncio
import platform
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import amazon_ingest, catalog, operation_log, orders, sales, stock_push

BENCHMARKS = [operation_log, sales, catalog, amazon_ingest, stock_push, orders]
OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


async def main() -> None:
    sections = []
    for module in BENCHMARKS:
        print(f"running {module.__name__} …", flush=True)
        sections.append(await module.run())
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench`; do not edit by hand. "
        f"Last run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"Python {platform.python_version()}, {platform.system()}.\n"
    )
    OUTPUT.write_text(header + "\n" + "\n".join(sections))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    asyncio.run(main())
