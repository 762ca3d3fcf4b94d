"""Build step of the package: the message catalogues are compiled into it.

The .po files are the sources (facilities/translations); the .mo files the app reads are build products, so
`pip install .` and the wheel compile them here, into the build (an editable install: next to the .po files).
Everything else is declared in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGUES = Path("facilities/translations")


class BuildWithCatalogues(build_py):
    def run(self):
        super().run()
        target = Path(".") if self.editable_mode else Path(self.build_lib)
        for compiled in compile_catalogues(target):
            self.announce(f"compiled {compiled}", level=2)


def compile_catalogues(root: Path) -> list[Path]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for source in sorted(CATALOGUES.glob("*/LC_MESSAGES/*.po")):
        with source.open("rb") as po:
            catalogue = read_po(po, locale=source.parts[-3])
        target = root / source.with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as mo:
            write_mo(mo, catalogue)
        compiled.append(target)
    if not compiled:
        raise SystemExit(f"no message catalogue under {CATALOGUES}: the package would speak English only")
    return compiled


setup(cmdclass={"build_py": BuildWithCatalogues})
