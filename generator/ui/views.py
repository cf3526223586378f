"""The page and its HTTP API. Every view reads the state from the URL query (state.parse) and
answers bad input with 400 and the CLI's one-line message as JSON."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request

from ..errors import DestinationError, UsageError
from . import form, preview, security
from .state import PARAMS, State, curl_line, field_of, parse

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

views = Blueprint("views", __name__)
#: Held while a project is written: stopping the server waits for it.
WRITING = threading.Lock()
#: Query parameters some views take beside the state.
EXTRA = ("choice", "force", "token")
#: The page's own files: ui.css, and ui.js, the ES module the page loads, with the modules it
#: imports (no bundler: the browser fetches each from here).
STATIC = Path(__file__).resolve().parent / "static"


def modules() -> list[str]:
    """The ES modules ui.js imports, by name: the page preloads them beside it."""
    return sorted(path.name for path in STATIC.glob("*.js") if path.name != "ui.js")


def _state() -> State:
    return parse(request.args.items(multi=True), extra=EXTRA)


def _base() -> str:
    return f"http://{request.headers['Host']}"


@views.errorhandler(UsageError)
def bad_input(error: UsageError) -> tuple[Response, int]:
    found = field_of(list(request.args.items(multi=True)), extra=EXTRA)
    field, field_error = found if found is not None else (None, None)
    return jsonify(error=str(error), field=field, field_error=field_error), 400


@views.get("/")
def index() -> ResponseReturnValue:
    config = current_app.config
    token = request.args.get("token")
    if token is not None:
        rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
        target = redirect("/" + (f"?{_encode(rest)}" if rest else ""), code=303)
        if token == config["UI_TOKEN"]:
            target.set_cookie(
                security.cookie_name(config["UI_PORT"]),
                token,
                httponly=True,
                samesite="Strict",
                path="/",
            )
        return target
    if not _wants_html():
        response = Response(help_text(_base()), mimetype="text/plain")
    else:
        response = Response(
            render_template(
                "index.html",
                page=_page(),
                can_write=config["UI_OUT"] is not None,
                has_token=security.has_token(config["UI_PORT"], config["UI_TOKEN"]),
                out=str(config["UI_OUT"] or ""),
            )
        )
    response.headers["Vary"] = "Accept, Cookie"
    return response


def _encode(items: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return urlencode(items)


def _wants_html() -> bool:
    """A browser names text/html; curl (*/*) and Accept: text/plain get the text help."""
    return any(value == "text/html" for value, quality in request.accept_mimetypes if quality)


def _page() -> dict[str, object]:
    from .. import catalog
    from ..catalog.listing import preset_summary

    return {
        "middleware": catalog.MIDDLEWARE,
        "config": catalog.CONFIG,
        "presets": [(None, preset_summary(None))]
        + [(name, preset_summary(name)) for name in catalog.PRESETS],
        "settings": form.form()["settings"],
        "routes": form.form()["routes"],
        "modules": modules(),
    }


@views.get("/api/options")
def api_options() -> ResponseReturnValue:
    return jsonify(form.options())


def _described(state: State) -> dict[str, object]:
    return {
        "query": state.query,
        "framework": state.framework,
        "command": state.command,
        "curl": curl_line(state, _base()),
        "answers_file": f"{state.spec.slug}.yaml",
        "answers": state.spec.answers(),
    }


@views.get("/api/command")
def api_command() -> ResponseReturnValue:
    return jsonify(_described(_state()))


@views.get("/api/preview")
def api_preview() -> ResponseReturnValue:
    state = _state()
    return jsonify({**preview.preview(state.spec), **_described(state)})


@views.get("/api/diff")
def api_diff() -> ResponseReturnValue:
    state = _state()
    choice = request.args.get("choice", "")
    return jsonify({**preview.diff(state.spec, choice), **_described(state)})


@views.get("/starter.zip")
def starter_zip() -> ResponseReturnValue:
    from .archive import starter_zip as make_zip

    state = _state()
    name = state.spec.slug + ("" if state.framework == "both" else f"-{state.framework}")
    return Response(
        make_zip(state.spec, state.frameworks),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
    )


@views.get("/answers.yaml")
def answers_file() -> ResponseReturnValue:
    from ..spec import dump_answers

    state = _state()
    return Response(
        dump_answers(state.spec),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{state.spec.slug}.yaml"'},
    )


#: The most configurations one answers zip takes.
MAX_CONFIGS = 100


@views.get("/answers.zip")
def answers_zip() -> ResponseReturnValue:
    """One answer file per `config` (a page's query, URL-encoded), for a class."""
    from urllib.parse import parse_qsl

    from ..spec import unknown
    from .archive import ANSWERS_ROOT
    from .archive import answers_zip as make_zip

    for name in request.args:
        if name != "config":
            raise unknown("parameter of /answers.zip", name, ["config"])
    configs = request.args.getlist("config")
    if not configs:
        raise UsageError("/answers.zip needs config=QUERY, once per configuration")
    if len(configs) > MAX_CONFIGS:
        raise UsageError(
            f"/answers.zip takes at most {MAX_CONFIGS} configurations; {len(configs)} given"
        )
    states = []
    for n, config in enumerate(configs, 1):
        try:
            states.append(parse(parse_qsl(config, keep_blank_values=True)))
        except UsageError as error:
            raise UsageError(f"configuration {n} of {len(configs)}: {error}") from None
    return Response(
        make_zip(states),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{ANSWERS_ROOT}.zip"'},
    )


@views.route("/api/write", methods=["GET", "POST"])
def api_write() -> ResponseReturnValue:
    config = current_app.config
    reason = security.write_refusal(config["UI_PORT"], config["UI_TOKEN"])
    if reason is not None:
        return jsonify(error=reason), 405 if request.method != "POST" else 403
    if config["UI_OUT"] is None:
        return jsonify(error="writing needs a folder: start with dualgen ui --out DIR"), 403
    state = _state()
    force = request.args.get("force", "") == "true"
    try:
        written = _write(state, config["UI_OUT"], force)
    except DestinationError as error:
        # exists: a confirmation (force=true) would let the write through.
        return jsonify(error=str(error), exists=_replaceable(state, config["UI_OUT"])), 409
    return jsonify(written=[str(path) for path in written], command=state.command)


def _destinations(state: State, out: Path) -> list[Path]:
    from ..render import folder_name

    both = len(state.frameworks) > 1
    return [out / folder_name(state.spec, name, both=both) for name in state.frameworks]


def _replaceable(state: State, out: Path) -> bool:
    """Whether a project folder is in the way and each one there is a folder of --out (never a
    symlink, a file or a place outside it): what force replaces."""
    there = [path for path in _destinations(state, out) if os.path.lexists(path)]
    return bool(there) and all(
        path.is_dir() and not path.is_symlink() and path.resolve().parent == out.resolve()
        for path in there
    )


def _write(state: State, out: Path, force: bool) -> list[Path]:
    """Render into the --out folder as `dualgen new -o OUT` does: claimed, then moved into place."""
    from ..render import render

    for destination in _destinations(state, out):
        if destination.resolve().parent != out.resolve():
            raise DestinationError(f"{destination.name!r} would be written outside {str(out)!r}")
    with WRITING, preview.RENDERING:
        return render(state.spec, state.frameworks, out, force=force)


def help_text(base: str) -> str:
    """What `curl` gets at /: the parameters, the endpoints and examples to run."""
    example = "framework=both&name=shop&middleware=cors"
    lines = [
        "dualgen ui: Flask and Express starter projects from one set of choices.",
        "Open this address in a browser for the page; the page uses only this API.",
        "",
        "Parameters (the options of dualgen new; repeat middleware, route and set):",
        *(f"  {name:<18} {option}" for name, option in _options()),
        "",
        'Endpoints (bad input: 400 and {"error": ONE LINE} as JSON):',
        "  GET  /api/options               every choice, as dualgen options --json, plus a form",
        "  GET  /api/preview?PARAMS        both trees, concept map and declared differences",
        "  GET  /api/diff?PARAMS&choice=K  what adding or removing choice K changes",
        "  GET  /api/command?PARAMS        the dualgen new line and a curl line",
        "  GET  /starter.zip?PARAMS        the projects dualgen new writes, zipped",
        "  GET  /answers.yaml?PARAMS       the answer file",
        "  GET  /answers.zip?config=Q&...  an answer file per configuration (Q: PARAMS,",
        "                                  URL-encoded), with the dualgen new line of each",
        "  POST /api/write?PARAMS          write under --out (token and same-origin Origin;",
        "                                  force=true replaces what dualgen writes)",
        "",
        "Examples:",
        f"  curl -fsS '{base}/api/command?{example}'",
        f"  curl -fsS -o shop.zip '{base}/starter.zip?{example}'",
        f"  curl -fsS '{base}/api/diff?preset=api&choice=rate-limit'",
        f"  curl -fsS -o answers.zip '{base}/answers.zip?config=name%3Dshop"
        "&config=preset%3Dapi%26name%3Dapi-shop'",
        f"  curl -fsS -o /dev/null '{base}/api/preview?framework=flask&middleware=cors,logging'",
        f"  curl -fsS -o /dev/null '{base}/api/options'",
    ]
    return "\n".join(lines) + "\n"


def _options() -> list[tuple[str, str]]:
    from .state import OPTIONS

    return [(name, OPTIONS[name]) for name in PARAMS]
