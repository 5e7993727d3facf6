"""Reading content files: per-file checks (`read_innovation`, `read_award`) and the cross-file checks
(`cross_check`) that need every innovation's links; `load_catalogue` puts both together for a folder.

A broken file is reported and skipped, never fatal. The two steps are separate so that publishing can
re-read only the files that changed and re-run the cross-file checks on the compact `Links` it kept of
the others (kb.publish).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb import memory
from kb.content import regions, sections, vocab
from kb.content.document import Document, parse_document, read_document
from kb.content.issues import Issue, Severity
from kb.content.model import Award, AwardRef, Contact, Cost, Innovation, Replication, ReplicationDetails, Source
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


@dataclass(slots=True)
class Links:
    """What the cross-file checks need of one innovation file: its links as written, with the line of
    each, so they can be checked again without reading the file (a publish keeps these per file)."""

    slug: str
    path: str  # as shown in messages
    ok: bool  # passed the per-file checks
    aliases: tuple[tuple[str, int | None], ...] = ()
    replicated_from: tuple[str, int | None] | None = None
    targets: tuple[tuple[int, str, int | None], ...] = ()  # (replication index, slug as written, line)
    replications: int = 0  # entries in `replications`
    statuses: tuple[str | None, ...] = ()  # each entry's `status` as written (None: not stated)
    source_status: str | None = None  # `status` of a `replicated_from` written as a mapping

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "aliases": self.aliases, "replicated_from": self.replicated_from,
                "targets": self.targets, "replications": self.replications, "statuses": self.statuses,
                "source_status": self.source_status}

    @classmethod
    def from_json(cls, slug: str, path: str, data: Mapping[str, Any]) -> Links:
        rf = data.get("replicated_from")
        return cls(slug, path, bool(data["ok"]), tuple(tuple(a) for a in data.get("aliases", ())),
                   tuple(rf) if rf else None, tuple(tuple(t) for t in data.get("targets", ())),
                   int(data.get("replications", 0)), tuple(data.get("statuses", ())), data.get("source_status"))

    def status_of(self, index: int) -> str | None:
        return self.statuses[index] if index < len(self.statuses) else None


@dataclass
class FileResult:
    """One content file read and checked on its own (no other file consulted except the award names)."""

    display: str
    slug: str
    record: Innovation | Award | None  # None when the file has errors
    issues: list[Issue]
    links: Links | None = None  # innovations only
    content_hash: str | None = None


@dataclass
class CrossCheck:
    """The result of the checks that need every innovation: identity, aliases and links."""

    issues: dict[str, list[Issue]]  # by display path
    failed: set[str]  # paths (as shown) of files with a cross-file error
    resolved: dict[str, tuple[str | None, dict[int, str]]]  # slug -> (replicated_from, {index: target})
    aliases: dict[str, str]  # alias -> slug, for innovations that pass every check
    valid: set[str]
    counts: dict[str, int]  # documented replications per valid slug

    def replication_count(self, slug: str) -> int:
        return self.counts.get(slug, 0)


def cross_check(entries: Iterable[Links]) -> CrossCheck:
    """Duplicate slugs, alias collisions and replication links over every innovation's `Links`.

    Works on the compact link facts alone, so a publish re-checks a 100 000-file catalogue after one edit
    without reading any other file."""
    entries = list(entries)
    issues: dict[str, list[Issue]] = {}

    def report(entry: Links, line: int | None, field: str, message: str, error: bool = True) -> None:
        issues.setdefault(entry.path, []).append(
            Issue(entry.path, line, field, message, Severity.ERROR if error else Severity.WARNING))

    all_slugs = {e.slug for e in entries}
    seen_slugs: dict[str, str] = {}
    for entry in entries:
        if entry.slug in seen_slugs:
            report(entry, 1, "slug", f"duplicate slug {entry.slug!r}: also used by {seen_slugs[entry.slug]}")
        else:
            seen_slugs[entry.slug] = entry.path
    seen_aliases: dict[str, str] = {}
    for entry in entries:
        for index, (alias, line) in enumerate(entry.aliases):
            field = f"aliases[{index + 1}]"
            if alias == entry.slug:
                report(entry, line, field, f"alias {alias!r} is the file's own slug; remove it", error=False)
            elif alias in all_slugs:
                report(entry, line, field, f"alias {alias!r} is the slug of another innovation")
            elif alias in seen_aliases:
                report(entry, line, field, f"duplicate alias {alias!r}: also an alias of {seen_aliases[alias]}")
            else:
                seen_aliases[alias] = entry.path
    alias_map: dict[str, str] = {}
    for entry in entries:
        for alias, _ in entry.aliases:
            alias_map.setdefault(alias, entry.slug)  # the first holder keeps a contested alias

    def resolve(slug: str) -> str | None:
        return slug if slug in all_slugs else alias_map.get(slug)

    resolved: dict[str, tuple[str | None, dict[int, str]]] = {}
    for entry in entries:
        source = None
        if entry.replicated_from is not None:
            written, line = entry.replicated_from
            target = resolve(written)
            if target is None:
                report(entry, line, "replicated_from", f"{written!r} is not the slug of any innovation")
            elif target == entry.slug:
                report(entry, line, "replicated_from", "an innovation cannot be a replica of itself")
            else:
                source = target
        targets: dict[int, str] = {}
        for index, written, line in entry.targets:
            target = resolve(written)
            if target is None:
                report(entry, line, f"replications[{index + 1}].innovation",
                       f"{written!r} is not the slug of any innovation")
            else:
                targets[index] = target
        resolved.setdefault(entry.slug, (source, targets))  # a duplicate slug's second file fails anyway
    failed = {e.path for e in entries if any(i.is_error for i in issues.get(e.path, ()))}
    valid = {e.slug for e in entries if e.ok and e.path not in failed}
    # Documented replications: an innovation's own list plus replicas' write-ups it does not list, except
    # those only planned (`status: direncanakan`: a plan, an MoU, a study visit is not a replication yet).
    # A listed replica's own status fills an entry that states none (the original's entry wins otherwise),
    # the rule kb.replication.snapshot merges the two sides by.
    by_slug: dict[str, Links] = {}
    for entry in entries:
        by_slug.setdefault(entry.slug, entry)  # the first holder of a slug is the one that counts
    listed = {slug: set(targets.values()) for slug, (_, targets) in resolved.items()}
    counts: dict[str, int] = {}
    for entry in entries:
        if entry.slug not in valid or entry.path in failed:
            continue
        targets = resolved[entry.slug][1]
        count = 0
        for index in range(entry.replications):
            status = entry.status_of(index)
            replica = by_slug.get(targets.get(index, ""))
            if status is None and replica is not None and resolved[replica.slug][0] == entry.slug:
                status = replica.source_status
            count += status != vocab.PLANNED
        counts[entry.slug] = count
    for entry in entries:
        source = resolved[entry.slug][0]
        if entry.path not in failed and entry.slug in valid and source in counts \
                and entry.slug not in listed.get(source, ()) and entry.source_status != vocab.PLANNED:
            counts[source] += 1
    return CrossCheck(issues, failed, resolved, {a: s for a, s in alias_map.items() if s in valid}, valid,
                      counts)


def apply_links(innovation: Innovation, links: tuple[str | None, dict[int, str]]) -> None:
    """Point an innovation's links at canonical slugs (as resolved by `cross_check`)."""
    innovation.replicated_from = links[0]
    for index, replication in enumerate(innovation.replications):
        if replication.innovation is not None:
            replication.innovation = links[1].get(index)


@dataclass
class Catalogue:
    """Everything that loaded, plus every issue found on the way (the whole folder in memory: for `check`
    without an index, tests and tools; publishing works file by file, see kb.publish)."""

    root: Path
    innovations: dict[str, Innovation] = field(default_factory=dict)
    awards: dict[str, Award] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> canonical slug
    issues: list[Issue] = field(default_factory=list)
    files: int = 0
    counts: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    def summary_line(self) -> str:
        """One line for terminals and logs."""
        return summary_line(self.files, len(self.innovations), len(self.awards), len(self.errors),
                            len(self.warnings))

    def canonical_slug(self, slug: str) -> str | None:
        """The canonical slug for a slug, a former slug (alias) or a case variant of either."""
        key = slug.strip().lower()
        if key in self.innovations:
            return key
        return self.aliases.get(key)

    def replicas_of(self, slug: str) -> list[Innovation]:
        """Write-ups that say they replicate `slug` (the other direction of the trail)."""
        return [i for i in self.innovations.values() if i.replicated_from == slug]

    def replication_count(self, innovation: Innovation) -> int:
        """Documented replications: the innovation's own list plus replicas' write-ups not listed there."""
        return self.counts.get(innovation.slug, 0)


def summary_line(files: int, innovations: int, awards: int, errors: int, warnings: int) -> str:
    """The one-line load summary `check` prints and the log shows."""
    return (f"{files} files checked: {innovations} innovations and {awards} awards loaded, {errors} errors, "
            f"{warnings} warnings")


def load_awards(root: Path) -> tuple[list[FileResult], dict[str, str]]:
    """Every award file checked, and the award keys innovation files may name (slug or lower-case name;
    a broken award file still counts as existing for links: its own error is reported once)."""
    results = [read_award(path, display_path(path)) for path in iter_content_files(root, AWARDS_DIR)]
    keys = {r.slug: r.slug for r in results if r.record is not None}
    keys.update({r.record.name.lower(): r.slug for r in results if isinstance(r.record, Award)})
    keys.update({r.slug: r.slug for r in results if r.slug not in keys and r.slug})
    return results, keys


def load_catalogue(root: Path | str) -> Catalogue:
    """Read `root/awards` and `root/innovations`; return what is valid and every issue."""
    root = Path(root)
    cat = Catalogue(root=root)
    if not root.is_dir():
        cat.issues.append(Issue(str(root), None, "content", "content folder does not exist"))
        return cat
    award_results, award_keys = load_awards(root)
    for result in award_results:
        cat.files += 1
        cat.issues.extend(result.issues)
        if isinstance(result.record, Award):
            cat.awards[result.slug] = result.record
    # Innovations are read and checked one at a time, so only one body is in memory at once.
    links: list[Links] = []
    records: dict[str, Innovation] = {}
    for number, path in enumerate(iter_content_files(root, INNOVATIONS_DIR), 1):
        cat.files += 1
        if number % TRIM_EVERY == 0:
            memory.trim()
        result = read_innovation(path, display_path(path), award_keys, root)
        cat.issues.extend(result.issues)
        if result.links is not None:
            links.append(result.links)
        if isinstance(result.record, Innovation):
            result.record.body = ""  # bodies stay in the files: most of a catalogue's size
            records.setdefault(result.slug, result.record)
    checked = cross_check(links)
    for found in checked.issues.values():
        cat.issues.extend(found)
    for slug in sorted(checked.valid, key=lambda s: records[s].path):
        innovation = records[slug]
        apply_links(innovation, checked.resolved[slug])
        cat.innovations[slug] = innovation
    cat.aliases = checked.aliases
    cat.counts = checked.counts
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


def read_innovation(path: Path, display: str, award_keys: Mapping[str, str],
                    root: Path | None = None, raw: bytes | None = None) -> FileResult:
    """Read and check one innovation file: the record (with its body) or its errors, and its links.
    `raw`: the file's text when it is not on disk (a draft in the browser: the same checks as `check`)."""
    doc = _parse(path, display, root, innovation=True, raw=raw)
    if isinstance(doc, FileResult):
        return doc
    slug = path.stem
    chk = Checker(display, doc.lines)
    innovation = _build_innovation(doc, display, award_keys, chk)
    links = _links_of(doc, slug, display, ok=innovation is not None and not chk.has_errors)
    if innovation is not None:
        innovation.body = doc.body or ""
    return FileResult(display, slug, innovation if links.ok else None, chk.issues, links, doc.content_hash)


def read_award(path: Path, display: str, root: Path | None = None) -> FileResult:
    """Read and check one award programme file."""
    doc = _parse(path, display, root, innovation=False)
    if isinstance(doc, FileResult):
        return doc
    chk = Checker(display, doc.lines)
    award = _build_award(doc, chk)
    return FileResult(display, path.stem, award, chk.issues, content_hash=doc.content_hash)


def _parse(path: Path, display: str, root: Path | None, innovation: bool,
           raw: bytes | None = None) -> Document | FileResult:
    """The parsed file, or the result for a file that is not content or cannot be parsed. An innovation
    file that cannot be parsed still takes its slug (links to it resolve; its own error is reported once)."""
    slug = path.stem
    problem = _file_problem(path, display, root)
    if problem is not None:
        return FileResult(display, slug, None, [problem])
    doc = read_document(path, display) if raw is None else parse_document(raw, path, display)
    if isinstance(doc, Issue):
        return FileResult(display, slug, None, [doc], Links(slug, display, ok=False) if innovation else None)
    return doc


def _file_problem(path: Path, display: str, root: Path | None) -> Issue | None:
    """Why a path is not content at all (a link out of the folder, a file name that is no slug)."""
    if root is not None and path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        return Issue(display, None, "file", "is a symbolic link to a file outside the content folder; not followed")
    if not SLUG_RE.match(path.stem):
        return Issue(display, 1, "slug", f"file name {path.stem!r} is not a valid slug: use lowercase a-z, 0-9 "
                                         "and single hyphens, e.g. 'jalin-matra.md'")
    return None


def _links_of(doc: Document, slug: str, display: str, ok: bool) -> Links:
    """The links as written in the front matter (only well-formed ones: malformed ones are per-file errors)."""
    data = doc.data
    aliases = data.get("aliases") if isinstance(data.get("aliases"), list) else []
    alias_links = tuple((a, doc.lines.get(("aliases", i))) for i, a in enumerate(aliases)
                        if isinstance(a, str) and SLUG_RE.match(a))
    source = data.get("replicated_from")
    where: tuple[str, ...] = ("replicated_from",)
    source_status = None
    if isinstance(source, dict):  # the mapping form: {innovation: slug, status: ..., ...}
        source_status = _status(source)
        source, where = source.get("innovation"), ("replicated_from", "innovation")
    replicated_from = (source, doc.lines.get(where)) if isinstance(source, str) and SLUG_RE.match(source) else None
    replications = data.get("replications") if isinstance(data.get("replications"), list) else []
    targets = tuple((i, r["innovation"], doc.lines.get(("replications", i, "innovation")))
                    for i, r in enumerate(replications)
                    if isinstance(r, dict) and isinstance(r.get("innovation"), str) and SLUG_RE.match(r["innovation"]))
    statuses = tuple(_status(r) for r in replications)
    return Links(slug, display, ok, alias_links, replicated_from, targets, len(replications),
                 statuses if any(statuses) else (), source_status)


def _status(entry: object) -> str | None:
    status = entry.get("status") if isinstance(entry, dict) else None
    return status if isinstance(status, str) else None


def display_path(path: Path | str) -> str:
    """A content path as messages show it: relative to the working folder when inside it. (String work,
    not `Path.relative_to`: it runs for every file of a catalogue on every publish.)"""
    text = str(path)
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory is gone
        return text
    prefix = cwd.rstrip(os.sep) + os.sep
    return text[len(prefix):] if text.startswith(prefix) else text


def _sources(values: list[dict[str, Any]] | None) -> list[Source]:
    return [Source(**v) for v in values or []]


def _build_award(doc: Document, chk: Checker) -> Award | None:
    _warn_duplicate_keys(doc, chk)
    clean = _check_fields(AWARD_SCHEMA, doc.data, (), chk)
    if chk.has_errors:
        return None
    return Award(slug=doc.path.stem, path=doc.path, body=doc.body, content_hash=doc.content_hash,
                 name=clean["name"], organizer=clean["organizer"], url=clean.get("url"),
                 sources=_sources(clean.get("sources")), updated=clean.get("updated"))


def _build_innovation(doc: Document, display: str, award_keys: Mapping[str, str],
                      chk: Checker) -> Innovation | None:
    _warn_duplicate_keys(doc, chk)
    clean = _check_fields(INNOVATION_SCHEMA, doc.data, (), chk)
    if not all(k in clean for k, spec in INNOVATION_SCHEMA.items() if spec.required):
        return None  # without the required fields there is no record; its errors say why
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
        _check_replication_facts(rep, ("replications", index), chk)
        replications.append(Replication(region=rep["region"], region_code=code, year=rep.get("year"),
                                        agency=rep.get("agency"), proof=rep.get("proof"),
                                        innovation=rep.get("innovation"), status=rep.get("status"),
                                        mechanism=rep.get("mechanism", []), changes=rep.get("changes"),
                                        results=rep.get("results"), source=rep.get("source")))
    _check_body(doc, chk)
    if len(clean["summary"]) > SUMMARY_CARD:
        chk.warn(("summary",), f"is {len(clean['summary'])} characters; cards show about {SUMMARY_CARD}: "
                               "keep the first sentence self-contained")
    if not clean.get("sources"):
        chk.warn(("sources",), "no sources listed: add the documents that support the facts here")
    origin = clean.get("replicated_from")
    details = None
    if origin is not None:
        _check_replication_facts(origin, ("replicated_from",), chk)
        facts = {k: v for k, v in origin.items() if k != "innovation"}
        details = ReplicationDetails(**facts) if facts else None
    cost = Cost(**clean["cost"]) if "cost" in clean else None
    contact = Contact(**clean["contact"]) if "contact" in clean else None
    simple = {k: v for k, v in clean.items()
              if k not in {"awards", "replications", "replicated_from", "cost", "contact", "sources"}}
    return Innovation.build(slug=doc.path.stem, path=doc.path, content_hash=doc.content_hash,
                            awards=awards, replications=replications, cost=cost, contact=contact,
                            replicated_from=origin["innovation"] if origin else None,
                            replicated_from_details=details,
                            sources=_sources(clean.get("sources")), **simple)


def _check_replication_facts(rep: Mapping[str, Any], where: tuple[str | int, ...], chk: Checker) -> None:
    """A replication said to run (or to be piloted) needs a source: a plan or a study visit never counts as a
    running replication, and readers must be able to check that it does."""
    if rep.get("status") in ("berjalan", "uji-coba") and not rep.get("source"):
        chk.warn(where + ("status",), f"{rep['status']!r} needs a source that says so: add source "
                                      "(title, url), or write status: direncanakan for a plan, MoU or study visit")


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
    headings = [(name, doc.body_line + offset) for name, offset in sections.headings(doc.body)]
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
