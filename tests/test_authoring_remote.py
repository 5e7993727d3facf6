"""Git carries the content between machines: the authoring site pushes each publish to KB_GIT_REMOTE (a
bare repository on disk here), and a read-only replica started with `sync --pull` clones it, follows it
and publishes to its own index. Two local instances, each with its own content folder and index."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pygit2
from click.testing import CliRunner

from kb.authoring.drafts import Authoring
from kb.authoring.gitstore import ContentRepo, RemoteError
from kb.authoring.replica import Follower, init_repo
from kb.authoring.writeup import WriteUp, parse
from kb.cli import cli
from kb.publish import Syncer, publish
from kb.web import create_app
from tests.authoring_support import BODY, PASSWORD, git

WAIT_S = 60  # generous: the machine is shared; the condition is polled, never a fixed sleep


def _wait(condition, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _primary(tmp_path: Path, content_dir: Path) -> tuple[Path, Path]:
    bare = tmp_path / "remote.git"
    pygit2.init_repository(str(bare), bare=True, initial_head="main").free()
    primary = tmp_path / "primary"
    init_repo(primary, content_dir)
    ContentRepo(primary).push(str(bare))
    return primary, bare


def _publish(primary: Path, data_dir: Path, remote: str, slug: str, title: str) -> str | None:
    site = Authoring(primary, data_dir, remote)
    accounts = site.accounts
    author = accounts.by_email("ani@example.org") or accounts.add("ani@example.org", "Ani Penulis", "author", PASSWORD)
    reviewer = accounts.by_email("budi@example.org") or accounts.add("budi@example.org", "Budi", "reviewer", PASSWORD)
    base = parse((primary / "innovations" / "klinik-bumdesa.md").read_bytes(), "klinik-bumdesa")
    draft = site.create(author, slug, WriteUp({**base.front_matter, "title": title}, BODY))
    site.submit(author, draft.id)
    return site.publish(reviewer, draft.id)[1]


def test_publishes_reach_a_replica_through_a_bare_remote(tmp_path, content_dir):
    primary, bare = _primary(tmp_path, content_dir)
    replica = tmp_path / "replica"
    env = {"KB_GIT_REMOTE": str(bare), "KB_CONTENT_DIR": str(replica), "KB_INDEX_DIR": str(tmp_path / "replica-index")}
    first = CliRunner().invoke(cli, ["sync", "--pull", "--once"], env=env)
    assert first.exit_code == 0, first.output
    assert (replica / "innovations" / "klinik-bumdesa.md").exists()  # cloned, then published
    # the replica runs its sync owner and its follower; its web app reads its own index
    syncer = Syncer(replica, tmp_path / "replica-index", interval=0.2)
    follower = Follower(replica, str(bare), interval=0.2)
    syncer.start(wait=True)
    follower.start()
    app = create_app({"CONTENT_DIR": str(replica), "INDEX_DIR": str(tmp_path / "replica-index"), "AUTHORING": False,
                      "DATA_DIR": str(tmp_path / "replica-data"), "TESTING": True})
    try:
        client = app.test_client()
        assert client.get("/inovasi/klinik-bumdesa").status_code == 200  # the clone, published to its index
        assert client.get("/inovasi/posyandu-keliling").status_code == 404
        assert _publish(primary, tmp_path / "data", str(bare), "posyandu-keliling", "Posyandu Keliling") is None
        remote_head = str(pygit2.Repository(str(bare)).references["refs/heads/main"].target)
        assert remote_head == git(primary, "rev-parse", "HEAD").strip()  # pushed
        _wait(lambda: client.get("/inovasi/posyandu-keliling").status_code == 200, "the replica's page")
        assert "Posyandu Keliling" in client.get("/inovasi/posyandu-keliling").get_data(as_text=True)
        assert git(replica, "log", "-1", "--format=%an|%s").strip() == \
            "Ani Penulis|posyandu-keliling: publish new write-up"
        assert git(replica, "status", "--porcelain") == ""
        assert "Ani Penulis" in client.get("/inovasi/posyandu-keliling/riwayat").get_data(as_text=True)
        assert "KB_AUTHORING" in client.get("/masuk").get_data(as_text=True)  # the replica is read-only
    finally:
        follower.stop()
        syncer.stop()
        app.extensions["kb.generations"].close()


def test_an_unreachable_remote_does_not_undo_a_publish_and_the_next_push_catches_up(tmp_path, content_dir):
    primary, bare = _primary(tmp_path, content_dir)
    gone = str(tmp_path / "missing.git")
    warning = _publish(primary, tmp_path / "data", gone, "satu", "Satu")
    assert warning is not None and "push" in warning
    assert (primary / "innovations" / "satu.md").exists()
    assert _publish(primary, tmp_path / "data", str(bare), "dua", "Dua") is None
    remote = pygit2.Repository(str(bare))
    head = remote.references["refs/heads/main"].peel(pygit2.Commit)
    assert {"innovations/satu.md", "innovations/dua.md"} <= {f"innovations/{e.name}" for e in head.tree["innovations"]}


def test_a_replica_that_diverged_is_left_alone(tmp_path, content_dir):
    primary, bare = _primary(tmp_path, content_dir)
    replica = tmp_path / "replica"
    pygit2.clone_repository(str(bare), str(replica)).free()
    _publish(replica, tmp_path / "replica-data", "", "lokal", "Lokal")  # a commit the remote never saw
    _publish(primary, tmp_path / "data", str(bare), "pusat", "Pusat")
    try:
        ContentRepo(replica).pull(str(bare))
        raise AssertionError("a diverged replica must not be moved")
    except RemoteError as exc:
        assert "diverged" in str(exc)
    assert (replica / "innovations" / "lokal.md").exists() and not (replica / "innovations" / "pusat.md").exists()
    follower = Follower(replica, str(bare))
    assert follower.pull_once() is False and "diverged" in (follower.last_error or "")


def test_sync_pull_needs_a_remote(tmp_path):
    result = CliRunner().invoke(cli, ["sync", "--pull", "--once"], env={"KB_GIT_REMOTE": "",
                                                                      "KB_CONTENT_DIR": str(tmp_path / "c")})
    assert result.exit_code == 2 and "KB_GIT_REMOTE" in result.output


def test_replica_publishing_is_serialised_with_pulls(tmp_path, content_dir):
    """The follower and a publish take the same lock: a pull never sees half a publish."""
    primary, bare = _primary(tmp_path, content_dir)
    errors: list[BaseException] = []

    def pushes() -> None:
        try:
            for n in range(3):
                _publish(primary, tmp_path / "data", str(bare), f"tulisan-{n}", f"Tulisan {n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    replica = tmp_path / "replica"
    pygit2.clone_repository(str(bare), str(replica)).free()
    thread = threading.Thread(target=pushes)
    thread.start()
    follower = Follower(replica, str(bare))
    while thread.is_alive():
        follower.pull_once()
    thread.join()
    follower.pull_once()
    assert not errors and follower.last_error is None
    assert all((replica / "innovations" / f"tulisan-{n}.md").exists() for n in range(3))
    assert git(replica, "status", "--porcelain") == ""
    publish(replica, tmp_path / "replica-index")
