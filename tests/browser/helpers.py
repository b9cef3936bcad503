"""What several browser tests share: the two widths pages are looked at, the script that finds what sticks out
past a phone's right edge, and reading the live server's database."""
from sqlalchemy import select

from ledger.extensions import db

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Elements sticking out past the right edge of the viewport, outside any scroll wrapper: what to fix when it fails.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-wrap')) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1)
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ /g, '.') : '')
               + ' ' + Math.round(box.right));
  }
  return {scroll: document.documentElement.scrollWidth, culprits: out.slice(0, 12)};
}"""


def in_db(live_server, fn):
    """fn() in an app context of the live server's database, its session released afterwards."""
    with live_server.app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


def binh_lu_code(live_server) -> str:
    from ledger.units.models import Unit

    return in_db(live_server,
                 lambda: db.session.scalar(select(Unit.code).where(Unit.name == "Hội Khuyến học Xã Bình Lư")))
