"""Settings: one table of (name, default, help), read from the environment in exactly one place.

Datasette-style: unknown keys fail early instead of being silently ignored.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("CONTENT_DIR", "content", "folder with innovations/ and awards/ Markdown files"),
    Setting("INDEX_DIR", "search_index", "folder for the generated search index (safe to delete)"),
    Setting("HOST", "127.0.0.1", "address `serve` listens on"),
    Setting("PORT", 5000, "port `serve` listens on"),
    Setting("DEBUG", False, "Flask debug mode; never in production"),
    Setting("RELOAD_INTERVAL", 1.0, "seconds between polls for changed content files when file-system "
            "notifications are unavailable (0: publish once at start, never watch)"),
    Setting("SHOW_PROBLEMS", False, "show on a write-up's page that a newer version of its file failed "
            "validation, with the problems (for editors; `serve` turns it on for the local preview)"),
    # Authoring in the browser (docs/authoring.md)
    Setting("DATA_DIR", "instance", "folder for accounts, API tokens, draft metadata and the session key "
            "(never in the content repository; keep it private and backed up)"),
    Setting("AUTHORING", True, "allow signing in and writing when the content folder is the top of a git "
            "work tree (0: read-only, e.g. on replicas that follow a remote)"),
    Setting("GIT_REMOTE", "", "git URL or path the site pushes to after each publish; `sync --pull` "
            "follows it on read-only replicas"),
    Setting("PULL_INTERVAL", 2.0, "seconds between fetches of KB_GIT_REMOTE by `sync --pull`"),
    Setting("GIT_COMMITTER", "Lumbung Inovasi <lumbung-inovasi@localhost>", "committer of publish commits "
            "(the author is the write-up's author)"),
    Setting("COOKIE_SECURE", False, "send the session cookie over HTTPS only (turn on behind HTTPS)"),
    Setting("RATELIMIT_STORAGE", "memory://", "Flask-Limiter storage for sign-in limits; memory:// counts per "
            "process (use e.g. redis:// with several gunicorn workers)"),
)
ENV_PREFIX = "KB_"
_TYPES = {s.name: type(s.default) for s in SETTINGS}


def defaults() -> dict[str, Any]:
    """Every setting at its default value."""
    return {s.name: s.default for s in SETTINGS}


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings given as KB_* environment variables, converted to their setting's type."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(ENV_PREFIX + setting.name)
        if raw is not None and raw != "":
            found[setting.name] = _convert(setting.name, raw)
    return found


def resolve(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then explicit overrides (flags, test config)."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(_TYPES) - _FLASK_KEYS)
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(_TYPES)}")
    merged = defaults()
    merged.update(from_env(environ))
    merged.update({k: v for k, v in overrides.items() if v is not None})
    return merged


def _convert(name: str, raw: str) -> Any:
    kind = _TYPES[name]
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError as exc:
            raise ValueError(f"{ENV_PREFIX}{name} must be a number, got {raw!r}") from exc
    return raw


# Flask's own keys may be passed through create_app(config) (e.g. TESTING in tests).
_FLASK_KEYS = {"TESTING", "SECRET_KEY", "SERVER_NAME", "PROPAGATE_EXCEPTIONS"}
