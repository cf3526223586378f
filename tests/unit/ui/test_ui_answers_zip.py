"""`GET /answers.zip?config=Q&config=Q…`: the page's favourites exported for a class, one answer
file per configuration with the `dualgen new` line that makes its projects, every user value
kept as data."""

from __future__ import annotations

import io
import shlex
import zipfile
from urllib.parse import quote

import pytest

from tests.helpers import tree_of, unzip

CONFIGS = [
    "name=shop&middleware=cors",
    "framework=flask&preset=api&name=shop",  # the same name: numbered
    "framework=express&name=O'Brien's shop&route=GET /users/{id:int} delay=5",
    "",  # the default state
]


def zip_of(client, configs: list[str]):
    return client.get("/answers.zip?" + "&".join(f"config={quote(c, safe='')}" for c in configs))


def entries(data: bytes) -> dict[str, tuple[int, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            info.filename: (info.external_attr >> 16, archive.read(info))
            for info in archive.infolist()
        }


def test_one_answer_file_per_configuration_under_one_root_folder(client):
    answer = zip_of(client, CONFIGS)
    assert answer.status_code == 200
    assert answer.mimetype == "application/zip"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="dualgen-answers.zip"'
    found = entries(answer.data)
    assert list(found) == [
        "dualgen-answers/",
        "dualgen-answers/README.txt",
        "dualgen-answers/hello.yaml",
        "dualgen-answers/o-brien-s-shop.yaml",
        "dualgen-answers/shop-2.yaml",
        "dualgen-answers/shop.yaml",
    ]
    assert found["dualgen-answers/"][0] == 0o40755
    assert {mode for name, (mode, _) in found.items() if name.endswith(("txt", "yaml"))} == {
        0o100644
    }
    for name, config in zip(("shop", "shop-2", "o-brien-s-shop", "hello"), CONFIGS, strict=True):
        expected = client.get(f"/answers.yaml?{quote(config, safe='=&')}").data
        assert found[f"dualgen-answers/{name}.yaml"][1] == expected, name
    assert found["dualgen-answers/README.txt"][1].decode().splitlines()[3:] == [
        "  dualgen new both --answers shop.yaml --no-input",
        "  dualgen new flask --answers shop-2.yaml --no-input",
        "  dualgen new express --answers o-brien-s-shop.yaml --no-input",
        "  dualgen new both --answers hello.yaml --no-input",
    ]
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert zip_of(client, CONFIGS).data == answer.data, "the zip's bytes vary"


@pytest.mark.parametrize("number", [1, 3])
def test_each_readme_line_makes_the_projects_of_its_configuration(
    client, invoke, monkeypatch, tmp_path, number
):
    # The README's line, run in the unzipped folder, writes what the page's zip of that
    # configuration holds.
    unzip(zip_of(client, CONFIGS).data, tmp_path)
    folder = tmp_path / "dualgen-answers"
    line = (folder / "README.txt").read_text().splitlines()[3 + number - 1]
    monkeypatch.chdir(folder)
    result = invoke(*shlex.split(line)[1:], "-o", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    config = quote(CONFIGS[number - 1], safe="=&")
    unzip(client.get(f"/starter.zip?{config}").data, tmp_path / "zip")
    assert tree_of(tmp_path / "new") == tree_of(tmp_path / "zip")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("", "/answers.zip needs config=QUERY, once per configuration", id="none"),
        pytest.param(
            "config=name%3Dshop&name=shop",
            "parameter of /answers.zip 'name' is unknown; allowed: config",
            id="unknown-parameter",
        ),
        pytest.param(
            "config=name%3Dshop&config=middleware%3Dcorz",
            "configuration 2 of 2: middleware 'corz' is unknown; did you mean 'cors'?",
            id="bad-configuration",
        ),
        pytest.param(
            "config=debug%3Dtrue%26docker%3Dtrue",
            "configuration 1 of 1: debug with docker is refused",
            id="impossible-pair",
        ),
        pytest.param(
            "&".join(["config=name%3Dx"] * 101),
            "/answers.zip takes at most 100 configurations; 101 given",
            id="too-many",
        ),
    ],
)
def test_bad_input_is_400_with_one_line(client, query, message):
    answer = client.get(f"/answers.zip?{query}")
    assert answer.status_code == 400
    assert answer.json["error"].startswith(message)
    assert "\n" not in answer.json["error"]


HOSTILE = [
    "<img src=x onerror=window.pwned=1>",
    "x{{ cycler.__init__.__globals__.os.system('touch CANARY-RAN') }}",
    "../../etc/passwd",
    "shop\nname: evil",
]


@pytest.mark.parametrize("payload", HOSTILE, ids=["html", "jinja", "path", "yaml-line"])
def test_a_hostile_value_is_refused_as_data_and_never_named_in_the_zip(client, payload, tmp_path):
    for config in (f"name={quote(payload)}", f"host={quote(payload)}"):
        answer = zip_of(client, [config])
        assert answer.status_code == 400
        assert answer.mimetype == "application/json"
        assert answer.json["error"].startswith("configuration 1 of 1: ")
        assert "\n" not in answer.json["error"]
    assert not list(tmp_path.glob("CANARY*"))


def test_a_route_and_a_setting_stay_data_in_the_answer_file(client):
    import yaml

    config = "name=shop&route=GET /a/{b} delay=5&middleware=cors&set=cors.origins=*"
    found = entries(zip_of(client, [config]).data)
    answers = yaml.safe_load(found["dualgen-answers/shop.yaml"][1])
    assert answers["routes"][-1] == {"method": "GET", "path": "/a/{b}", "delay": 5}
    assert answers["settings"]["cors"] == {"origins": ["*"]}
