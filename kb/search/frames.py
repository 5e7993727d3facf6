"""Question frames and filler words, from the editable data file `data/frames.yml`.

"bagaimana cara ...", "contoh inovasi supaya ...", "how can we ...": the frame says nothing about the topic,
so it is dropped (when other words remain). Filler words ("inovasi", "program", "masalah") stay but are
weak: `plan.build` weighs them little and leaves them out of coordination and the exact-name bonus, so a
write-up that has a rare filler word but misses the topic does not come first.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from kb.search.analysis import STOP_WORDS, split_words

MAX_FRAME_WORDS = 6


@dataclass(frozen=True)
class Frames:
    frames: frozenset[tuple[str, ...]]
    filler: frozenset[str]

    def strip(self, words: list[str]) -> list[str]:
        """`words` without the frames in them (longest match first); unchanged when nothing else remains."""
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_FRAME_WORDS, len(words) - i), 0, -1):
                if tuple(words[i:i + size]) in self.frames:
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out if any(w not in STOP_WORDS for w in out) else list(words)


@lru_cache(maxsize=1)
def default_frames() -> Frames:
    """The bundled list, loaded once per process."""
    text = resources.files("kb.search").joinpath("data/frames.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    frames = frozenset(tuple(split_words(str(f))) for f in data.get("frames") or [] if split_words(str(f)))
    filler = frozenset(w for f in data.get("filler") or [] for w in split_words(str(f)))
    return Frames(frames, filler)
