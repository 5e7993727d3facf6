"""Publishing: from the content folder to index generations (search index + records) that readers open.

Above kb.content and kb.search, below kb.web: `publish()` makes a generation, `Syncer` is the one sync
owner that calls it on every change, `LiveGenerations` is how readers find the current one.
"""
from __future__ import annotations

from kb.publish.builder import ContentMissing, Publisher, PublishReport, publish
from kb.publish.generation import Generation, LiveGenerations, Unavailable
from kb.publish.sync import Syncer

__all__ = ["ContentMissing", "Generation", "LiveGenerations", "PublishReport", "Publisher", "Syncer", "Unavailable",
           "publish"]
