"""Schemathesis against the app in-process (WSGI): every operation of /api/openapi.json, generated requests
valid and invalid, responses checked against the document (no 5xx, declared status codes and schemas, a
4xx for requests the document rules out, 405 with `Allow` for undeclared methods).

Bounded for the suite (about 10 s on a busy 2-core machine): a fixed number of examples per operation,
derandomized so every run sends the same requests, no deadline (timing is never asserted).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from kb.publish import publish
from kb.web import create_app
from kb.web.openapi import openapi_document

ROOT = Path(__file__).resolve().parent.parent
SERVER = "http://localhost"  # the test client's host: the document the app serves to it
# The schema is collected with the test module, before any app exists; the served copy is checked to be
# exactly this document (test_the_tested_document_is_the_served_one). Schemathesis's fixture-based loader
# (`schemathesis.pytest.from_fixture`) does not work with pytest 9.2 yet.
DOCUMENT = json.loads(json.dumps(openapi_document(SERVER)))
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    """The real app on the bundled catalogue (realistic values for the feedback loop to reuse)."""
    index_dir = tmp_path_factory.mktemp("st") / "idx"
    publish(ROOT / "content", index_dir)
    app = create_app({"CONTENT_DIR": str(ROOT / "content"), "INDEX_DIR": str(index_dir),
                      "RELOAD_INTERVAL": 0, "TESTING": True})
    yield app
    app.extensions["kb.generations"].close()


def test_the_tested_document_is_the_served_one(api_app):
    assert api_app.test_client().get("/api/openapi.json").get_json() == DOCUMENT


@schema.parametrize()
@settings(max_examples=50, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_openapi_document(case, api_app):
    # identity: the in-process client does not decompress, and gzip has its own tests (test_pages, test_api)
    case.call_and_validate(app=api_app, headers={"Accept-Encoding": "identity"})
