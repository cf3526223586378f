"""`dualgen ui`'s HTTP API under Flask's test client: the same answers as the CLI, from one
mapping of query parameters to `dualgen new`'s options."""

from __future__ import annotations

import io
import json
import re
import shlex
import zipfile

import pytest
import yaml

from tests.helpers import run_main, tree_of, unzip
from tests.unit.ui.conftest import BASE


def test_options_are_exactly_the_options_json_plus_a_form(client, invoke):
    data = client.get("/api/options").json
    form = data.pop("form")
    assert data == json.loads(invoke("options", "--json").output)
    assert {
        "when": {"debug": "true", "docker": "true"},
        "reason": ("debug with docker is refused: the container listens on 0.0.0.0"),
    } in form["excludes"]
    assert {
        "when": {"production-server": "false", "docker": "true"},
        "reason": "--docker with --no-production-server is refused: the container runs the "
        "production server, never the development one",
    } in form["excludes"]
    assert form["needs"] == {"docker": {"production-server": True}}
    assert form["settings"]["logging"] == [
        {
            "key": "format",
            "kind": "choice",
            "help": form["settings"]["logging"][0]["help"],
            "default": "tiny",
            "choices": ["tiny", "json"],
        }
    ]
    assert [p["name"] for p in form["parameters"]][:8] == [
        "framework",
        "name",
        "preset",
        "middleware",
        "route",
        "set",
        "port",
        "host",
    ]


@pytest.mark.parametrize(
    ("query", "command"),
    [
        pytest.param(
            "framework=both&name=shop&middleware=cors",
            "dualgen new both shop -m cors --no-input",
            id="issue-example",
        ),
        pytest.param("", "dualgen new both --no-input", id="default"),
        pytest.param(
            "framework=flask&preset=api&middleware=logging,rate-limit&middleware=health"
            "&set=rate-limit.max=5&route=GET+/users/{id:int}&route=GET+/slow+delay%3D100"
            "&docker=true&tests=false&port=8080",
            "dualgen new flask --preset api --port 8080 -m logging,rate-limit,health "
            "-r 'GET /users/{id:int}' -r 'GET /slow delay=100' --set rate-limit.max=5 "
            "--docker --no-tests --no-input",
            id="every-kind",
        ),
        pytest.param("name=-rf", "dualgen new both --no-input -- -rf", id="name-like-an-option"),
    ],
)
def test_the_command_is_the_cli_line_of_the_query(client, query, command):
    data = client.get(f"/api/command?{query}").json
    assert data["command"] == command
    assert data["curl"].startswith(f"curl -o {shlex.quote(data['answers_file'][:-5] + '.zip')} ")


def test_the_curl_line_names_the_zip_of_the_same_query(client):
    data = client.get("/api/command?name=shop&middleware=cors").json
    assert data["curl"] == f"curl -o shop.zip '{BASE}/starter.zip?name=shop&middleware=cors'"
    assert data["query"] == "name=shop&middleware=cors"


BAD = [
    pytest.param("middleware=corz", ["new", "both", "-m", "corz"], id="unknown-middleware"),
    pytest.param("port=99999", ["new", "both", "--port", "99999"], id="port"),
    pytest.param("route=GET+x", ["new", "both", "-r", "GET x"], id="route"),
    pytest.param("set=cors.origins=x", ["new", "both", "--set", "cors.origins=x"], id="set"),
    pytest.param("framework=django", ["new", "django"], id="framework"),
    pytest.param("preset=apy", ["new", "both", "--preset", "apy"], id="preset"),
    pytest.param("debug=true&docker=true", ["new", "both", "--debug", "--docker"], id="pair"),
    pytest.param(
        "host=0.0.0.0&debug=true", ["new", "both", "--host", "0.0.0.0", "--debug"], id="debug-host"
    ),
]


@pytest.mark.parametrize(("query", "args"), BAD)
@pytest.mark.parametrize("path", ["/api/preview", "/api/command", "/starter.zip", "/answers.yaml"])
def test_bad_input_is_400_with_the_clis_own_line(client, query, args, path):
    code, stderr = run_main(*args, "--no-input")
    assert code == 2
    answer = client.get(f"{path}?{query}")
    assert answer.status_code == 400
    assert answer.mimetype == "application/json"
    assert f"dualgen: error: {answer.json['error']}\n" == stderr


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param("middleware=corz&name=shop", "middleware", id="middleware"),
        pytest.param("name=shop&port=0", "port", id="port"),
        pytest.param("debug=true&docker=true", None, id="only-the-pair"),
    ],
)
def test_a_refusal_names_the_field_whose_value_alone_is_refused(client, query, field):
    assert client.get(f"/api/preview?{query}").json["field"] == field


@pytest.mark.parametrize(
    ("query", "field", "args"),
    [
        # The whole query's refusal is the route's; the name is listed with its own.
        pytest.param("name=%3Ca%3E&route=GET+/%3Cx%3E", "name", ["<a>"], id="name-not-route"),
        # The whole query's refusal is the port's; the setting is judged with its middleware.
        pytest.param(
            "set=cors.origins%3D%3Cs%3E&port=x&middleware=cors",
            "set",
            ["-m", "cors", "--set", "cors.origins=<s>"],
            id="set-with-its-middleware",
        ),
        pytest.param("port=x&middleware=corz", "middleware", ["-m", "corz"], id="middleware-first"),
    ],
)
def test_the_refused_field_comes_with_its_own_message(client, query, field, args):
    code, stderr = run_main("new", "both", *args, "--no-input")
    assert code == 2
    answer = client.get(f"/api/command?{query}").json
    assert answer["error"] != answer["field_error"]
    assert (answer["field"], f"dualgen: error: {answer['field_error']}\n") == (field, stderr)


def test_a_bad_switch_and_a_name_given_twice_are_their_fields(client):
    answers = [client.get(f"/api/command?{q}").json for q in ("debug=maybe", "name=a&name=b")]
    assert [(a["field"], a["field_error"]) for a in answers] == [
        ("debug", "parameter debug 'maybe' must be true or false"),
        ("name", "parameter 'name' is given twice; it takes one value"),
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "answers=/etc/passwd",
            "parameter 'answers' is unknown; allowed: framework, name,",
            id="answers-file-is-no-parameter",
        ),
        pytest.param("docker=maybe", "parameter docker 'maybe' must be true or false", id="flag"),
        pytest.param("port=1&port=2", "parameter 'port' is given twice", id="twice"),
    ],
)
def test_parameters_the_cli_has_no_option_for_are_refused(client, query, message):
    answer = client.get(f"/api/preview?{query}")
    assert answer.status_code == 400
    assert answer.json["error"].startswith(message)


def test_preview_has_both_trees_highlighted_and_the_concept_map(client):
    data = client.get("/api/preview?preset=api").json
    flask_files = {f["path"]: f for f in data["trees"]["flask"]["files"]}
    express_files = {f["path"]: f for f in data["trees"]["express"]["files"]}
    assert data["trees"]["flask"]["root"] == "hello"
    assert "hello/routes.py" in flask_files and "routes/index.js" in express_files
    assert express_files["app.js"]["tokens"][0] == [["str", "'use strict'"], ["", ";"]]
    assert flask_files["app.py"]["tokens"][0] == [["kw", "import"], ["", " os"]]
    concepts = {c["key"]: c for c in data["concepts"]}
    assert concepts["cors"]["places"]["flask"]["file"] == "hello/cors.py"
    assert concepts["cors"]["places"]["express"]["file"] == "app.js"
    declared = [d["title"] for d in concepts["cors"]["declared"]]
    assert declared == [
        "CORS headers on a request without Origin, or with one in capitals",
        "Vary: Origin on CORS answers",
    ]
    assert data["command"] == "dualgen new both --preset api --no-input"


def test_every_line_of_every_file_is_in_the_preview(client):
    data = client.get("/api/preview?preset=production").json
    for tree in data["trees"].values():
        for item in tree["files"]:
            assert len(item["tokens"]) == item["lines"], item["path"]


def test_the_diff_is_what_dualgen_diff_prints(client, invoke, monkeypatch, tmp_path):
    monkeypatch.delenv("COLUMNS", raising=False)
    query = "name=shop&preset=api&middleware=rate-limit"
    (tmp_path / "shop.yaml").write_bytes(client.get(f"/answers.yaml?{query}").data)
    for choice, sign in (("cors", "-"), ("compression", "+"), ("docker", "+")):
        data = client.get(f"/api/diff?{query}&choice={choice}").json
        assert data["sign"] == sign
        for framework in ("flask", "express"):
            shown = data["frameworks"][framework]
            assert shown["command"] == (
                f"dualgen diff {framework} --from shop.yaml --to shop.yaml{sign}{choice}"
            )
            printed = invoke(*shlex.split(shown["command"])[1:]).output
            assert shown["text"] == printed
            assert printed.startswith(f"{framework}: shop.yaml -> shop.yaml{sign}{choice}\n")


def test_a_diff_of_an_unknown_choice_is_refused(client):
    answer = client.get("/api/diff?choice=corz")
    assert answer.status_code == 400
    assert answer.json["error"].startswith("choice 'corz' is unknown; did you mean 'cors'?")


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("framework=both&name=shop&middleware=cors", id="issue-example"),
        pytest.param("framework=flask&preset=production&set=logging.format=tiny", id="flask"),
        pytest.param("framework=express&preset=api&route=GET+/slow+delay%3D5", id="express"),
    ],
)
def test_the_zip_is_the_tree_dualgen_new_writes_with_the_shown_command(
    client, invoke, tmp_path, query
):
    data = client.get(f"/starter.zip?{query}").data
    assert client.get(f"/starter.zip?{query}").data == data, "the zip's bytes vary"
    command = client.get(f"/api/command?{query}").json["command"]
    unzip(data, tmp_path / "zip")
    (tmp_path / "new").mkdir()
    result = invoke(*shlex.split(command)[1:], "-o", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    assert tree_of(tmp_path / "zip") == tree_of(tmp_path / "new")


def test_the_zip_has_one_root_folder_per_project_and_fixed_dates(client):
    data = client.get("/starter.zip?name=shop").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert {name.split("/")[0] for name in names} == {"shop-flask", "shop-express"}
        roots = list(dict.fromkeys(name.split("/")[0] for name in names))
        assert roots == ["shop-flask", "shop-express"]
        for root in roots:
            inside = [name for name in names if name.startswith(f"{root}/")]
            assert inside == sorted(inside, key=lambda n: n.rstrip("/").split("/"))
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
        assert not any(".." in name.split("/") or name.startswith("/") for name in names)
    answer = client.get("/starter.zip?name=shop&framework=express")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="shop-express.zip"'


def test_the_answer_file_builds_the_same_projects(client):
    text = client.get("/answers.yaml?name=shop&preset=api&middleware=health").data.decode()
    answers = yaml.safe_load(text)
    assert answers["name"] == "shop"
    assert answers["middleware"] == ["health", "logging", "cors", "json-body", "error-handlers"]


@pytest.mark.parametrize(
    "accept",
    [pytest.param("text/plain", id="text-plain"), pytest.param("*/*", id="curl-default")],
)
def test_curl_gets_a_text_help_at_the_root(client, accept):
    answer = client.get("/", headers={"Accept": accept})
    assert answer.mimetype == "text/plain"
    text = answer.data.decode()
    assert (
        f"curl -fsS -o shop.zip '{BASE}/starter.zip?framework=both&name=shop&middleware=cors'"
        in text
    )
    for name in ("framework", "middleware", "route", "set", "strict-parity"):
        assert f"\n  {name} " in text


def test_a_browser_gets_the_page(client):
    answer = client.get("/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert answer.mimetype == "text/html"
    page = answer.data.decode()
    assert '<script type="module" src="/static/ui.js"></script>' in page
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert links and all(re.match(r"/[^/]|data:,$|#", link) for link in links), links


def test_requests_at_the_same_time_all_get_their_answer(client):
    """The server answers in threads; a render moves the working folder (into the template,
    then into the project for its hook), so two must never overlap."""
    from concurrent.futures import ThreadPoolExecutor

    from generator.catalog import templates_dir

    before = sorted(templates_dir().rglob("*"))
    queries = [f"name=same{n % 3}&middleware=cors,health&tests=true" for n in range(9)]
    queries += ["preset=production", "framework=flask&preset=api"]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda q: client.get(f"/api/preview?{q}"), queries))
        zips = list(pool.map(lambda q: client.get(f"/starter.zip?{q}"), queries[:4]))
    assert [a.status_code for a in answers + zips] == [200] * (len(queries) + 4)
    assert zips[0].data == zips[3].data
    # A hook that ran while another render had moved into the template deleted its files.
    assert sorted(templates_dir().rglob("*")) == before


def test_a_unicode_line_break_is_refused_never_trimmed_away(client):
    # Python's str.strip() takes NEL (U+0085) for white space; the page trims only ASCII blanks,
    # so the CLI sees the value and refuses it, as `dualgen new --host` does.
    code, stderr = run_main("new", "both", "--host", "1.2.3.4\x85", "--no-input")
    assert code == 2
    answer = client.get("/api/command?host=1.2.3.4%C2%85&port=%208080%0A")
    assert (answer.status_code, f"dualgen: error: {answer.json['error']}\n") == (400, stderr)
    assert client.get("/api/command?port=%208080%0A").json["command"] == (
        "dualgen new both --port 8080 --no-input"
    )
