"""PDFs from print templates with WeasyPrint: Vietnamese text in embedded DejaVu fonts.

The URL fetcher serves only files under ledger/static and the DejaVu font files; any other URL
(file://, http://, data from elsewhere) is refused, so a template or user text cannot pull in
anything from the machine or the network.

WeasyPrint is imported on the first PDF, not with this module: it costs most of a second of CPU, which
every `ledger` command and every gunicorn worker would otherwise pay at start-up, PDF or not.
"""
import functools
import mimetypes
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, render_template
from flask_babel import get_locale

BASE_URL = "https://ledger.invalid/"  # never fetched over the network: the fetcher below answers it
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")
FALLBACK_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> Response:
    """PDF bytes as an answer: shown in the browser, or saved under `filename` when `download`."""
    disposition = "attachment" if download else "inline"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def render_pdf(template_name: str, **context) -> bytes:
    """Render a print template (extending print_base.html) and return the PDF bytes."""
    from weasyprint import HTML

    html = render_template(template_name, **{"lang": str(get_locale() or "vi"), **context})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher()).write_pdf()


def static_only_fetcher():
    """A fresh fetcher for one rendering (WeasyPrint's fetchers keep the request they are answering)."""
    return fetcher_class()()


@functools.cache
def fetcher_class() -> type:
    """StaticOnlyFetcher, a subclass of WeasyPrint's URLFetcher, built once on the first PDF."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Answers /static/<file> from ledger/static and /fonts/<DejaVu file> from the font folder."""

        def fetch(self, url, headers=None):
            file = static_file(url)
            mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": mime})

    return StaticOnlyFetcher


def static_file(url: str) -> Path:
    """The file a print template's URL names: one of ours under /static/ or a DejaVu font; anything else raises."""
    path = unquote(urlsplit(url).path) if url.startswith(BASE_URL) else ""
    static_prefix = current_app.static_url_path.rstrip("/") + "/"
    if path.startswith(static_prefix):
        return inside(Path(current_app.static_folder), path.removeprefix(static_prefix))
    if path.startswith("/fonts/") and path.removeprefix("/fonts/") in FONT_FILES:
        return font_dir() / path.removeprefix("/fonts/")
    raise ValueError(f"PDF rendering fetches only our static files, not {url}")


def inside(root: Path, relative: str) -> Path:
    """The file at root/relative, refusing anything that escapes root (.., symlinks)."""
    root = root.resolve()
    file = (root / relative).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        raise ValueError(f"not a static file: {relative}")
    return file


def font_dir() -> Path:
    """Where DejaVu Sans lives: LEDGER_FONT_DIR, else what fontconfig says, else Debian's folder."""
    configured = current_app.config.get("LEDGER_FONT_DIR")
    return Path(configured) if configured else system_font_dir()


@functools.cache
def system_font_dir() -> Path:
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans:style=Book"], capture_output=True,
                               text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found.endswith("DejaVuSans.ttf"):
        return Path(found).parent
    return FALLBACK_FONT_DIR
