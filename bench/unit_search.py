"""Unit search with or without diacritics over the whole 2025 tree (34 provinces, 3,321 communes).

Usage: .venv/bin/python bench/unit_search.py [database URL]  (default: a scratch SQLite in /tmp)
"""
import sys
import time

from ledger import create_app
from ledger.extensions import db
from ledger.setup import initialise
from ledger.units import divisions, search
from ledger.units.models import Unit

QUERIES = ("binh lu", "Bình Lư", "phuong bo de", "zzzz", "xa")


def build(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LEDGER_PASSWORD_PROFILE": "CHEAPEST"})
    with app.app_context():
        initialise("admin", "bench-password", "Bench")
        if db.session.query(Unit).count() < 3000:
            from vietnam_provinces import Province

            for province in Province.iter_all():
                divisions.import_province(province.name)
            db.session.commit()
    return app


def main(url: str) -> None:
    app = build(url)
    with app.app_context():
        units = db.session.query(Unit).count()
        print(f"{units} units")
        for query in QUERIES:
            timings = []
            for _ in range(5):
                start = time.perf_counter()
                found, more = search.search_units(query, ["VN"], limit=50)
                timings.append(time.perf_counter() - start)
            print(f"{query!r:16} {len(found):3} found{'+' if more else ' '}  best {min(timings) * 1000:6.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite:////tmp/bench_unit_search.sqlite3")
