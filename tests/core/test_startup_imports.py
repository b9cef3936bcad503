"""Start-up stays light (issue 13): building the app — what every `ledger` command and every gunicorn worker
does first — loads no library that only some requests or commands use, and leaves the OpenAPI document's
operations to its first reader. WeasyPrint (PDFs), openpyxl (XLSX) and vietnam_provinces (`ledger units
import-divisions`) are imported where they are used. Each check runs in a fresh interpreter, since this test
process has loaded them long ago."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ON_DEMAND = ("weasyprint", "openpyxl", "vietnam_provinces")
BUILD = """
import json, sys
from ledger import create_app
from ledger.extensions import api
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "probe"})
"""
LOADED = BUILD + f"""
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {ON_DEMAND!r})))
"""
DOCUMENT = BUILD + """
written_at_start = list(api._spec.to_dict()["paths"])
served = app.test_client().get("/api/openapi.json").json
print(json.dumps({"at_start": written_at_start, "paths": list(served["paths"]),
                  "tags": [tag["name"] for tag in served["tags"]]}))
"""


def run_probe(code: str, tmp_path: Path):
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "LEDGER_SECRET_KEY": "probe",
                              "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}"})
    assert run.returncode == 0, f"the probe failed:\n{run.stderr}"
    return json.loads(run.stdout)


def test_building_the_app_loads_no_on_demand_library(tmp_path):
    loaded = run_probe(LOADED, tmp_path)
    assert not loaded, f"create_app() loaded {loaded}: import it where it is used, not at module level"


def test_the_openapi_operations_are_written_when_the_document_is_first_read(tmp_path):
    document = run_probe(DOCUMENT, tmp_path)
    assert document["at_start"] == []
    paths = document["paths"]
    assert "/api/v1/units/{code}/entries" in paths and "/public/verify/{digest}" in paths
    assert len(paths) == len(set(paths)) > 100
    tags = document["tags"]  # one per API blueprint, in the order create_app registers them
    assert tags[0] == "auth_api" and "reports_api" in tags and tags[-1] == "inspection_api"
