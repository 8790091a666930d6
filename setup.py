"""Maps the repository's top-level folders into the one import package, ``skuport``.

The folders stay where the project brief puts them (``domain/``, ``schema/``, ``server/``,
``widgets/``, ``sandbox/``); installed, they are ``skuport.domain``, ``skuport.schema`` … and
nothing else lands at the top level of site-packages.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = ("domain", "schema", "server", "widgets", "sandbox")


def _packages() -> list[str]:
    found = []
    for folder in FOLDERS:
        found.append(f"skuport.{folder}")
        found += [
            f"skuport.{folder}.{sub}"
            for sub in find_namespace_packages(folder, exclude=["*__pycache__*"])
        ]
    return found


setup(
    packages=_packages(),
    package_dir={f"skuport.{f}": f for f in FOLDERS},
)
