"""Language: Bahasa Indonesia by default, English on request (`?lang=en`), remembered in a cookie."""
from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import Babel, get_locale

LANGUAGES = ("id", "en")
DEFAULT = "id"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """`?lang=` wins, then the cookie, then Indonesian."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else DEFAULT


def current_language() -> str:
    """The language of the page being rendered ("id" or "en")."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


def remember_language(response: Response) -> Response:
    """Persist an explicit `?lang=` choice so the next pages stay in that language."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Wire Flask-Babel and the cookie."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)
    app.after_request(remember_language)
