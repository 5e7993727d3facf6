"""Response plumbing: cache validators (ETag, 304), gzip, CORS for the API, and error pages/JSON."""
from __future__ import annotations

import gzip
import logging
import sqlite3
import zlib
from collections.abc import Iterable, Iterator

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from kb.publish.generation import Unavailable
from kb.search import IndexUnavailable
from kb.web.params import MAX_PAGE, ParamError

log = logging.getLogger(__name__)

COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml", "image/svg+xml",
                "application/javascript")
MIN_GZIP_BYTES = 512


def is_api() -> bool:
    return request.path.startswith("/api/")


def finish_response(response: Response) -> Response:
    """ETag on every successful GET, 304 when the client has it, gzip when asked for. A gzipped body gets
    its own ETag ("...-gz"), set before the conditional check so that revalidation works with it too."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    static = response.direct_passthrough
    if static:  # static files: small text assets are worth compressing too
        if not (response.mimetype or "").startswith(COMPRESSIBLE) or (response.content_length or 0) > 2**20:
            return response
        response.direct_passthrough = False
    if is_api():
        response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept-Encoding")
    compress = (request.accept_encodings["gzip"] > 0 and (response.mimetype or "").startswith(COMPRESSIBLE)
                and "Content-Encoding" not in response.headers)
    if response.is_streamed and not static:  # exports: no ETag (it would need the whole body); gzip as it streams
        if compress:
            response.response = _gzip_stream(response.response)
            response.headers["Content-Encoding"] = "gzip"
        return response
    response.add_etag()
    body = response.get_data() if compress else b""
    compress = compress and len(body) >= MIN_GZIP_BYTES
    if compress:
        etag, weak = response.get_etag()
        response.set_etag(etag + "-gz", weak=weak)
    response.make_conditional(request)
    if response.status_code == 200 and compress:
        response.set_data(gzip.compress(body, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
    return response


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}")
EMBEDDABLE = {"pages.innovation_embed"}


def security_headers(response: Response) -> Response:
    """CSP without inline scripts, no MIME sniffing, a strict referrer; only the embed card may be framed."""
    embeddable = request.endpoint in EMBEDDABLE
    response.headers["Content-Security-Policy"] = CSP.format(ancestors="*" if embeddable else "'none'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if not embeddable:
        response.headers["X-Frame-Options"] = "DENY"
    return response


RETRY_AFTER_S = 5


def _unavailable(building: bool) -> Response:
    """503 while there is no readable index: the sync owner is building or repairing it."""
    message = (_("Indeks pencarian sedang dibangun. Silakan coba lagi sebentar lagi.") if building else
               _("Indeks pencarian sedang diperbaiki. Silakan coba lagi sebentar lagi."))
    response = make_response(_error(503, message))
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str):  # noqa: ANN202
    if is_api():
        response = jsonify({"error": {"status": status, "message": message}})
        response.status_code = status
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Install the hooks and error handlers."""
    app.after_request(finish_response)
    app.after_request(security_headers)
    app.jinja_env.globals["MAX_PAGE"] = MAX_PAGE  # the search pager stops where a request would be a 400

    @app.errorhandler(ParamError)
    def bad_param(exc: ParamError):  # noqa: ANN202
        return _error(400, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # noqa: ANN202
        if exc.code == 404 and not is_api():
            from kb.web.pages import not_found_page

            return not_found_page()
        response = _error(exc.code or 500, exc.description or exc.name)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:  # RFC 9110: a 405 says what is allowed
            response = make_response(response)
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Unavailable)
    def unavailable(exc: Unavailable):  # noqa: ANN202
        return _unavailable(exc.building)

    @app.errorhandler(sqlite3.DatabaseError)
    @app.errorhandler(IndexUnavailable)
    def damaged(exc: Exception):  # noqa: ANN202
        # Raised while reading a generation that opened fine: its files are damaged. The sync owner rebuilds.
        current_app.extensions["kb.generations"].report_damage(f"{type(exc).__name__} on {request.path}: {exc}")
        return _unavailable(False)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):  # noqa: ANN202
        log.exception("unhandled error on %s", request.path)
        return _error(500, "internal error; it has been logged")


def _gzip_stream(chunks: Iterable[str | bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: the gzip container
    for chunk in chunks:
        data = compressor.compress(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        if data:
            yield data
    yield compressor.flush()
