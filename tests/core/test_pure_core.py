"""The pure core loads alone: the books' arithmetic and the scholarship rules import no web framework and
no database layer, so they can be read, reused and tested without an app. Each import runs in a fresh
interpreter, since this test process has loaded Flask long ago."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("flask", "sqlalchemy", "flask_babel")
PROBE = """
import sys, {module}
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {heavy!r})
print(", ".join(loaded))
"""


@pytest.mark.parametrize("module", ["ledger.accounts.ledger", "ledger.scholarships.rules", "ledger.core.judging",
                                    "ledger.learning.criteria.rules"])
def test_imports_without_flask_or_sqlalchemy(module):
    run = subprocess.run([sys.executable, "-c", PROBE.format(module=module, heavy=HEAVY)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"import {module} failed:\n{run.stderr}"
    loaded = run.stdout.strip()
    assert not loaded, f"import {module} loaded {loaded}: a pure module must not import {', '.join(HEAVY)}"
