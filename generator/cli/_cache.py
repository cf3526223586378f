"""`dualgen cache info` and `dualgen cache clean`: the installed dependency sets verify reuses."""

from __future__ import annotations

import json

import click

from ._shared import color_option, examples, format_option


def _size(size: float) -> str:
    """1.5 MiB, 12 KiB, 300 B."""
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


@click.group(
    epilog=examples(
        "dualgen cache info                 # where, how big, every entry",
        "dualgen cache clean                # remove every entry; the next verify installs",
        "DUALGEN_CACHE_DIR=/tmp/c dualgen verify shop-flask   # a cache of its own",
    )
)
def cache() -> None:
    """The cache of installed dependencies that verify reuses.

    One virtualenv per distinct requirements.txt, one node_modules per distinct package.json
    dependencies, in $DUALGEN_CACHE_DIR, else $XDG_CACHE_HOME/dualgen, else ~/.cache/dualgen.
    A damaged entry is rebuilt on its own; clean frees the space.
    """


@cache.command(
    epilog=examples("dualgen cache info", "dualgen cache info --format json | jq .bytes")
)
@format_option
@color_option
def info(output_format: str) -> None:
    """Show where the cache is, how big it is, and every entry (damaged ones marked)."""
    from .. import runner

    root = runner.cache_dir()
    entries = runner.cache_entries()
    total = sum(entry.size for entry in entries)
    if output_format == "json":
        data = {
            "path": str(root),
            "bytes": total,
            "entries": [
                {
                    "kind": entry.kind,
                    "path": str(entry.path),
                    "bytes": entry.size,
                    "healthy": entry.healthy,
                }
                for entry in entries
            ],
        }
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{click.style('cache', bold=True)}  {root}")
    click.echo(f"total  {_entries(len(entries))}, {_size(total)}")
    kinds = dict.fromkeys(entry.kind for entry in entries)
    for kind in kinds:
        of_kind = [entry for entry in entries if entry.kind == kind]
        what = runner.CACHE_KINDS.get(kind, "")
        size = _size(sum(entry.size for entry in of_kind))
        click.echo("")
        line = f"{click.style(kind, bold=True)}  {_entries(len(of_kind))}, {size}"
        click.echo(f"{line}  ({what})" if what else line)
        if kind not in ("venvs", "node", "leftover"):
            continue  # tools and the like: the total says enough
        for entry in of_kind:
            line = f"  {entry.path.name:<24} {_size(entry.size):>10}"
            if entry.healthy is False:
                line += "  " + click.style("damaged: rebuilt when next used", fg="red")
            elif entry.kind == "leftover":
                line += "  left by an interrupted install"
            click.echo(line)


@cache.command(epilog=examples("dualgen cache clean", "dualgen cache clean -q"))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing.")
def clean(quiet: bool) -> None:
    """Remove every entry of the cache; the next verify installs again.

    An install under way finishes first. Do not clean while a verify runs a server.
    """
    from .. import runner

    removed = runner.clean_cache()
    if not quiet:
        size = _size(sum(entry.size for entry in removed))
        click.echo(f"Removed {_entries(len(removed))} ({size}) from {runner.cache_dir()}")
