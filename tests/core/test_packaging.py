"""The built package stands on its own: a wheel carries the compiled catalogs, so an installed copy
answers in English when asked, though the *.mo files are not kept in git.
"""
import json
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENGLISH_MO = "ledger/translations/en/LC_MESSAGES/messages.mo"

# Run in the unpacked wheel: the packaged code, not the checkout, answers an anonymous API call.
ASK_BOTH_LANGUAGES = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import ledger
    from ledger import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": sys.argv[2]})
    client = app.test_client()
    answers = {lang: client.get("/api/v1/units/VN", headers={"Accept-Language": lang}).get_json()
               for lang in ("en", "vi")}
    print(json.dumps({"imported_from": ledger.__file__, "answers": answers}))
""")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built offline from a copy of the sources without any compiled catalog."""
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "ledger", source / "ledger", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(dist), str(source)], check=True, capture_output=True, cwd=source)
    (built,) = dist.glob("*.whl")
    return built


def test_the_wheel_carries_the_compiled_catalogs(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert ENGLISH_MO in names
    assert "ledger/translations/vi/LC_MESSAGES/messages.mo" in names


def test_the_wheel_carries_every_file_of_the_package(wheel):
    """Templates, static files, word lists…: a data file left out of package-data breaks only installed copies."""
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {path.relative_to(REPO).as_posix() for path in (REPO / "ledger").rglob("*")
               if path.is_file() and "__pycache__" not in path.parts}
    assert sources - names == set()


def test_the_installed_package_answers_in_english_when_asked(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    run = subprocess.run([sys.executable, "-I", "-c", ASK_BOTH_LANGUAGES, str(site),
                          f"sqlite:///{tmp_path / 'ledger.sqlite3'}"],
                         check=True, capture_output=True, text=True, cwd=tmp_path)
    result = json.loads(run.stdout)
    assert Path(result["imported_from"]).is_relative_to(site)
    english, vietnamese = result["answers"]["en"], result["answers"]["vi"]
    assert english["status"] == vietnamese["status"] == 401
    assert english["title"] == "Not authenticated"
    assert vietnamese["title"] == "Chưa xác thực"
    assert english["detail"] != vietnamese["detail"]


# Run in the unpacked wheel: `ledger init` migrates an empty database with the migrations the wheel carries.
INITIALISE = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from ledger import create_app
    from ledger.extensions import db
    from ledger.setup import initialise
    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[2], "SECRET_KEY": "test"})
    with app.app_context():
        initialise("admin", "khuyenhoc2026", "Quản trị hệ thống")
        tables = db.session.execute(db.text("SELECT count(*) FROM sqlite_master WHERE type = 'table'")).scalar()
        accounts = db.session.execute(db.text("SELECT count(*) FROM accounts")).scalar()
        print(json.dumps({"migrations": app.extensions["migrate"].directory, "tables": tables, "accounts": accounts}))
""")


def test_the_installed_package_initialises_an_empty_database(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    run = subprocess.run([sys.executable, "-I", "-c", INITIALISE, str(site), f"sqlite:///{tmp_path / 'new.sqlite3'}"],
                         check=True, capture_output=True, text=True, cwd=tmp_path)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(result["migrations"]).is_relative_to(site)
    assert result["tables"] > 30 and result["accounts"] >= 17
