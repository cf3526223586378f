"""`dualgen cache info` and `dualgen cache clean`: the installed dependency sets verify reuses."""

from __future__ import annotations

import datetime
import json
import shutil
import textwrap
import time

import click

from .options import color_option, examples, format_option


def _size(size: float) -> str:
    """1.5 MiB, 12 KiB, 300 B."""
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _ago(when: float, now: float) -> str:
    """used just now, 5 min ago, 3 h ago, 2 days ago."""
    seconds = max(0.0, now - when)
    for limit, unit, size in ((3600, "min", 60), (86400, "h", 3600)):
        if seconds < limit:
            return "just now" if seconds < 60 else f"{seconds // size:.0f} {unit} ago"
    days = seconds // 86400
    return f"{days:.0f} day{'s' * (days != 1)} ago"


def _state(found) -> str:
    """What a leftover is: an install another process is running, or one a dead process left."""
    if found.state == "installing":
        return f"an install under way ({found.why}): leave it"
    return f"left by an interrupted install ({found.why}): the next install or clean removes it"


def _iso(when: float | None) -> str | None:
    if when is None:
        return None
    moment = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
    return moment.isoformat(timespec="seconds")


@click.group(
    epilog=examples(
        "dualgen cache info                 # where, how big, every entry",
        "dualgen cache clean                # remove dualgen's entries; the next verify installs",
        "DUALGEN_CACHE_DIR=/tmp/c dualgen verify shop-flask   # a cache of its own",
    )
)
def cache() -> None:
    """The cache of installed dependencies that verify reuses.

    One virtualenv per distinct requirements.txt (with every file its -r and -c name), one
    node_modules per distinct package.json dependencies; a local folder (./mylib, -e ., file:)
    is refused, not shared. In $DUALGEN_CACHE_DIR, else $XDG_CACHE_HOME/dualgen, else
    ~/.cache/dualgen. A damaged entry is rebuilt on its own; clean frees the space. dualgen
    marks the folder it makes with CACHEDIR.TAG; clean refuses a folder without it and removes
    only dualgen's entries (a link is removed, never followed).
    """


@cache.command(
    epilog=examples("dualgen cache info", "dualgen cache info --format json | jq .bytes")
)
@format_option
@color_option
def info(output_format: str) -> None:
    """Show where the cache is, how big it is, and every entry: its packages, its size, when it
    was last used; damaged entries and installs under way are marked."""
    from .. import cache as cache_module
    from ..runner.contents import contents

    root = cache_module.cache_dir()
    entries = cache_module.cache_entries()
    held = {entry.path: contents(entry) for entry in entries}
    with cache_module.path_errors(root, "reading the cache"):
        tagged = cache_module.tagged(root)
        others = cache_module.foreign(root)
    total = sum(entry.size for entry in entries)
    if output_format == "json":
        data = {
            "path": str(root),
            "tagged": tagged,
            "bytes": total,
            "entries": [
                {
                    "kind": entry.kind,
                    "path": str(entry.path),
                    "bytes": entry.size,
                    "healthy": entry.healthy,
                    "packages": list(held[entry.path].packages),
                    "last_used": _iso(held[entry.path].used),
                    "state": held[entry.path].state,
                    "pid": held[entry.path].pid,
                }
                for entry in entries
            ],
            "not_dualgen": [str(path) for path in others],
        }
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{click.style('cache', bold=True)}  {root}")
    click.echo(f"total  {_entries(len(entries))}, {_size(total)}")
    if root.is_dir() and not tagged:
        click.echo(f"{cache_module.TAG} missing: not marked as dualgen's cache")
    if others:
        click.echo(f"not dualgen's  {len(others)} (clean leaves them)")
    kinds = dict.fromkeys(entry.kind for entry in entries)
    for kind in kinds:
        of_kind = [entry for entry in entries if entry.kind == kind]
        what = cache_module.CACHE_KINDS.get(kind, "")
        size = _size(sum(entry.size for entry in of_kind))
        click.echo("")
        line = f"{click.style(kind, bold=True)}  {_entries(len(of_kind))}, {size}"
        click.echo(f"{line}  ({what})" if what else line)
        if kind not in ("venvs", "node", "leftover", "link"):
            continue  # tools and the like: the total says enough
        for entry in of_kind:
            _entry_lines(entry, held[entry.path], root)


def _entry_lines(entry, found, root) -> None:
    """One entry: its name, size and state or last use; then what it holds."""
    line = f"  {entry.path.name:<24} {_size(entry.size):>10}"
    if entry.kind == "link":
        line = f"  {entry.path.relative_to(root)}  a link: clean removes it, not its target"
    elif entry.healthy is False:
        line += "  " + click.style("damaged: rebuilt when next used", fg="red")
    elif entry.kind == "leftover":
        line += f"  {_state(found)}"
    elif found.used is not None:
        line += f"  used {_ago(found.used, time.time())}"
    click.echo(line)
    if found.packages:
        width = min(shutil.get_terminal_size((100, 24)).columns, 100)
        text = ", ".join(found.packages)
        for part in textwrap.wrap(text, width - 4, break_on_hyphens=False, break_long_words=False):
            click.echo(f"    {part}")


@cache.command(epilog=examples("dualgen cache clean", "dualgen cache clean -q"))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing.")
def clean(quiet: bool) -> None:
    """Remove dualgen's entries from the cache; the next verify installs again.

    Only a folder marked with CACHEDIR.TAG is cleaned (a cache of an older dualgen, holding
    nothing but dualgen's names, gets the mark). Only names dualgen writes are removed; a link
    is removed, its target never touched. An install under way finishes first. Do not clean
    while a verify runs a server.
    """
    from .. import cache as cache_module

    cleaned = cache_module.clean_cache()
    if quiet:
        return
    root = cache_module.cache_dir()
    if cleaned.adopted:
        click.echo(f"Marked {root} as dualgen's cache (CACHEDIR.TAG): it held only dualgen's names")
    for entry in cleaned.removed:
        what = "link" if entry.kind == "link" else _size(entry.size)
        click.echo(f"  removed  {entry.path.relative_to(root)}  ({what})")
    size = _size(sum(entry.size for entry in cleaned.removed))
    click.echo(f"Removed {_entries(len(cleaned.removed))} ({size}) from {root}")
    if cleaned.left:
        click.echo(f"Left {len(cleaned.left)} not written by dualgen where they are")
