"""Command-line interface, shared by `python run.py ...` and `flask --app kb ...`.

Commands stay thin: they resolve settings, then call into kb.content / kb.search / kb.web.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path

import click

from kb import config as kb_config


def _settings(**overrides: object) -> dict:
    return kb_config.resolve({k.upper(): v for k, v in overrides.items()})


def _content_option(f):  # noqa: ANN001, ANN202
    return click.option("--content-dir", type=click.Path(file_okay=False), default=None,
                        help="Content folder [env KB_CONTENT_DIR, default: content].")(f)


def _index_option(f):  # noqa: ANN001, ANN202
    return click.option("--index-dir", type=click.Path(file_okay=False), default=None,
                        help="Index folder [env KB_INDEX_DIR, default: search_index].")(f)


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on [env KB_HOST, default: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [env KB_PORT, default: 5000].")
@click.option("--debug/--no-debug", default=None, help="Flask debug mode (never in production).")
@_content_option
@_index_option
def serve_command(host: str | None, port: int | None, debug: bool | None, content_dir: str | None,
                  index_dir: str | None) -> None:
    """Serve the site and keep it in step with the content folder (the sync owner runs alongside)."""
    from kb.publish import Syncer
    from kb.web import create_app

    settings = _settings(host=host, port=port, debug=debug, content_dir=content_dir, index_dir=index_dir)
    if "KB_SHOW_PROBLEMS" not in os.environ:
        settings["SHOW_PROBLEMS"] = True  # the local server is the author's preview
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    syncer = Syncer(settings["CONTENT_DIR"], settings["INDEX_DIR"], float(settings["RELOAD_INTERVAL"]))
    syncer.start(wait=True)  # the first publish (a full build on a fresh checkout) before the first request
    app = create_app(settings)
    click.echo(f"Lumbung Inovasi: http://{settings['HOST']}:{settings['PORT']}/  (Ctrl+C to stop)")
    try:
        app.run(host=settings["HOST"], port=settings["PORT"], debug=settings["DEBUG"], use_reloader=False)
    finally:
        syncer.stop()


@click.command("sync")
@_content_option
@_index_option
@click.option("--once", is_flag=True, help="Publish what changed, then exit (no watching).")
@click.option("--pull", is_flag=True, help="Follow KB_GIT_REMOTE: clone it into an empty content folder, then "
              "fetch and fast-forward every KB_PULL_INTERVAL seconds (read-only replicas).")
def sync_command(content_dir: str | None, index_dir: str | None, once: bool, pull: bool) -> None:
    """Run the sync owner: publish every content change to the index that web workers read (run one next
    to gunicorn; `serve` runs its own). A second one waits on standby and takes over if the first stops."""
    from kb.publish import Syncer

    settings = _settings(content_dir=content_dir, index_dir=index_dir)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s kb-sync[%(process)d] %(levelname)s %(message)s")
    interval = 0.0 if once else float(settings["RELOAD_INTERVAL"])
    follower = _follower(settings) if pull else None
    syncer = Syncer(settings["CONTENT_DIR"], settings["INDEX_DIR"], interval)
    if follower is not None and not once:
        follower.start()
        try:
            code = syncer.run_forever()
        finally:
            follower.stop()
        sys.exit(code)
    if once:
        syncer.start(wait=True)
        syncer.stop()
        report = syncer.last_report
        if report is None:
            sys.exit(1)
        click.echo(report.summary_line())
        return
    sys.exit(syncer.run_forever())


def _follower(settings: dict):  # noqa: ANN202
    """`sync --pull`: the content folder as a clone of KB_GIT_REMOTE, pulled once now."""
    from kb.authoring.replica import Follower, clone
    from kb.authoring.gitstore import RemoteError

    url = settings["GIT_REMOTE"]
    if not url:
        raise click.UsageError("--pull follows KB_GIT_REMOTE: set it to the git URL or path the authoring site "
                               "pushes to")
    content = Path(settings["CONTENT_DIR"])
    if not content.exists() or not any(content.iterdir()):
        try:
            clone(url, content)
        except RemoteError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"cloned {url} into {content}", err=True)
    follower = Follower(content, url, float(settings["PULL_INTERVAL"]))
    follower.pull_once()
    return follower


@click.command("check")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@_content_option
@_index_option
def check_command(strict: bool, content_dir: str | None, index_dir: str | None) -> None:
    """Validate all content; print `path:line: field: message` for each problem. Files unchanged since the
    index was last published are not read again (their problems are kept with the index)."""
    from kb.publish.builder import check

    settings = _settings(content_dir=content_dir, index_dir=index_dir)
    root = Path(settings["CONTENT_DIR"])
    if not root.is_dir():
        click.echo(f"{root}: content: content folder does not exist")
        sys.exit(1)
    plan = check(root, settings["INDEX_DIR"])
    issues = plan.issues()
    for issue in issues:
        click.echo(str(issue))
    for slug in sorted(plan.stale):
        click.echo(f"note: {slug}: the site keeps serving its last good version until the errors are fixed")
    click.echo(plan.summary_line())
    if any(i.is_error for i in issues) or (strict and issues):
        sys.exit(1)


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating what changed.")
@_content_option
@_index_option
def index_command(rebuild: bool, content_dir: str | None, index_dir: str | None) -> None:
    """Publish the content folder to the search index now (only what changed, or everything)."""
    from kb.publish.builder import ContentMissing, publish

    settings = _settings(content_dir=content_dir, index_dir=index_dir)
    bar = None
    if sys.stderr.isatty():
        state = {"bar": None, "last": 0}

        def progress(done: int, total: int) -> None:
            if state["bar"] is None and total >= 200:
                state["bar"] = click.progressbar(length=total, label="Indexing", file=sys.stderr)
                state["bar"].__enter__()
            if state["bar"] is not None:
                state["bar"].update(done - state["last"])
                state["last"] = done

        bar = state
    try:
        report = publish(settings["CONTENT_DIR"], settings["INDEX_DIR"], rebuild=rebuild,
                         progress=progress if bar is not None else None)
    except ContentMissing as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar is not None and bar["bar"] is not None:
            bar["bar"].__exit__(None, None, None)
    click.echo(report.summary_line())


@click.command("new")
@click.argument("title")
@click.option("--region", default=None, help='Region, e.g. "Kabupaten Banyuwangi".')
@click.option("--slug", default=None, help="File name / permalink (default: from the title).")
@_content_option
def new_command(title: str, region: str | None, slug: str | None, content_dir: str | None) -> None:
    """Write content/innovations/<slug>.md from the commented template."""
    from kb.content import regions
    from kb.content.schema import SLUG_RE
    from kb.content.template import innovation_template, slugify

    settings = _settings(content_dir=content_dir)
    slug = slug or slugify(title)
    if not SLUG_RE.match(slug):
        raise click.UsageError(f"cannot make a slug from {title!r}; pass --slug like 'nama-inovasi'")
    region_code = None
    if region:
        matches = regions.find_regions(region)
        if len(matches) == 1:
            region_code = matches[0].code
            region = matches[0].display_name
        else:
            click.echo(f"note: {region!r} is not a Kemendagri province or regency/city name; "
                       "check the spelling (e.g. 'Kabupaten Banyuwangi')", err=True)
    target = Path(settings["CONTENT_DIR"]) / "innovations" / f"{slug}.md"
    if target.exists():
        raise click.ClickException(f"{target} already exists; pick another --slug or edit that file")
    target.parent.mkdir(parents=True, exist_ok=True)
    text = innovation_template(title, region=region, region_code=region_code, today=dt.date.today())
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(text)
    click.echo(f"created {target}")
    click.echo("next: fill in every TODO, then run `python3 run.py check` and preview with `python3 run.py`")


@click.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--award", required=True, help="Award file slug in content/awards/, e.g. sinovik.")
@click.option("--year", required=True, type=click.IntRange(1945, dt.date.today().year), help="Award year.")
@_content_option
def import_command(csv_file: Path, award: str, year: int, content_dir: str | None) -> None:
    """Write one draft per row of a winners list (CSV) into content/innovations/_drafts/.

    Columns (header row; Indonesian names accepted): title, region, and optionally region_code, agency, rank,
    summary, full_name, sectors, url, source_title. See docs/content-format.md. Exits 1 if a row was skipped.
    """
    from kb.content.importer import ImportFileError, import_winners

    settings = _settings(content_dir=content_dir)
    try:
        report = import_winners(csv_file, Path(settings["CONTENT_DIR"]), award, year)
    except ImportFileError as exc:
        raise click.ClickException(f"{csv_file}:{exc}" if str(exc).startswith("line ") else f"{csv_file}: {exc}")
    for path in report.written:
        click.echo(f"draft {path}")
    for skip in report.skipped:
        click.echo(f"{csv_file}:{skip.line}: {skip.title or '(no title)'}: {skip.reason}", err=True)
    click.echo(f"{len(report.written)} drafts written, {len(report.skipped)} rows skipped")
    if report.written:
        click.echo("next: complete each draft from its sources, move it to content/innovations/, run check")
    if report.skipped:
        raise SystemExit(1)


@click.group("user")
def user_group() -> None:
    """Accounts for authoring in the browser (stored under KB_DATA_DIR)."""


@user_group.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Full name: shown to reviewers and used as the git author.")
@click.option("--role", type=click.Choice(["author", "reviewer", "admin"]), default="author", show_default=True,
              help="author: writes and submits; reviewer: also reviews and publishes; admin: also manages accounts.")
@click.option("--password", envvar="KB_NEW_PASSWORD", default=None, hidden=True)
def user_add_command(email: str, name: str, role: str, password: str | None) -> None:
    """Add an account. The password comes from KB_NEW_PASSWORD, else it is asked for twice."""
    from kb.authoring.accounts import AccountError, Accounts
    from kb.authoring.database import Database

    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = Accounts(Database(_settings()["DATA_DIR"])).add(email, name, role, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"added {user.role} {user.email} ({user.name})")


@user_group.command("password")
@click.argument("email")
@click.option("--password", envvar="KB_NEW_PASSWORD", default=None, hidden=True)
def user_password_command(email: str, password: str | None) -> None:
    """Set a new password for an account (from KB_NEW_PASSWORD, else asked for twice)."""
    from kb.authoring.accounts import AccountError, Accounts
    from kb.authoring.database import Database

    accounts = Accounts(Database(_settings()["DATA_DIR"]))
    user = accounts.by_email(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    if not password:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.set_password(user.id, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"new password set for {user.email}")


@user_group.command("list")
def user_list_command() -> None:
    """List the accounts."""
    from kb.authoring.accounts import Accounts
    from kb.authoring.database import Database

    for user in Accounts(Database(_settings()["DATA_DIR"])).all():
        state = "" if user.active else " (disabled)"
        click.echo(f"{user.email}  {user.role}  {user.name}{state}")


@click.group("token")
def token_group() -> None:
    """API tokens (`Authorization: Bearer <token>` on /api/v1/drafts)."""


@token_group.command("create")
@click.argument("email")
def token_create_command(email: str) -> None:
    """Create an API token for an account; the token is the last line (shown once: only its digest is kept)."""
    from kb.authoring.accounts import Accounts
    from kb.authoring.database import Database

    accounts = Accounts(Database(_settings()["DATA_DIR"]))
    user = accounts.by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"no active account for {email}; add one with `user add`")
    click.echo(f"API token for {user.email} ({user.role}); keep it secret, it is not shown again:")
    click.echo(accounts.create_token(user.id))


@click.command("init-repo")
@click.argument("target", type=click.Path(file_okay=False))
@click.option("--from", "source", type=click.Path(file_okay=False, exists=True), default=None,
              help="Content folder to copy (default: KB_CONTENT_DIR, e.g. the bundled content).")
def init_repo_command(target: str, source: str | None) -> None:
    """Make a content repository of its own at TARGET (git init, a copy of the write-ups, one commit), for
    authoring in the browser: then serve with KB_CONTENT_DIR=TARGET."""
    from kb.authoring.replica import init_repo

    origin = Path(source or _settings()["CONTENT_DIR"])
    try:
        commit = init_repo(target, origin)
    except (FileExistsError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {target} (commit {commit[:10]})")
    click.echo(f"next: KB_CONTENT_DIR={target} python3 run.py, and `python3 run.py user add EMAIL --name NAME "
               "--role reviewer`")


COMMANDS = (serve_command, sync_command, check_command, index_command, new_command, import_command, user_group,
            token_group, init_repo_command)


def register_commands(group: click.Group) -> None:
    """Add our commands to a click group (the `run.py` group or Flask's `app.cli`)."""
    for command in COMMANDS:
        group.add_command(command)


class _DefaultServeGroup(click.Group):
    """`python run.py` with no command serves the site."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h")):
            args = ["serve", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultServeGroup, help="Lumbung Inovasi. With no command: serve the site.")
def cli() -> None:
    """Entry point for run.py."""


register_commands(cli)
