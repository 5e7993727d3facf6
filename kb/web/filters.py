"""Jinja filters and globals that turn vocabulary values into labels."""
from __future__ import annotations

from flask import Flask

from kb.content import vocab


def register(app: Flask) -> None:
    """Install the template helpers."""
    app.jinja_env.globals.update(
        sector_label=lambda slug: vocab.label(vocab.sectors(), slug),
        stage_label=lambda v: vocab.label(vocab.STAGES, v),
        status_label=lambda v: vocab.label(vocab.STATUSES, v),
        form_label=lambda v: vocab.label(vocab.FORMS, v),
        initiator_label=lambda v: vocab.label(vocab.INITIATORS, v),
        level_label=lambda v: vocab.label(vocab.LEVELS, v),
        proof_label=lambda v: vocab.label(vocab.PROOFS, v),
    )
    app.jinja_env.filters["rupiah"] = lambda n: "Rp" + f"{n:,}".replace(",", ".")
