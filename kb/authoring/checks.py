"""A draft checked exactly as `python3 run.py check` checks a file: the loader's per-file checks on the
draft's text, and the cross-file checks (`cross_check`) against the published catalogue.

The cross-file checks need only the links of the innovations a draft names (and whoever holds the slugs
and aliases it uses), so they are rebuilt from the current records instead of reading every file.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from kb.content.issues import Issue, Severity
from kb.content.loader import Links, cross_check, load_awards, read_innovation
from kb.authoring.writeup import path_of


class Catalogue(Protocol):
    """What the checks need of the published catalogue (kb.publish.records.RecordsFile has it)."""

    def canonical_slug(self, slug: str) -> str | None: ...

    def aliases(self) -> dict[str, str]: ...

    def __contains__(self, slug: object) -> bool: ...


class _Empty:
    def canonical_slug(self, slug: str) -> str | None:
        return None

    def aliases(self) -> dict[str, str]:
        return {}

    def __contains__(self, slug: object) -> bool:
        return False


EMPTY_CATALOGUE: Catalogue = _Empty()


def award_keys(content_dir: Path) -> Mapping[str, str]:
    """The award names innovation files may use (from the award files, as `check` reads them)."""
    return load_awards(Path(content_dir))[1]


def check_text(slug: str, raw: bytes, content_dir: Path | str, catalogue: Catalogue | None = None,
               new: bool = False) -> list[Issue]:
    """Every problem `check` would report for this text saved as innovations/<slug>.md. `new`: the slug is
    not published yet (so it must not be taken by another write-up or alias)."""
    catalogue = catalogue or EMPTY_CATALOGUE
    shown = path_of(slug)
    result = read_innovation(Path(content_dir) / shown, shown, award_keys(Path(content_dir)), raw=raw)
    issues = list(result.issues)
    if result.links is not None:
        checked = cross_check(_neighbours(result.links, catalogue, new))
        issues.extend(checked.issues.get(shown, ()))
        taken = catalogue.aliases().get(slug) if new else None
        if taken is not None and taken != slug:
            issues.append(Issue(shown, 1, "slug", f"{slug!r} is a former slug (alias) of {taken!r}; "
                                                  "pick another slug"))
    return sorted(issues, key=lambda i: (i.line or 0, not i.is_error))


def _neighbours(own: Links, catalogue: Catalogue, new: bool) -> list[Links]:
    """The draft's links plus, for every slug it names, the published entry that holds that slug."""
    aliases = catalogue.aliases()
    holders: dict[str, set[str]] = {}

    def hold(slug: str, alias: str | None = None) -> None:
        holders.setdefault(slug, set())
        if alias is not None:
            holders[slug].add(alias)

    named = [own.replicated_from[0]] if own.replicated_from else []
    named += [written for _, written, _ in own.targets]
    for written in named:
        target = catalogue.canonical_slug(written)
        if target is not None:
            hold(target, written if target != written else None)
    for alias, _ in own.aliases:
        if alias in catalogue and alias != own.slug:
            hold(alias)
        if alias in aliases and aliases[alias] != own.slug:
            hold(aliases[alias], alias)
    if new and own.slug in catalogue:
        entries = [Links(own.slug, f"{path_of(own.slug)} (published)", ok=True)]
    else:
        entries = []
    entries += [Links(slug, path_of(slug), ok=True, aliases=tuple((a, None) for a in sorted(held)))
                for slug, held in holders.items() if slug != own.slug]
    return [*entries, own]


def problems_json(issues: Iterable[Issue]) -> list[dict[str, str]]:
    """Problems as the API and the form show them: field, message, severity."""
    return [{"field": i.field or "", "message": i.message, "severity": i.severity.value} for i in issues]


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)
