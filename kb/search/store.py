"""Where the live index is: generation folders and a CURRENT pointer swapped atomically.

A full rebuild writes a new `gen-*` folder and then replaces CURRENT with `os.replace`, so a reader
opens either the old complete index or the new complete one, never a half-built folder. One process
writes at a time (an exclusive lock file); any number read.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

POINTER = "CURRENT"
MANIFEST = "manifest.json"
LOCK = ".write.lock"
REPLACED = "REPLACED"  # marker written into a generation when CURRENT moves past it
RETAIN_SECONDS = 60.0  # how long a replaced generation stays on disk for readers still opening it


def current_generation(index_dir: Path) -> Path | None:
    """The folder CURRENT points at, if it exists and holds a manifest."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    gen = index_dir / name
    if not name or "/" in name or not (gen / MANIFEST).is_file():
        return None
    return gen


def read_manifest(gen: Path) -> dict[str, Any]:
    """The manifest of a generation: schema version and slug -> content hash of what it holds."""
    try:
        return json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(gen: Path, manifest: dict[str, Any]) -> None:
    """Replace a generation's manifest atomically."""
    tmp = gen / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(tmp, gen / MANIFEST)


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty folder for a full build, not yet visible to readers."""
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = index_dir / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    gen.mkdir()
    return gen


def publish(index_dir: Path, gen: Path) -> None:
    """Point CURRENT at `gen` atomically, then remove generations nobody will open again."""
    previous = current_generation(index_dir)
    tmp = index_dir / (POINTER + ".tmp")
    tmp.write_text(gen.name + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / POINTER)
    if previous is not None:
        (previous / REPLACED).touch()
    keep = {gen.name} | ({previous.name} if previous else set())
    cutoff = time.time() - RETAIN_SECONDS
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            # A reader that read CURRENT a moment ago may still be opening an older generation (Whoosh opens
            # some files lazily): only generations replaced a while ago are removed.
            if _replaced_at(child) < cutoff:
                shutil.rmtree(child, ignore_errors=True)


def _replaced_at(gen: Path) -> float:
    try:
        return (gen / REPLACED).stat().st_mtime
    except OSError:
        return 0.0  # never published: nobody reads it


def remove_abandoned(index_dir: Path) -> list[str]:
    """Delete generation folders without a manifest: builds that were killed. Call only under write_lock."""
    current = current_generation(index_dir)
    removed = []
    for child in index_dir.iterdir() if index_dir.is_dir() else []:
        if child.is_dir() and child.name.startswith("gen-") and child != current and not (child / MANIFEST).exists():
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child.name)
    return removed


@contextlib.contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive lock for the one process that builds or updates the index."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
