"""`dualgen bench`: both frameworks under load (wrk), each route kind, each server setup."""

from __future__ import annotations

import shlex
from typing import Any

import click

from .options import _answers_from_options, _choice_options, examples, format_option, html_options


@click.command(
    epilog=examples(
        "dualgen bench                            # 1,10,100 connections, 3 runs of 5 s each",
        "dualgen bench --repeat 5 --servers gunicorn-gthread,express   # a tighter spread",
        "dualgen bench --concurrency 1,50 --duration 3 --html bench.html",
        "dualgen bench --preset api --delay 100 --cpu 20",
        "dualgen bench --servers flask-dev,express --concurrency 100",
        "dualgen bench --answers shop/.dualgen.yaml --format json > bench.json",
        "dualgen bench --streams --connections 100,1000 --rate 1 --duration 10",
        "dualgen bench --scenario resource --concurrency 10   # SQLite, generated vs anchor",
        "DATABASE_URL=postgresql://me:pw@localhost/postgres dualgen bench --scenario resource "
        "--storage postgresql",
    )
)
@click.argument("name", required=False)
@_choice_options
@click.option(
    "--concurrency",
    default="1,10,100",
    metavar="N,N,...",
    help="Connections wrk keeps open, one run each.",
)
@click.option(
    "--duration",
    type=int,
    default=5,
    metavar="SECONDS",
    help="How long each wrk run lasts (with --streams: how long events are published).",
)
@click.option(
    "--repeat",
    type=int,
    default=3,
    show_default=True,
    metavar="N",
    help="Runs of each figure: the median is shown, the spread (min–max) beside it, and a "
    "verdict only where the spreads do not overlap.",
)
@click.option(
    "--delay",
    "delay_ms",
    type=click.IntRange(1, 10_000),
    default=50,
    metavar="MS",
    help="Milliseconds the delay route waits.",
)
@click.option(
    "--cpu",
    "cpu_ms",
    type=click.IntRange(1, 10_000),
    default=10,
    metavar="MS",
    help="Milliseconds of CPU work the cpu route does.",
)
@click.option(
    "--servers",
    metavar="KEY,KEY,...",
    help="Only these server setups: flask-dev, gunicorn-sync, gunicorn-gthread, express, "
    "node-cluster (default: all); with --streams: express, gunicorn-gevent, gunicorn-gthread, "
    "flask-dev.",
)
@click.option(
    "--streams",
    is_flag=True,
    help="Hold server-sent event streams open instead (the events choice, in memory, one "
    "server process): streams held, delivery latency, memory per stream. No wrk needed.",
)
@click.option(
    "--connections",
    default="100,1000",
    show_default=True,
    metavar="N,N,...",
    help="With --streams: how many streams to hold, one run each.",
)
@click.option(
    "--rate",
    type=float,
    default=1.0,
    show_default=True,
    metavar="EVENTS",
    help="With --streams: events published a second, for --duration seconds.",
)
@click.option(
    "--scenario",
    type=click.Choice(["routes", "resource"]),
    default="routes",
    show_default=True,
    help="routes: the plain, delay and cpu routes; resource: a database resource (read one "
    "item by id, create one) in the generated code and in an anchor written the way each "
    "library's documentation writes it, on the production servers (--servers "
    "gunicorn-sync, gunicorn-gthread, express, node-cluster; default gunicorn-gthread,"
    "node-cluster).",
)
@click.option(
    "--storage",
    type=click.Choice(["sqlite", "postgresql"]),
    default="sqlite",
    show_default=True,
    help="With --scenario resource: the database. postgresql needs DATABASE_URL (a server "
    "where the bench may make and drop a database for each server it starts).",
)
@format_option
@html_options("one self-contained HTML page with the charts and the table")
@click.pass_context  # type: ignore[arg-type]  # Click passes the context first
def bench(
    ctx: click.Context,
    concurrency,
    duration,
    repeat,
    delay_ms,
    cpu_ms,
    servers,
    streams,
    connections,
    rate,
    scenario,
    storage,
    output_format,
    html_file,
    force,
    **choices,
):
    """Measure both frameworks on the same program: the plain route, a route that waits
    (delay) and one that computes (cpu), at each concurrency, under the development servers,
    gunicorn (sync and gthread workers) and the Node cluster.

    Needs wrk (apt-get install -y wrk); every request goes to 127.0.0.1. Each figure is
    measured --repeat times. Prints a table of medians with their spread, conclusions drawn from
    the figures, checked against the comparison article's claims ("about even" or "cannot tell"
    where the spreads overlap), and the command that runs the same bench again.
    """
    from .. import bench as benching
    from .. import files
    from ..bench import page, report

    if streams or scenario == "resource" or _given(ctx, "storage"):
        return _other_scenario(ctx)
    levels = benching.parse_concurrency(concurrency)
    setups = benching.parse_setups(servers)
    benching.check_duration(duration)
    benching.check_repeat(repeat)
    answers = _answers_from_options(**choices)
    benching.require_wrk()
    _check_html(html_file, force)
    progress = None if output_format == "json" else (lambda line: click.echo(line, err=True))
    result = benching.bench(
        answers,
        concurrency=levels,
        duration=duration,
        delay_ms=delay_ms,
        cpu_ms=cpu_ms,
        setups=setups,
        progress=progress,
        repeat=repeat,
        command=_command(ctx, levels, setups),
    )
    if html_file is not None:
        files.write_file(html_file, page.render_html(result), force=force)
    if output_format == "json":
        click.echo(report.render_json(result), nl=False)
    else:
        click.echo(report.render_text(result), nl=False)
        if html_file is not None:
            click.echo(f"Wrote {html_file}")


def _check_html(html_file, force: bool) -> None:
    """Refuse an --html file that exists (without --force) before anything is measured."""
    from .. import files

    if html_file is not None:
        files.check_output_file(html_file, force=force)


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE


def _other_scenario(ctx: click.Context) -> None:
    """--streams or --scenario resource, never both; --storage only with the resource."""
    if ctx.params["streams"] and ctx.params["scenario"] == "resource":
        raise click.UsageError("--streams and --scenario resource are two benches: choose one")
    if ctx.params["scenario"] != "resource" and _given(ctx, "storage"):
        raise click.UsageError("--storage is an option of --scenario resource")
    if ctx.params["streams"]:
        return _bench_streams(ctx.params)
    return _bench_resource(ctx)


def _bench_streams(params: dict[str, Any]) -> None:
    """`dualgen bench --streams`: held event streams (generator.bench.streams), from the
    command's parameters (what neither the bench nor the report reads: the choices)."""
    from .. import files
    from ..bench import streams as streaming
    from ..bench import streams_page, streams_report

    connections, rate, duration, servers = (params[k] for k in _STREAMS_READS)
    output_format, html_file, force = (params[k] for k in _REPORT)
    own = {"concurrency", "repeat", "delay_ms", "cpu_ms", "streams", *_STREAMS_READS, *_REPORT,
           *_RESOURCE}  # fmt: skip
    choices = {k: v for k, v in params.items() if k not in own}

    levels = streaming.parse_connections(connections)
    setups = streaming.parse_stream_setups(servers)
    streaming.check_rate(rate)
    streaming.check_duration(duration)
    answers = _answers_from_options(**choices)
    _check_html(html_file, force)
    progress = None if output_format == "json" else (lambda line: click.echo(line, err=True))
    result = streaming.bench_streams(
        answers,
        connections=levels,
        rate=rate,
        duration=duration,
        setups=setups,
        progress=progress,
        command=streams_report.command_line(levels, rate, duration, setups),
    )
    if html_file is not None:
        files.write_file(html_file, streams_page.render_html(result), force=force)
    render = streams_report.render_json if output_format == "json" else streams_report.render_text
    click.echo(render(result), nl=False)
    if html_file is not None and output_format != "json":
        click.echo(f"Wrote {html_file}")


def _bench_resource(ctx: click.Context) -> None:
    """`dualgen bench --scenario resource`: generated code and anchors on a database
    (generator.bench.resource)."""
    from .. import bench as benching
    from .. import databases, files
    from ..bench import resource, resource_report

    params = ctx.params
    output_format, html_file, force = (params[k] for k in _REPORT)
    own = {"delay_ms", "cpu_ms", "servers", "scenario", "storage", "concurrency", "duration",
           "repeat", *_STREAMS, *_REPORT}  # fmt: skip
    choices = {k: v for k, v in params.items() if k not in own}
    levels = benching.parse_concurrency(params["concurrency"])
    setups = resource.parse_servers(params["servers"])
    benching.check_duration(params["duration"])
    benching.check_repeat(params["repeat"])
    if params["storage"] == "postgresql":
        databases.postgresql_url()  # refused before anything starts
    answers = _answers_from_options(**choices)
    benching.require_wrk()
    _check_html(html_file, force)
    progress = None if output_format == "json" else (lambda line: click.echo(line, err=True))
    result = resource.bench_resource(
        answers,
        storage=params["storage"],
        concurrency=levels,
        duration=params["duration"],
        setups=setups,
        repeat=params["repeat"],
        progress=progress,
        command=_command(ctx, levels, setups, skip=("delay_ms", "cpu_ms")),
    )
    if html_file is not None:
        files.write_file(html_file, resource_report.render_html(result), force=force)
    render = resource_report.render_json if output_format == "json" else resource_report.render_text
    click.echo(render(result), nl=False)
    if html_file is not None and output_format != "json":
        click.echo(f"Wrote {html_file}")


#: The bench's own options: always written with their values, so that a later default cannot
#: change what the line runs.
_OWN = ("concurrency", "duration", "repeat", "delay_ms", "cpu_ms", "servers")
#: What only --scenario resource reads: written in its line, with their values.
_RESOURCE = ("scenario", "storage")
#: What --streams reads, in the order _bench_streams takes them.
_STREAMS_READS = ("connections", "rate", "duration", "servers")
#: What only --streams reads: not written in the line of a wrk bench.
_STREAMS = ("streams", "connections", "rate")
#: Where the report goes, not what is measured.
_REPORT = ("output_format", "html_file", "force")


def _command(ctx: click.Context, levels: tuple[int, ...], setups, skip=()) -> str:
    """The `dualgen bench` line that measures the same thing again: the choice options as given,
    the bench's own with their values (those of `skip` left out: another scenario's)."""
    resource = ctx.params.get("scenario") == "resource"
    args = ["dualgen", "bench"]
    given = {
        "concurrency": ",".join(map(str, levels)),
        "servers": ",".join(setup.key for setup in setups),
    }
    for param in ctx.command.params:
        name = param.name
        value = given.get(name, ctx.params.get(name))
        source = ctx.get_parameter_source(name)
        if name in (*_REPORT, *_STREAMS, *skip) or value in (None, ()):
            continue
        if name in _RESOURCE and not resource:
            continue
        if value is False and not param.secondary_opts:
            continue
        own = (*_OWN, *_RESOURCE) if resource else _OWN
        if name not in own and source is not click.core.ParameterSource.COMMANDLINE:
            continue
        if isinstance(param, click.Argument):
            args.append(str(value))
        elif getattr(param, "is_flag", False):
            args.append(max(param.opts if value else param.secondary_opts, key=len))
        else:
            for item in value if getattr(param, "multiple", False) else (value,):
                args += [max(param.opts, key=len), str(item)]
    return shlex.join(args)
