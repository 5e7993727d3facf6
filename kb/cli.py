"""Command-line interface, shared by `python run.py ...` and `flask --app kb ...`.

Commands stay thin: they resolve settings, then call into kb.content / kb.search / kb.web.
"""
from __future__ import annotations

import datetime as dt
import logging
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
    """Serve the site; builds the search index first if there is none (else updates it in the background)."""
    from kb.web import create_app

    settings = _settings(host=host, port=port, debug=debug, content_dir=content_dir, index_dir=index_dir)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    click.echo(f"Lumbung Inovasi: http://{settings['HOST']}:{settings['PORT']}/  (Ctrl+C to stop)")
    app.run(host=settings["HOST"], port=settings["PORT"], debug=settings["DEBUG"], use_reloader=False)


@click.command("check")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@_content_option
def check_command(strict: bool, content_dir: str | None) -> None:
    """Validate all content; print `path:line: field: message` for each problem."""
    from kb.content import load_catalogue

    settings = _settings(content_dir=content_dir)
    catalogue = load_catalogue(settings["CONTENT_DIR"])
    for issue in catalogue.issues:
        click.echo(str(issue), err=False)
    click.echo(catalogue.summary_line())
    if catalogue.errors or (strict and catalogue.warnings):
        sys.exit(1)


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating what changed.")
@_content_option
@_index_option
def index_command(rebuild: bool, content_dir: str | None, index_dir: str | None) -> None:
    """Build or update the search index."""
    from kb.content import load_catalogue
    from kb.search import update_index

    settings = _settings(content_dir=content_dir, index_dir=index_dir)
    catalogue = load_catalogue(settings["CONTENT_DIR"])
    for issue in catalogue.errors:
        click.echo(str(issue), err=True)
    show_bar = sys.stderr.isatty() and len(catalogue.innovations) >= 200
    if show_bar:
        with click.progressbar(length=len(catalogue.innovations), label="Indexing", file=sys.stderr) as bar:
            last = [0]

            def progress(done: int, total: int) -> None:
                bar.update(done - last[0])
                last[0] = done

            report = update_index(catalogue, settings["INDEX_DIR"], rebuild=rebuild, progress=progress)
    else:
        report = update_index(catalogue, settings["INDEX_DIR"], rebuild=rebuild)
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


COMMANDS = (serve_command, check_command, index_command, new_command)


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
