"""cors.origins=*: any origin, alone (never beside a list), recorded as it was given, and the
contract it makes: Access-Control-Allow-Origin: * to every origin, never credentials."""

from __future__ import annotations

import pytest

from generator import contract
from generator import spec as specs
from generator.errors import SpecError
from tests.helpers import run_main


def build(origins: object) -> specs.ProjectSpec:
    return specs.build(
        {"name": "public", "middleware": ["cors"], "settings": {"cors": {"origins": origins}}}
    )


@pytest.mark.parametrize(
    "origins", ["*", " * ", ["*"], ("*",)], ids=["text", "spaced", "list", "tuple"]
)
def test_a_star_allows_any_origin(origins):
    built = build(origins)
    assert built.setting("cors", "origins") == ["*"]
    assert built.answers()["settings"]["cors"]["origins"] == ["*"]
    assert specs.build(built.answers()).setting("cors", "origins") == ["*"]  # round trip


@pytest.mark.parametrize(
    "origins",
    ["*,https://a.example", ["https://a.example", "*"], "*,*"],
    ids=["star-first", "star-last", "twice"],
)
def test_a_star_stands_alone(origins):
    with pytest.raises(SpecError) as raised:
        build(origins)
    assert str(raised.value) == (
        f"cors.origins {origins!r}: * allows every origin and stands alone; give * or a list of "
        "origins"
    )


def test_the_cli_takes_a_star(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = run_main("new", "flask", "public", "-m", "cors", "--set", "cors.origins=*")
    assert (code, err) == (0, "")
    assert "origins:\n    - '*'" in (tmp_path / "public" / ".dualgen.yaml").read_text()
    code, err = run_main(
        "new", "flask", "mixed", "-m", "cors", "--set", "cors.origins=*,http://a.b"
    )
    assert code == 2 and "* allows every origin and stands alone" in err


def test_the_contract_of_any_origin():
    found = [e for e in contract.exchanges(build("*")) if e.name.startswith("CORS")]
    assert [(e.name, e.method, e.request_headers, e.headers) for e in found] == [
        ("CORS: any origin (https://any.example)", "GET", {"Origin": "https://any.example"},
         {"Access-Control-Allow-Origin": "*"}),
        ("CORS: any origin (http://localhost:8080)", "GET", {"Origin": "http://localhost:8080"},
         {"Access-Control-Allow-Origin": "*"}),
        ("CORS: no Origin", "GET", {}, {"Access-Control-Allow-Origin": "*"}),
        ("CORS: preflight from any origin", "OPTIONS",
         {"Origin": "https://any.example", "Access-Control-Request-Method": "DELETE"},
         {"Access-Control-Allow-Origin": "*"}),
    ]  # fmt: skip
    assert all("Access-Control-Allow-Credentials" in e.absent for e in found)


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        ("*", True),
        ("https://a.example,http://localhost:8080", True),
        ("*,https://a.example", False),
        ("**", False),
    ],
    ids=["star", "list", "star-and-list", "two-stars"],
)
def test_the_pages_origins_field_takes_a_star_alone(value, fits):
    import re

    from generator import catalog
    from generator.ui import form

    setting = catalog.CHOICES["cors"].settings[0]
    pattern = form._setting(setting)["pattern"]  # the browser's <input pattern>: the whole value
    assert (re.fullmatch(pattern, value) is not None) is fits
