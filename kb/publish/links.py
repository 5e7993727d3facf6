"""The cross-file checks, kept up to date one file at a time.

`kb.content.loader.cross_check` checks every innovation's links at once: duplicate slugs, alias collisions,
links to slugs that do not exist, and the replication counts that links add up to. Run over 100 000
files it takes most of a second, for an edit that changes one file. `LinkGraph` gives the same results
(tests/test_links.py compares the two on random catalogues) but keeps, for every name (a slug or an alias),
the files that hold it and the files that link to it; an edit then re-checks only the files whose results
can change: the edited ones, the other holders of their names and the files that link to those names.

A file's results depend on the order of the files (the first holder of a slug or an alias keeps it): the
order of `changes.scan`, which `walk_key` gives for any one path.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable

from kb.content import vocab
from kb.content.issues import Issue, Severity
from kb.content.loader import Links

Resolved = tuple[str | None, dict[int, str]]  # (replicated_from, {replication index: target slug})


def walk_key(rel: str) -> tuple:
    """Where `rel` comes in the scan order: in each folder its files by name, then its subfolders."""
    folder, _, name = rel.rpartition("/")
    if "/" not in folder:  # the common case, quickly: innovations/<name>.md
        return (1, folder), (0, name)
    return tuple((1, part) for part in folder.split("/")) + ((0, name),)


class LinkGraph:
    """Cross-file results of a set of innovation files (rel path -> `Links`), updated with `update`."""

    def __init__(self) -> None:
        self.entries: dict[str, Links] = {}
        self._keys: dict[str, tuple] = {}
        self._slug_holders: dict[str, list[tuple[tuple, str]]] = {}  # slug -> [(key, rel)], in scan order
        self._alias_holders: dict[str, list[tuple[tuple, int, str]]] = {}  # alias -> [(key, index, rel)]
        self._referrers: dict[str, set[str]] = {}  # a name as written in links -> rels that write it
        self.issues: dict[str, list[Issue]] = {}  # rel -> its cross-file problems (files with any)
        self.failed: set[str] = set()  # rels with a cross-file error
        self._entry_links: dict[str, Resolved] = {}  # rel -> its links, resolved
        self.resolved: dict[str, Resolved] = {}  # slug -> the links of its first holder
        self.valid: set[str] = set()  # slugs whose first holder passes every check
        self.counts: dict[str, int] = {}  # valid slug -> documented replications
        self._replicas: dict[str, set[str]] = {}  # slug -> slugs whose resolved source it is
        self.errors = 0  # cross-file problems, by severity
        self.warnings = 0

    # -- reading ------------------------------------------------------------------------------------
    def alias_target(self, alias: str) -> str | None:
        """The slug an alias leads to, if that slug is valid (`CrossCheck.aliases`)."""
        holders = self._alias_holders.get(alias)
        if not holders:
            return None
        slug = self.entries[holders[0][2]].slug
        return slug if slug in self.valid else None

    def aliases(self) -> dict[str, str]:
        """alias -> slug of every alias that leads to a valid slug."""
        out = {}
        for alias in self._alias_holders:
            slug = self.alias_target(alias)
            if slug is not None:
                out[alias] = slug
        return out

    def holder(self, slug: str) -> str:
        """The rel path of the file that holds `slug` (the first, if several do)."""
        return self._slug_holders[slug][0][1]

    def aliases_of(self, slug: str) -> set[str]:
        """The aliases written by the files that hold `slug`."""
        return {alias for _, rel in self._slug_holders.get(slug, ()) for alias, _ in self.entries[rel].aliases}

    def replication_count(self, slug: str) -> int:
        return self.counts.get(slug, 0)

    # -- changing -----------------------------------------------------------------------------------
    def update(self, changes: dict[str, Links | None]) -> tuple[set[str], set[str]]:
        """Apply new, changed (rel -> `Links`) and removed (rel -> None) files. Returns the slugs whose
        validity, resolved links or replication count may have changed, and the names (slugs and aliases)
        whose holders changed."""
        touched: set[str] = set()
        for rel, new in changes.items():
            old = self.entries.pop(rel, None)
            if old is not None:
                self._unindex(rel, old)
                touched |= _names(old)
            if new is not None:
                self.entries[rel] = new
                self._keys[rel] = walk_key(rel)
                self._index(rel, new)
                touched |= _names(new)
        rels = {rel for rel in changes if rel in self.entries}
        for name in touched:
            rels.update(rel for _, rel in self._slug_holders.get(name, ()))
            rels.update(rel for _, _, rel in self._alias_holders.get(name, ()))
            rels.update(self._referrers.get(name, ()))
        slugs = {name for name in touched if name in self._slug_holders or name in self.resolved}
        for rel, new in changes.items():
            if new is None:
                self._set_issues(rel, [])
                self._entry_links.pop(rel, None)
        for rel in rels:
            self._check(rel)
            slugs.add(self.entries[rel].slug)
        return self._settle(slugs), touched

    def build(self, entries: Iterable[tuple[str, Links]]) -> None:
        """Start over from every file (a full check: a cold start, `check`). The same results as adding
        them one by one, in fewer steps: every file's holdings are listed, then sorted once."""
        self.__init__()
        slug_holders, alias_holders, referrers = self._slug_holders, self._alias_holders, self._referrers
        for rel, entry in entries:
            self.entries[rel] = entry
            key = self._keys[rel] = walk_key(rel)
            slug_holders.setdefault(entry.slug, []).append((key, rel))
            for index, (alias, _) in enumerate(entry.aliases):
                alias_holders.setdefault(alias, []).append((key, index, rel))
            if entry.targets or entry.replicated_from is not None:
                for name in _written(entry):
                    referrers.setdefault(name, set()).add(rel)
        for holders in (*slug_holders.values(), *alias_holders.values()):
            if len(holders) > 1:
                holders.sort()
        plain: Resolved = (None, {})  # shared: resolved links are never changed in place
        for rel, entry in self.entries.items():
            if entry.aliases or entry.targets or entry.replicated_from is not None or \
                    len(slug_holders[entry.slug]) > 1:
                self._check(rel)
            else:  # nothing to check: no links, the only file of its name
                self._entry_links[rel] = plain
        for slug, holders in slug_holders.items():
            rel = holders[0][1]
            resolved = self.resolved[slug] = self._entry_links[rel]
            if self.entries[rel].ok and rel not in self.failed:
                self.valid.add(slug)
            if resolved[0] is not None:
                self._replicas.setdefault(resolved[0], set()).add(slug)
        entries = self.entries
        self.counts = {slug: entries[slug_holders[slug][0][1]].replications for slug in self.valid}
        for slug in self.valid:  # those with statuses written, or that replicas' write-ups add to
            if slug in self._replicas or entries[slug_holders[slug][0][1]].statuses:
                self._count(slug)

    def _index(self, rel: str, entry: Links) -> None:
        key = self._keys[rel]
        bisect.insort(self._slug_holders.setdefault(entry.slug, []), (key, rel))
        for index, (alias, _) in enumerate(entry.aliases):
            bisect.insort(self._alias_holders.setdefault(alias, []), (key, index, rel))
        for name in _written(entry):
            self._referrers.setdefault(name, set()).add(rel)

    def _unindex(self, rel: str, entry: Links) -> None:
        key = self._keys.pop(rel)
        _drop(self._slug_holders, entry.slug, (key, rel))
        for index, (alias, _) in enumerate(entry.aliases):
            _drop(self._alias_holders, alias, (key, index, rel))
        for name in _written(entry):
            found = self._referrers.get(name)
            if found is not None:
                found.discard(rel)
                if not found:
                    del self._referrers[name]

    def _resolve(self, name: str) -> str | None:
        if name in self._slug_holders:
            return name
        holders = self._alias_holders.get(name)
        return self.entries[holders[0][2]].slug if holders else None

    def _check(self, rel: str) -> None:
        """One file's cross-file problems and resolved links, as `cross_check` finds them."""
        entry = self.entries[rel]
        issues: list[Issue] = []

        def report(line: int | None, field: str, message: str, error: bool = True) -> None:
            issues.append(Issue(entry.path, line, field, message, Severity.ERROR if error else Severity.WARNING))

        first = self._slug_holders[entry.slug][0][1]
        if first != rel:
            report(1, "slug", f"duplicate slug {entry.slug!r}: also used by {self.entries[first].path}")
        for index, (alias, line) in enumerate(entry.aliases):
            field = f"aliases[{index + 1}]"
            if alias == entry.slug:
                report(line, field, f"alias {alias!r} is the file's own slug; remove it", error=False)
            elif alias in self._slug_holders:
                report(line, field, f"alias {alias!r} is the slug of another innovation")
            else:
                _, first_index, first_rel = self._alias_holders[alias][0]
                if (first_rel, first_index) != (rel, index):
                    report(line, field, f"duplicate alias {alias!r}: also an alias of {self.entries[first_rel].path}")
        source = None
        if entry.replicated_from is not None:
            written, line = entry.replicated_from
            target = self._resolve(written)
            if target is None:
                report(line, "replicated_from", f"{written!r} is not the slug of any innovation")
            elif target == entry.slug:
                report(line, "replicated_from", "an innovation cannot be a replica of itself")
            else:
                source = target
        targets: dict[int, str] = {}
        for index, written, line in entry.targets:
            target = self._resolve(written)
            if target is None:
                report(line, f"replications[{index + 1}].innovation", f"{written!r} is not the slug of any innovation")
            else:
                targets[index] = target
        self._set_issues(rel, issues)
        self._entry_links[rel] = (source, targets)

    def _set_issues(self, rel: str, issues: list[Issue]) -> None:
        for issue in self.issues.pop(rel, ()):
            if issue.is_error:
                self.errors -= 1
            else:
                self.warnings -= 1
        self.failed.discard(rel)
        if issues:
            self.issues[rel] = issues
            errors = sum(1 for i in issues if i.is_error)
            self.errors += errors
            self.warnings += len(issues) - errors
            if errors:
                self.failed.add(rel)

    def _settle(self, slugs: set[str]) -> set[str]:
        """Per-slug results of `slugs` (their files re-checked), then the replication counts they touch."""
        counted = set(slugs)
        for slug in slugs:
            before = self.resolved.get(slug)
            holders = self._slug_holders.get(slug)
            if holders:
                rel = holders[0][1]
                now = self._entry_links[rel]
                self.resolved[slug] = now
                entry = self.entries[rel]
                if entry.ok and rel not in self.failed:
                    self.valid.add(slug)
                else:
                    self.valid.discard(slug)
            else:
                now = None
                self.resolved.pop(slug, None)
                self.valid.discard(slug)
            old_source, new_source = before[0] if before else None, now[0] if now else None
            if old_source != new_source:
                if old_source is not None:
                    _drop_member(self._replicas, old_source, slug)
                if new_source is not None:
                    self._replicas.setdefault(new_source, set()).add(slug)
            counted.update(s for s in (old_source, new_source) if s is not None)
        for slug in counted:
            self._count(slug)
        return counted

    def _count(self, slug: str) -> None:
        if slug not in self.valid:
            self.counts.pop(slug, None)
            return
        # The rule of kb.content.loader.cross_check: plans (`direncanakan`) are not counted, and a listed
        # replica's own status fills an entry that states none.
        entry = self.entries[self._slug_holders[slug][0][1]]
        targets = self.resolved[slug][1]
        listed = set(targets.values())
        count = 0
        for index in range(entry.replications):
            status = entry.status_of(index)
            replica = targets.get(index)
            if status is None and replica is not None and self.resolved.get(replica, (None,))[0] == slug:
                status = self.entries[self.holder(replica)].source_status
            count += status != vocab.PLANNED
        self.counts[slug] = count + sum(
            1 for replica in self._replicas.get(slug, ()) if replica in self.valid and replica not in listed
            and self.entries[self.holder(replica)].source_status != vocab.PLANNED)


def _names(entry: Links) -> set[str]:
    return {entry.slug, *(alias for alias, _ in entry.aliases)}


def _written(entry: Links) -> set[str]:
    """The names a file links to, as written."""
    found = {written for _, written, _ in entry.targets}
    if entry.replicated_from is not None:
        found.add(entry.replicated_from[0])
    return found


def _drop(index: dict[str, list], name: str, item: tuple) -> None:
    found = index.get(name)
    if found is None:
        return
    position = bisect.bisect_left(found, item)
    if position < len(found) and found[position] == item:
        del found[position]
    if not found:
        del index[name]


def _drop_member(index: dict[str, set[str]], name: str, member: str) -> None:
    found = index.get(name)
    if found is not None:
        found.discard(member)
        if not found:
            del index[name]
