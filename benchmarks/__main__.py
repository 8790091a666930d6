"""Run the benchmarks and write their figures to docs/benchmarks.md.

`python -m benchmarks` runs them all; `python -m benchmarks catalog sales` runs only those and
keeps the other sections of the file as they were. Each benchmark runs in a fresh interpreter
(`--section NAME` prints one section), so no benchmark's leftovers weigh on the next.
"""

from __future__ import annotations

import asyncio
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import amazon_ingest, catalog, imports, operation_log, orders, sales, stock_push
from skuport.server.runtime import tune_garbage_collector

BENCHMARKS = [operation_log, sales, catalog, amazon_ingest, stock_push, orders, imports]
OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
MARKER = re.compile(r"^<!-- (benchmarks\.\w+) -->$", re.MULTILINE)


def _existing_sections() -> dict[str, str]:
    """The sections already written, by benchmark module name."""
    if not OUTPUT.exists():
        return {}
    text = OUTPUT.read_text()
    found = list(MARKER.finditer(text))
    return {
        match.group(1): text[match.end() : found[i + 1].start() if i + 1 < len(found) else None]
        for i, match in enumerate(found)
    }


KNOWN = {module.__name__.split(".")[-1]: module for module in BENCHMARKS}


async def section(name: str) -> str:
    """Run one benchmark in this process, as a server would run (its collector settings)."""
    tune_garbage_collector()  # what `skuport serve` and `skuport demo` do
    return "\n" + (await KNOWN[name].run()).strip() + "\n\n"


def main(names: list[str]) -> None:
    unknown = sorted(set(names) - KNOWN.keys())
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(KNOWN)}")
    sections = _existing_sections()
    for name, module in KNOWN.items():
        if names and name not in names:
            continue
        print(f"running {module.__name__} …", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks", "--section", name],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"{module.__name__} failed (exit {done.returncode}); nothing written")
        sections[module.__name__] = done.stdout
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench`; do not edit by hand. "
        f"Last written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"Python {platform.python_version()}, {platform.system()}, 2 cores shared with other "
        "work: wall-clock rates vary between runs; CPU time and statement counts are steadier. "
        "The benchmarks run with the garbage-collector settings of a Skuport server "
        "(`server/runtime.py`: first-generation threshold 10,000, start-up objects frozen).\n\n"
    )
    body = "".join(
        f"<!-- {m.__name__} -->{sections[m.__name__]}" for m in BENCHMARKS if m.__name__ in sections
    )
    OUTPUT.write_text(header + body)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--section"]:
        sys.stdout.write(asyncio.run(section(sys.argv[2])))
    else:
        main(sys.argv[1:])
