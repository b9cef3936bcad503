"""Build hook: compile the gettext catalogs into the built package (everything else is in pyproject.toml).

The compiled catalogs (*.mo) are not kept in git; without this step an installed package would answer
only in Vietnamese, whatever the client asks for.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CATALOGS = "ledger/translations/*/LC_MESSAGES/*.po"


class BuildPyWithCatalogs(build_py):
    def run(self):
        super().run()
        # An editable install imports the package from the checkout, so the catalogs go there.
        target = ROOT if self.editable_mode else Path(self.build_lib)
        for po in sorted(ROOT.glob(CATALOGS)):
            compile_catalog(po, target / po.relative_to(ROOT).with_suffix(".mo"))


def compile_catalog(po: Path, mo: Path) -> None:
    """As `pybabel compile`: fuzzy translations are left out."""
    with open(po, "rb") as source:
        catalog = read_po(source, locale=po.parts[-3])
    mo.parent.mkdir(parents=True, exist_ok=True)
    with open(mo, "wb") as compiled:
        write_mo(compiled, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
