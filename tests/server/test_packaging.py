"""Installed as users install it: the wheel puts nothing in site-packages but `skuport`.

Users run Skuport inside their own JupyterLab environments, next to PyPI's `schema` (a popular
validation library) and `domain` packages. Both must keep working whichever is installed first,
and removing theirs must not break ours.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("domain", "schema", "server", "widgets", "sandbox", "setup.py", "pyproject.toml")
THEIRS = ("schema==0.7.8", "domain==0.1.4")

# Each side must import as its own: PyPI's schema has `Schema`, its domain a version; ours the
# GraphQL schema, the domain's order processing and the sandbox.
PROBE = """
import schema, domain
assert hasattr(schema, "Schema") and hasattr(domain, "__version__"), "theirs"
from skuport.schema.schema import schema as api
from skuport.domain.orders import models
import skuport.sandbox.app, skuport.widgets, skuport.server.cli
assert "type Query" in api.as_str()
from skuport.widgets.client import SDL_PATH
assert SDL_PATH.is_file(), "the runbooks' client validates queries against the shipped SDL"
from skuport.domain.db.migrate import MIGRATIONS_DIR
assert len(list((MIGRATIONS_DIR / "versions").glob("*.py"))) >= 5, "migrations ship"
print("both")
"""
OURS_ONLY = "from skuport.schema.schema import schema; import skuport.domain.db; print('ours')"


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources, so the checkout stays untouched."""
    source = tmp_path_factory.mktemp("source")
    for name in (*SOURCES, "README.md"):
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source)
    (built,) = out.glob("skuport-*.whl")
    return built


def _environment(where: Path) -> Path:
    """A fresh virtual environment that sees the test environment's dependencies last."""
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    ours = sysconfig.get_paths()["purelib"]
    (Path(purelib.strip()) / "zz_test_dependencies.pth").write_text(ours + "\n")
    return python


def _pip(python: Path, *args: str | Path) -> None:
    _run(python, "-m", "pip", "--disable-pip-version-check", "-q", *args)


def test_the_wheel_installs_only_the_skuport_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
        entry_points = archive.read(next(n for n in archive.namelist() if "entry_points" in n))
    assert {top for top in tops if not top.endswith(".dist-info")} == {"skuport"}
    assert b"skuport = skuport.server.cli:main" in entry_points


@pytest.mark.parametrize("ours_first", [True, False], ids=["ours-then-theirs", "theirs-then-ours"])
def test_skuport_lives_beside_pypi_schema_and_domain(
    wheel: Path, tmp_path: Path, ours_first: bool
) -> None:
    python = _environment(tmp_path / "env")
    steps = [("--no-deps", wheel), THEIRS] if ours_first else [THEIRS, ("--no-deps", wheel)]
    for step in steps:
        _pip(python, "install", *step)
    assert _run(python, "-c", PROBE, cwd=tmp_path).strip() == "both"

    _pip(python, "uninstall", "-y", "schema", "domain")
    assert _run(python, "-c", OURS_ONLY, cwd=tmp_path).strip() == "ours"
