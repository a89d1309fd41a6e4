"""A url_fetcher that serves the project's own report files and nothing else.

Anything a respondent could smuggle into the document (http(s) URLs, file
paths elsewhere on the disk, data: URLs) is refused and recorded, so tests
can show that nothing outside was ever asked for.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessment.paths import STATIC_DIR, TEMPLATES_DIR


class RefusedURL(ValueError):
    pass


class ProjectFetcher(URLFetcher):
    """Serve file: URLs under the allowed roots (and the logo file); refuse the rest."""

    def __init__(self, extra_files: tuple[Path, ...] = ()):
        super().__init__(allowed_protocols=("file",))
        self.roots = (TEMPLATES_DIR / "report", STATIC_DIR / "report")
        self.extra_files = tuple(Path(p).resolve() for p in extra_files)
        self.refused: list[str] = []
        self.served: list[str] = []
        self.generated: dict[str, tuple[bytes, str]] = {}  # URL -> (content, MIME type) made for this render

    def add_svg(self, svg: str) -> str:
        """Serve a chart we drew as an image: WeasyPrint parses an <img> SVG without the CSS cascade."""
        return self.add_image(svg.encode("utf-8"), "image/svg+xml")

    def add_image(self, content: bytes, mime: str) -> str:
        """Serve bytes held in memory (a chart, the logo kept in the database) at a URL of this render."""
        path = self.roots[1] / f"_generated-{len(self.generated)}{mimetypes.guess_extension(mime) or ''}"
        url = path.as_uri()
        self.generated[url] = (content, mime)
        return url

    def allows(self, path: Path) -> bool:
        path = path.resolve()
        if path in self.extra_files:
            return True
        return any(path.is_relative_to(root.resolve()) for root in self.roots) and path.is_file()

    def fetch(self, url, headers=None):
        if url in self.generated:
            self.served.append(url)
            content, mime = self.generated[url]
            return URLFetcherResponse(url, content, headers={"Content-Type": mime})
        parts = urlsplit(url)
        path = Path(unquote(parts.path))
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or not self.allows(path):
            self.refused.append(url)
            raise RefusedURL(f"the report fetches only its own files; refused {url[:200]!r}")
        self.served.append(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": mime})
