"""Language: Bahasa Indonesia by default, English on request (`?lang=en`), remembered in a cookie.

The API answers an unsupported `?lang=` with a 400 (its OpenAPI document declares the enum); pages ignore it
and keep the remembered or default language, so a mistyped link still shows the page. Write-ups keep their
own language (`language` front-matter field): `content_lang` marks it on the elements that show them.
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import Babel, get_locale
from markupsafe import Markup

from kb.web.http import is_api
from kb.web.params import ParamError

LANGUAGES = ("id", "en")
DEFAULT = "id"
CONTENT_DEFAULT = "id"  # write-ups without a `language` field, and award descriptions (they have none)
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


def check_language() -> None:
    """API requests: every `lang` value must be a supported language."""
    if is_api() and any(v not in LANGUAGES for v in request.args.getlist("lang")):
        raise ParamError("lang", f"must be one of {', '.join(LANGUAGES)}")


def content_lang(language: str | None = None) -> Markup:
    """` lang="…"` for an element showing write-up text when the page is in another language, else nothing
    (so Indonesian pages carry no redundant attributes)."""
    language = language or CONTENT_DEFAULT
    if language == current_language():
        return Markup("")
    return Markup(' lang="%s"') % language


def remember_language(response: Response) -> Response:
    """Persist an explicit `?lang=` choice so the next pages stay in that language."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Wire Flask-Babel, the `lang` check and the cookie."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)
    app.before_request(check_language)
    app.after_request(remember_language)
    app.jinja_env.globals["content_lang"] = content_lang
