"""`ledger run` serves only a database it can answer from: an empty one or one behind the code's migrations
is refused with what to run instead, and a current one is served."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner
from flask_migrate import upgrade

from ledger import create_app
from ledger.cli import cli
from tests.conftest import BASE_CONFIG

PREVIOUS_HEAD = "c4names0001"


def ledger(url: str, *args: str):
    env = {"LEDGER_DATABASE_URL": url, "LEDGER_SECRET_KEY": "test"}
    return CliRunner().invoke(cli, list(args), env=env)


def test_an_empty_database_is_not_served(tmp_path):
    result = ledger(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "run")
    assert result.exit_code == 1
    assert "Cơ sở dữ liệu còn trống" in result.output and "ledger init" in result.output


def test_a_database_behind_the_migrations_is_not_served(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision=PREVIOUS_HEAD)
    result = ledger(url, "run")
    assert result.exit_code == 1
    assert "ledger db upgrade" in result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_current_database_is_served(tmp_path):
    url = f"sqlite:///{tmp_path / 'ready.sqlite3'}"
    assert ledger(url, "init", "--admin-username", "admin", "--admin-password", "mat-khau-dai-2026").exit_code == 0
    port = free_port()
    env = {**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_SECRET_KEY": "test"}
    server = subprocess.Popen([sys.executable, "-c", "from ledger.cli import main; main()", "run", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert page_status(f"http://127.0.0.1:{port}/public/") == 200
    finally:
        server.kill()
        server.wait()


def page_status(url: str, wait: float = 20) -> int:
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"nothing answered {url} in {wait} s")
            time.sleep(0.2)


@pytest.mark.parametrize("args", [["demo", "--help"], ["--help"], ["reports", "statement", "--help"]])
def test_help_reads_in_vietnamese(tmp_path, args):
    """click's own headings ("Usage:", "Options:") become Vietnamese for every command, the features' ones too."""
    result = ledger(f"sqlite:///{tmp_path / 'help.sqlite3'}", *args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Cách dùng: ") and "[TÙY CHỌN]" in result.output
    assert "Tùy chọn:" in result.output and "Hiện hướng dẫn này rồi thoát." in result.output
    for english in ("Usage:", "Options:", "Commands:", "[OPTIONS]", "Show this message"):
        assert english not in result.output
