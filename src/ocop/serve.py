"""A small static server for previews: serves output/ on loopback, with the site's 404 page for missing paths."""

from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files; a missing path gets 404.html with status 404, as on the public host."""

    protocol_version = "HTTP/1.1"  # keep-alive, as real web servers do
    disable_nagle_algorithm = True  # no 40 ms stall between headers and body on a kept-alive connection

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # quiet: previews and tests need no access log
        pass


def make_server(directory: Path, port: int = 8000, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server for *directory* (port 0 picks a free one); call serve_forever() on it."""
    return ThreadingHTTPServer((host, port), partial(SiteHandler, directory=str(directory)))
