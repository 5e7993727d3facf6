"""Signing in and out, accounts, and the security plumbing of authoring: Flask-Login sessions, Flask-WTF
CSRF tokens on every form, Flask-Limiter on sign-in, and the session key.

Sessions live in Flask's signed cookie: HttpOnly, SameSite=Lax, Secure when KB_COOKIE_SECURE is on. The key
that signs them is the SECRET_KEY given to create_app or, by default, a random key kept in
KB_DATA_DIR/secret_key (made once, shared by every gunicorn worker and every restart). Sign-in failures are limited per account and per address; the sixth
failure within the window is a 429 with a message that says when to try again.
"""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from kb.authoring.accounts import ROLES, AccountError, Accounts, User
from kb.authoring.drafts import Authoring

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
login_manager = LoginManager()

ACCOUNT_LIMIT = "5 per 15 minutes"  # failed sign-ins for one e-mail address
ADDRESS_LIMIT = "20 per 15 minutes"  # failed sign-ins from one network address
SECRET_FILE = "secret_key"
MAX_REQUEST_BYTES = 2 * 2**20  # a write-up is a few KB; the file limit is 1 MB


def authoring() -> Authoring:
    return current_app.extensions["kb.authoring"]


def accounts() -> Accounts:
    return authoring().accounts


class SignInForm(FlaskForm):
    email = EmailField("email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=1000)])


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site (no scheme, no host, no `//`): sign-in never redirects elsewhere."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/masuk", methods=["GET", "POST"])
def sign_in():  # noqa: ANN201
    site = authoring()
    next_url = safe_next(request.values.get("next"), url_for("authoring.write"))
    if not site.available:
        return render_template("authoring/sign_in.html", form=None, reason=site.reason, next_url=next_url), 503
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url, code=303)
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        user = site.accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(next_url, code=303)
        failed = True
    elif request.method == "POST":
        failed = True
    status = 401 if failed else 200
    return render_template("authoring/sign_in.html", form=form, failed=failed, reason=None, next_url=next_url), status


@bp.route("/keluar", methods=["GET", "POST"])
def sign_out():  # noqa: ANN201
    """POST signs out (with its CSRF token, so no other site can); GET shows the button."""
    if request.method == "POST":
        logout_user()
        return redirect(url_for("pages.home"), code=303)
    return render_template("authoring/sign_out.html")


@bp.route("/akun", methods=["GET", "POST"])
@login_required
def account_admin():  # noqa: ANN201
    """Admins add accounts, change roles and disable accounts."""
    if not current_user.is_admin:
        abort(403, description=_("Hanya admin yang dapat mengelola akun."))
    message, error, status = None, None, 200
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "add":
                added = accounts().add(request.form.get("email", ""), request.form.get("name", ""),
                                       request.form.get("role", ""), request.form.get("password", ""))
                message = _("Akun %(email)s ditambahkan.", email=added.email)
            elif action == "update":
                target = accounts().get(request.form.get("user_id", ""))
                if target is None:
                    abort(404)
                if target.id == current_user.id:
                    raise AccountError("you cannot change your own role or disable yourself")
                accounts().update(target.id, role=request.form.get("role") or None,
                                  active=request.form.get("active") == "1")
                message = _("Akun %(email)s diperbarui.", email=target.email)
            else:
                abort(400, description="unknown action")
        except AccountError as exc:
            error, status = str(exc), 422
    return render_template("authoring/accounts.html", users=accounts().all(), roles=ROLES, message=message,
                           error=error), status


def _rate_limited(exc: RateLimitExceeded):  # noqa: ANN202
    """429 with a message people can act on, and Retry-After."""
    wait = 15 * 60
    current = current_app.extensions["kb.limiter"].current_limit
    if current is not None:
        wait = max(1, int(current.reset_at - time.time()))
    minutes = max(1, (wait + 59) // 60)
    message = _("Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam %(minutes)d menit.",
                minutes=minutes)
    if request.path.startswith("/api/"):
        from flask import jsonify

        response = jsonify({"error": {"status": 429, "message": message}})
    else:
        response = make_response(render_template("authoring/sign_in.html", form=SignInForm(), limited=message,
                                                 reason=None, next_url=safe_next(request.values.get("next"), "/")))
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def _secret_key(app: Flask, site: Authoring) -> str:
    """The key that signs sessions and CSRF tokens: made once and kept in KB_DATA_DIR (so every worker and
    every restart agrees); a throwaway one when authoring is off (nothing is signed then)."""
    if not site.available:
        return secrets.token_hex(32)
    path = Path(app.config["DATA_DIR"]) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):  # another worker may be writing it this instant
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            time.sleep(0.05)
        raise RuntimeError(f"{path} is empty: delete it and restart") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def init_app(app: Flask) -> None:
    """Authoring's extensions, settings and the sign-in blueprint."""
    enabled = app.config["AUTHORING"]
    site = Authoring(app.config["CONTENT_DIR"], app.config["DATA_DIR"], app.config["GIT_REMOTE"],
                     app.config["GIT_COMMITTER"], enabled=enabled)
    app.extensions["kb.authoring"] = site
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app, site)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=app.config["COOKIE_SECURE"],
        REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=app.config["COOKIE_SECURE"],
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session: an author may write for hours before saving
    )
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_REQUEST_BYTES)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_blueprint(bp)
    # One limiter per app (its counters are the app's own), limiting failed sign-ins only.
    limiter = Limiter(get_remote_address, app=app, default_limits=[], headers_enabled=True,
                      storage_uri=app.config["RATELIMIT_STORAGE"])
    app.extensions["kb.limiter"] = limiter
    view = app.view_functions["auth.sign_in"]
    view = limiter.limit(ADDRESS_LIMIT, methods=["POST"], deduct_when=_failed, scope="sign-in-address")(view)
    view = limiter.limit(ACCOUNT_LIMIT, key_func=_account_key, methods=["POST"], deduct_when=_failed,
                         scope="sign-in-account")(view)
    app.view_functions["auth.sign_in"] = view
    app.jinja_env.globals["authoring_on"] = site.available
    app.jinja_env.globals["role_label"] = role_label


def role_label(role: str) -> str:
    return {"author": _("penulis"), "reviewer": _("peninjau"), "admin": _("admin")}.get(role, role)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = accounts().get(user_id)
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def _unauthorized():  # noqa: ANN202
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")), code=303)
