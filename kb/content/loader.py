"""Load every content file into a `Catalogue`; a broken file is reported and skipped, never fatal.

Per-file checks come from the schema; cross-file checks (duplicate slugs and aliases, award and
replication links) need the whole folder, so they live here.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb import memory
from kb.content import regions, vocab
from kb.content.document import Document, read_document
from kb.content.issues import Issue
from kb.content.model import Award, AwardRef, Contact, Cost, Innovation, Replication, Source
from kb.content.schema import (
    AWARD_SCHEMA,
    INNOVATION_SCHEMA,
    SLUG_RE,
    PLACEHOLDER,
    SUMMARY_CARD,
    Checker,
)
from kb.content.schema import check_fields as _check_fields

log = logging.getLogger(__name__)

INNOVATIONS_DIR = "innovations"
TRIM_EVERY = 1000  # files read between heap trims: keeps peak memory near what is live (kb/memory.py)
AWARDS_DIR = "awards"
_HEADING_RE = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^(```|~~~)")


@dataclass
class Catalogue:
    """Everything that loaded, plus every issue found on the way."""

    root: Path
    innovations: dict[str, Innovation] = field(default_factory=dict)
    awards: dict[str, Award] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> canonical slug
    issues: list[Issue] = field(default_factory=list)
    files: int = 0
    _replicas: dict[str, list[Innovation]] | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    def errors_by_file(self) -> dict[str, list[Issue]]:
        """Files that were skipped, with their errors."""
        found: dict[str, list[Issue]] = {}
        for issue in self.errors:
            found.setdefault(issue.path, []).append(issue)
        return found

    def summary_line(self) -> str:
        """One line for terminals and logs."""
        return (f"{self.files} files checked: {len(self.innovations)} innovations and {len(self.awards)} "
                f"awards loaded, {len(self.errors)} errors, {len(self.warnings)} warnings")

    def canonical_slug(self, slug: str) -> str | None:
        """The canonical slug for a slug, a former slug (alias) or a case variant of either."""
        key = slug.strip().lower()
        if key in self.innovations:
            return key
        return self.aliases.get(key)

    def replicas_of(self, slug: str) -> list[Innovation]:
        """Write-ups that say they replicate `slug` (the other direction of the trail)."""
        if self._replicas is None:
            index: dict[str, list[Innovation]] = {}
            for innovation in self.innovations.values():
                if innovation.replicated_from:
                    index.setdefault(innovation.replicated_from, []).append(innovation)
            self._replicas = index
        return list(self._replicas.get(slug, []))

    def replication_count(self, innovation: Innovation) -> int:
        """Documented replications: the innovation's own list plus replicas' write-ups not listed there."""
        listed = {r.innovation for r in innovation.replications if r.innovation}
        return len(innovation.replications) + sum(1 for r in self.replicas_of(innovation.slug)
                                                  if r.slug not in listed)


@dataclass
class LoadCache:
    """Per-file results kept between loads: a file whose size and mtime are unchanged is not parsed or
    validated again (only the cross-file checks run over everything). Makes reloads after an edit cheap."""

    documents: dict[str, tuple[tuple[int, int], Document | Issue]] = field(default_factory=dict)
    built: dict[str, tuple[tuple, Innovation, list[Issue], tuple]] = field(default_factory=dict)


def load_catalogue(root: Path | str, cache: LoadCache | None = None) -> Catalogue:
    """Read `root/awards` and `root/innovations`; return what is valid and every issue."""
    root = Path(root)
    cat = Catalogue(root=root)
    if not root.is_dir():
        cat.issues.append(Issue(str(root), None, "content", "content folder does not exist"))
        return cat
    cache = cache if cache is not None else LoadCache()
    award_docs = list(_iter_documents(root, AWARDS_DIR, cat, cache))
    for doc, display in award_docs:
        award = _build_award(doc, display, cat)
        if award is not None:
            cat.awards[award.slug] = award
    award_keys = {slug: slug for slug in cat.awards}
    award_keys.update({a.name.lower(): a.slug for a in cat.awards.values()})
    # Award files that failed still count as existing for links: their own error is reported once.
    award_keys.update({Path(d).stem: Path(d).stem for _, d in award_docs if Path(d).stem not in award_keys})

    # Innovations are read and checked one at a time, so only one body is in memory at once.
    innovation_displays: list[str] = []
    candidates: list[tuple[Innovation, Checker]] = []
    awards_key = tuple(sorted(award_keys.items()))
    built_cache: dict[str, tuple[tuple, Innovation, list[Issue], tuple]] = {}
    for doc, display in _iter_documents(root, INNOVATIONS_DIR, cat, cache):
        innovation_displays.append(display)
        key = (doc.content_hash, awards_key)
        cached = cache.built.get(display)
        if cached is not None and cached[0] == key:
            innovation, chk = cached[1], Checker(display, doc.lines)
            chk.issues = list(cached[2])
            _restore_links(innovation, cached[3])  # the cross-file checks below resolve them afresh
        else:
            if doc.body is None:  # released after an earlier load; awards changed, so check it again
                fresh = read_document(doc.path, display)
                if isinstance(fresh, Issue):
                    cat.issues.append(fresh)
                    continue
                doc = fresh
            built = _build_innovation(doc, display, award_keys)
            if built is None:
                continue
            innovation, chk = built
            _release(doc)
            cached = (key, innovation, list(chk.issues), _links(innovation))
        built_cache[display] = cached
        candidates.append((innovation, chk))
    cache.built = built_cache
    seen = set(innovation_displays) | {display for _, display in award_docs}
    cache.documents = {k: v for k, v in cache.documents.items() if k in seen or isinstance(v[1], Issue)}
    all_slugs = {Path(display).stem for display in innovation_displays}
    _check_identity(candidates, all_slugs)
    alias_map: dict[str, str] = {}
    for inn, _ in candidates:
        for alias in inn.aliases:
            alias_map.setdefault(alias, inn.slug)  # the first holder keeps a contested alias
    for innovation, chk in candidates:
        _check_links(innovation, chk, all_slugs, alias_map)
        cat.issues.extend(chk.issues)
        if chk.has_errors:
            log.debug("skipped %s: %d error(s)", innovation.path, sum(i.is_error for i in chk.issues))
            continue
        cat.innovations[innovation.slug] = innovation
    cat.aliases = {a: s for a, s in alias_map.items() if s in cat.innovations}
    memory.trim()
    cat.issues.sort(key=lambda i: (i.path, i.line or 0))
    return cat


def iter_content_files(root: Path, sub: str) -> Iterator[Path]:
    """Markdown files under `root/sub`, sorted; hidden and `_draft` files are not content."""
    base = root / sub
    if not base.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if name.endswith(".md") and not name.startswith((".", "_")):
                yield Path(dirpath) / name


CROSS_FILE_KEYS = ("aliases", "replicated_from", "replications")


def _release(doc: Document) -> None:
    """Drop what only per-file checks need: the body and data live in the file (read again if needed), and
    only the lines cross-file checks report on are kept. Halves the memory a loaded catalogue takes."""
    doc.body = None
    doc.data = {}
    doc.lines = {k: v for k, v in doc.lines.items() if not k or k[0] in CROSS_FILE_KEYS}


def _links(innovation: Innovation) -> tuple:
    """The links as written, before alias resolution."""
    return innovation.replicated_from, tuple(r.innovation for r in innovation.replications)


def _restore_links(innovation: Innovation, links: tuple) -> None:
    innovation.replicated_from = links[0]
    for replication, target in zip(innovation.replications, links[1], strict=True):
        replication.innovation = target


def _iter_documents(root: Path, sub: str, cat: Catalogue, cache: LoadCache) -> Iterator[tuple[Document, str]]:
    """Each readable content file under `root/sub` as a Document (from the cache when unchanged)."""
    resolved_root = root.resolve()
    for number, path in enumerate(iter_content_files(root, sub), 1):
        cat.files += 1
        if number % TRIM_EVERY == 0:
            memory.trim()
        display = _display(path)
        if path.is_symlink() and not path.resolve().is_relative_to(resolved_root):
            cat.issues.append(Issue(display, None, "file", "is a symbolic link to a file outside the content "
                                                           "folder; not followed"))
            continue
        slug = path.stem
        if not SLUG_RE.match(slug):
            cat.issues.append(Issue(display, 1, "slug", f"file name {slug!r} is not a valid slug: use lowercase "
                                                        "a-z, 0-9 and single hyphens, e.g. 'jalin-matra.md'"))
            continue
        try:
            st = path.stat()
            stamp = (st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = (-1, -1)
        cached = cache.documents.get(display)
        if cached is not None and cached[0] == stamp and stamp != (-1, -1):
            result = cached[1]
        else:
            result = read_document(path, display)
            cache.documents[display] = (stamp, result)
        if isinstance(result, Issue):
            cat.issues.append(result)
            continue
        yield result, display


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):  # outside the working directory, or the working directory is gone
        return str(path)


def _sources(values: list[dict[str, Any]] | None) -> list[Source]:
    return [Source(**v) for v in values or []]


def _build_award(doc: Document, display: str, cat: Catalogue) -> Award | None:
    chk = Checker(display, doc.lines)
    _warn_duplicate_keys(doc, chk)
    clean = _check_fields(AWARD_SCHEMA, doc.data, (), chk)
    cat.issues.extend(chk.issues)
    if chk.has_errors:
        return None
    return Award(slug=doc.path.stem, path=doc.path, body=doc.body, content_hash=doc.content_hash,
                 name=clean["name"], organizer=clean["organizer"], url=clean.get("url"),
                 sources=_sources(clean.get("sources")), updated=clean.get("updated"))


def _build_innovation(doc: Document, display: str,
                      award_keys: dict[str, str]) -> tuple[Innovation, Checker] | None:
    chk = Checker(display, doc.lines)
    _warn_duplicate_keys(doc, chk)
    clean = _check_fields(INNOVATION_SCHEMA, doc.data, (), chk)
    if not all(k in clean for k, spec in INNOVATION_SCHEMA.items() if spec.required):
        # Without the required fields there is no record to check links on; report what we have.
        return _placeholder(doc, chk)
    clean["region_code"] = _check_region(clean["region"], clean.get("region_code"), ("region_code",), chk)
    awards = []
    for index, ref in enumerate(clean.get("awards", [])):
        slug = award_keys.get(ref["name"].strip().lower())
        if slug is None:
            known = ", ".join(sorted({v for v in award_keys.values()})) or "none yet"
            chk.report(("awards", index, "name"), f"{ref['name']!r} is not an award in content/awards/ "
                                                  f"(known: {known})")
            continue
        awards.append(AwardRef(award=slug, year=ref["year"], rank=ref.get("rank"), url=ref.get("url")))
    replications = []
    for index, rep in enumerate(clean.get("replications", [])):
        code = _check_region(rep["region"], rep.get("region_code"), ("replications", index, "region_code"), chk)
        replications.append(Replication(region=rep["region"], region_code=code, year=rep.get("year"),
                                        agency=rep.get("agency"), proof=rep.get("proof"),
                                        innovation=rep.get("innovation")))
    _check_body(doc, chk)
    if len(clean["summary"]) > SUMMARY_CARD:
        chk.warn(("summary",), f"is {len(clean['summary'])} characters; cards show about {SUMMARY_CARD}: "
                               "keep the first sentence self-contained")
    if not clean.get("sources"):
        chk.warn(("sources",), "no sources listed: add the documents that support the facts here")
    cost = Cost(**clean["cost"]) if "cost" in clean else None
    contact = Contact(**clean["contact"]) if "contact" in clean else None
    simple = {k: v for k, v in clean.items()
              if k not in {"awards", "replications", "cost", "contact", "sources"}}
    innovation = Innovation.build(slug=doc.path.stem, path=doc.path, body_offset=doc.body_offset,
                                  content_hash=doc.content_hash,
                                  awards=awards, replications=replications, cost=cost, contact=contact,
                                  sources=_sources(clean.get("sources")), **simple)
    return innovation, chk


def _placeholder(doc: Document, chk: Checker) -> tuple[Innovation, Checker]:
    """A stand-in record for a file with errors, so cross-file checks still see its slug and aliases."""
    aliases = doc.data.get("aliases") if isinstance(doc.data.get("aliases"), list) else []
    stub = Innovation(slug=doc.path.stem, path=doc.path, title="", summary="", agency="", region="",
                      sectors=[], year=0, aliases=[a for a in aliases if isinstance(a, str)])
    return stub, chk


def _warn_duplicate_keys(doc: Document, chk: Checker) -> None:
    for name, line in doc.duplicate_keys:
        chk.warn_at(line, name, "appears twice in the front matter; the last one wins")


def _check_region(name: str, code: str | None, where: tuple[str | int, ...], chk: Checker) -> str | None:
    """Validate a region code against the gazetteer, or infer it from the name when unambiguous."""
    if code is not None:
        region = regions.get_region(code)
        if region is None:
            chk.report(where, f"{code!r} is not a Kemendagri province or regency/city code")
            return None
        if not regions.region_matches(region, name):
            chk.report(where, f"{code!r} is {region.display_name}, which does not match region {name!r}")
            return None
        return code
    matches = regions.find_regions(name)
    if len(matches) == 1:
        return matches[0].code
    if not matches:
        chk.warn(where[:-1] + ("region",), f"{name!r} is not a province or regency/city name in the Kemendagri "
                                           "gazetteer; check the spelling (e.g. 'Kabupaten Banyuwangi') or add "
                                           "region_code")
    if len(matches) > 1:
        options = ", ".join(f"{r.display_name} ({r.code})" for r in matches)
        chk.warn(where[:-1] + ("region",), f"{name!r} is ambiguous ({options}): write the full name or add "
                                           "region_code")
    return None


def _check_body(doc: Document, chk: Checker) -> None:
    headings: list[tuple[str, int]] = []
    in_fence = False
    for offset, line in enumerate(doc.body.splitlines()):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and (m := _HEADING_RE.match(line)):
            headings.append((m.group(1).strip(), doc.body_line + offset))
    if PLACEHOLDER in doc.body:
        line = doc.body_line + doc.body[: doc.body.index(PLACEHOLDER)].count("\n")
        chk.warn_at(line, "body", "still contains template placeholders (TODO): replace them with your text")
    names = [h.lower() for h, _ in headings]
    for section in vocab.REQUIRED_SECTIONS:
        if section.lower() not in names:
            chk.warn_at(doc.body_line, "body", f"missing recommended section '## {section}'")
    order = [s.lower() for s in vocab.RECOMMENDED_SECTIONS]
    present = [(order.index(n), line, h) for (h, line), n in zip(headings, names) if n in order]
    for (prev, _, prev_h), (cur, line, heading) in zip(present, present[1:]):
        if cur < prev:
            chk.warn_at(line, "body", f"section '## {heading}' should come before '## {prev_h}'")


def _check_identity(candidates: list[tuple[Innovation, Checker]], all_slugs: set[str]) -> None:
    """Duplicate slugs (same file name in two folders) and aliases that collide."""
    seen_slugs: dict[str, str] = {}
    seen_aliases: dict[str, str] = {}
    for innovation, chk in candidates:
        if innovation.slug in seen_slugs:
            chk.issues.append(Issue(chk.path, 1, "slug", f"duplicate slug {innovation.slug!r}: also used by "
                                                         f"{seen_slugs[innovation.slug]}"))
        else:
            seen_slugs[innovation.slug] = chk.path
    for innovation, chk in candidates:
        for index, alias in enumerate(innovation.aliases):
            where = ("aliases", index)
            if alias == innovation.slug:
                chk.warn(where, f"alias {alias!r} is the file's own slug; remove it")
            elif alias in all_slugs:
                chk.report(where, f"alias {alias!r} is the slug of another innovation")
            elif alias in seen_aliases:
                chk.report(where, f"duplicate alias {alias!r}: also an alias of {seen_aliases[alias]}")
            else:
                seen_aliases[alias] = chk.path


def _check_links(innovation: Innovation, chk: Checker, all_slugs: set[str], alias_map: dict[str, str]) -> None:
    def resolve(slug: str) -> str | None:
        return slug if slug in all_slugs else alias_map.get(slug)

    if innovation.replicated_from is not None:
        target = resolve(innovation.replicated_from)
        if target is None:
            chk.report(("replicated_from",), f"{innovation.replicated_from!r} is not the slug of any innovation")
        elif target == innovation.slug:
            chk.report(("replicated_from",), "an innovation cannot be a replica of itself")
        else:
            innovation.replicated_from = target
    for index, rep in enumerate(innovation.replications):
        if rep.innovation is None:
            continue
        target = resolve(rep.innovation)
        if target is None:
            chk.report(("replications", index, "innovation"), f"{rep.innovation!r} is not the slug of any innovation")
        else:
            rep.innovation = target
