"""Every range at its edge: the last value accepted and the first refused, with the message.

The limits are written out here (fixed expectations), except the settings' ranges, which are
walked from the catalog and pinned by `test_the_settings_ranges_are_the_documented_ones`.
"""

from __future__ import annotations

import pytest

from generator import catalog, spec
from generator.errors import SpecError, UsageError
from generator.project import load_project, read_text
from generator.spec import routes
from generator.verify import plan


def accepted(answers: dict) -> spec.ProjectSpec:
    return spec.build(answers)


def refused(answers: dict, message: str) -> None:
    with pytest.raises(SpecError) as error:
        spec.build(answers)
    assert str(error.value) == message


@pytest.mark.parametrize(
    "port", [1, 65535, "1", " 65535 ", None], ids=["1", "65535", "text-1", "text-65535", "none"]
)
def test_ports_from_1_to_65535_are_accepted(port):
    built = accepted({"port": port})
    assert built.port == (None if port is None else int(port))


@pytest.mark.parametrize(
    ("port", "shown"),
    [(0, "0"), (65536, "65536"), ("0", "0"), (-1, "-1"), (True, "True"), (80.0, "80.0")],
    ids=["0", "65536", "text-0", "negative", "bool", "float"],
)
def test_ports_outside_1_to_65535_are_refused(port, shown):
    refused({"port": port}, f"port {shown} is not a number from 1 to 65535")


@pytest.mark.parametrize(
    ("status", "ok"),
    [(200, True), (599, True), (199, False), (600, False)],
    ids=["200", "599", "199", "600"],
)
def test_route_statuses_run_from_200_to_599(status, ok):
    route = {"method": "GET", "path": "/a", "status": status}
    if ok:
        assert accepted({"routes": [route]}).routes[1].status == status
    else:
        refused(
            {"routes": [route]}, f"route status {status} for /a must be a number from 200 to 599"
        )


@pytest.mark.parametrize("status", [204, 205, 304])
@pytest.mark.parametrize("body", [{"text": ""}, {"json": None}], ids=["text", "json"])
def test_bodiless_statuses_refuse_a_body(status, body):
    route = {"method": "GET", "path": "/a", "status": status, **body}
    refused({"routes": [route]}, f"route status {status} for /a cannot carry a body")


@pytest.mark.parametrize("status", [203, 206, 303, 305], ids=str)
def test_statuses_next_to_the_bodiless_ones_carry_a_body(status):
    route = {"method": "GET", "path": "/a", "status": status, "text": "x"}
    assert accepted({"routes": [route]}).routes[1].text == "x"


@pytest.mark.parametrize("status", [204, 304])
def test_bodiless_statuses_without_a_body_are_accepted(status):
    route = {"method": "DELETE", "path": "/a", "status": status}
    assert accepted({"routes": [route]}).routes[1].status == status


def test_a_status_must_be_a_number_not_a_flag():
    route = {"method": "GET", "path": "/a", "status": True}
    refused({"routes": [route]}, "route status True for /a must be a number from 200 to 599")


def test_names_of_100_characters_are_accepted_101_refused():
    assert accepted({"name": "a" * 100}).name == "a" * 100
    refused({"name": "a" * 101}, f"name {'a' * 20!r}… is 101 characters long; the limit is 100")


def test_folder_names_of_100_characters_are_accepted_101_refused():
    # "ß" is one character of the name and two ("ss") of the folder name.
    assert accepted({"name": "ß" * 50}).slug == "ss" * 50
    refused(
        {"name": "ß" * 50 + "a"},
        f"name {'ß' * 20!r}… gives a folder name of 101 characters; the limit is 100",
    )


def test_names_are_stripped_and_checked_from_their_first_character():
    assert accepted({"name": "  shop  "}).name == "shop"
    refused({"name": "   "}, "name '   ' is empty; give a project name such as 'hello-api'")
    refused({"name": "."}, "name '.' is a path; give a plain name, the folder is --output-dir")
    refused(
        {"name": " .. "}, "name ' .. ' is a path; give a plain name, the folder is --output-dir"
    )
    refused(
        {"name": "a\\b"}, "name 'a\\\\b' is a path; give a plain name, the folder is --output-dir"
    )
    refused(
        {"name": "9lives"},
        "name '9lives' gives the folder name '9lives'; it must start with a letter a-z",
    )
    refused({"name": "-"}, "name '-' gives the folder name ''; it must start with a letter a-z")
    assert accepted({"name": "_x"}).slug == "x"
    assert accepted({"name": "l'été 2"}).slug == "l-ete-2"


def test_the_settings_ranges_are_the_documented_ones():
    ranges = {
        f"{choice.key}.{s.key}": (s.minimum, s.maximum)
        for choice in catalog.MIDDLEWARE
        for s in choice.settings
        if s.kind == "number"
    }
    assert ranges == {
        "proxy.hops": (0, 10),
        "rate-limit.max": (1, 1_000_000),
        "rate-limit.window": (1, 86_400),
        "rate-limit.ipv6-subnet": (32, 64),
        "json-body.limit": (1, 1 << 30),
        "events.heartbeat": (1, 3600),
        "events.history": (1, 100_000),
    }


NUMBER_SETTINGS = [
    pytest.param(choice.key, setting, id=f"{choice.key}.{setting.key}")
    for choice in catalog.MIDDLEWARE
    for setting in choice.settings
    if setting.kind == "number"
]


def with_setting(key: str, name: str, value: object) -> dict:
    return {"middleware": [key], "settings": {key: {name: value}}}


@pytest.mark.parametrize(("key", "setting"), NUMBER_SETTINGS)
def test_each_number_setting_accepts_its_range_and_refuses_one_past_it(key, setting):
    low, high = setting.minimum, setting.maximum
    for value in (low, high, str(high)):
        assert accepted(with_setting(key, setting.key, value)).setting(key, setting.key) == int(
            value
        )
    where = f"{key}.{setting.key}"
    for value in (low - 1, high + 1):
        refused(
            with_setting(key, setting.key, value), f"{where} {value} is out of range {low}..{high}"
        )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            "999999999999", "rate-limit.max 999999999999 is out of range 1..1000000", id="12-digits"
        ),
        pytest.param(
            "9999999999999", "rate-limit.max '9999999999999' must be a whole number", id="13-digits"
        ),
        pytest.param("1.5", "rate-limit.max '1.5' must be a whole number", id="decimal"),
        pytest.param(True, "rate-limit.max True must be a whole number", id="bool"),
        pytest.param(5.0, "rate-limit.max 5.0 must be a whole number", id="float"),
        pytest.param("", "rate-limit.max '' must be a whole number", id="empty"),
    ],
)
def test_number_settings_are_whole_numbers_of_at_most_12_digits(value, message):
    refused(with_setting("rate-limit", "max", value), message)


def test_number_settings_read_digits_with_spaces_around():
    assert (
        accepted(with_setting("rate-limit", "max", " 000000000007 ")).setting("rate-limit", "max")
        == 7
    )


@pytest.mark.parametrize(
    ("origins", "recorded"),
    [
        (["https://a.example:65535"], ["https://a.example:65535"]),
        (
            ["http://a.example:1", "http://a.example:443"],
            ["http://a.example:1", "http://a.example:443"],
        ),
        ("http://a.example, https://b.example", ["http://a.example", "https://b.example"]),
        (["http://a.example", " http://a.example "], ["http://a.example"]),
        (("http://x",), ["http://x"]),
    ],
    ids=["port", "other-ports", "comma-text", "duplicates", "tuple"],
)
def test_origins_are_a_list_trimmed_and_without_repeats(origins, recorded):
    built = accepted(with_setting("cors", "origins", origins))
    assert built.setting("cors", "origins") == recorded
    assert built.settings["cors"]["origins"] == tuple(recorded)


NO_IPV6 = " (no IPv6 literals: flask-cors would read the brackets as a pattern)"


@pytest.mark.parametrize(
    ("origins", "message"),
    [
        ([], "cors.origins [] must be a list of origins"),
        (5, "cors.origins 5 must be a list of origins"),
        ([5], "cors.origins: 5 is not an origin like https://app.example.com:8443" + NO_IPV6),
        (
            ["https://a.example:123456"],
            "cors.origins: 'https://a.example:123456' is not an origin like "
            "https://app.example.com:8443" + NO_IPV6,
        ),
        (
            ["https://a.example:0"],
            "cors.origins: 'https://a.example:0' has port 0; a port is 1 to 65535",
        ),
        (
            ["http://a.example:65536"],
            "cors.origins: 'http://a.example:65536' has port 65536; a port is 1 to 65535",
        ),
        (
            ["http://a.example:08080"],
            "cors.origins: 'http://a.example:08080' has port 08080; a port is 1 to 65535",
        ),
        (
            [" https://a.example:443"],
            "cors.origins: ' https://a.example:443' names https's default port, which a browser "
            "leaves out of the Origin it sends: write https://a.example",
        ),
        (
            "http://b.example:80",
            "cors.origins: 'http://b.example:80' names http's default port, which a browser "
            "leaves out of the Origin it sends: write http://b.example",
        ),
        (
            ["ftp://a.example"],
            "cors.origins: 'ftp://a.example' is not an origin like https://app.example.com:8443"
            + NO_IPV6,
        ),
        (
            "https://a.example,",
            "cors.origins: '' is not an origin like https://app.example.com:8443" + NO_IPV6,
        ),
    ],
    ids=[
        "empty",
        "number",
        "number-item",
        "six-digit-port",
        "port-0",
        "port-65536",
        "leading-zero",
        "https-default",
        "http-default",
        "scheme",
        "trailing-comma",
    ],
)
def test_bad_origins_are_refused_naming_the_item(origins, message):
    refused(with_setting("cors", "origins", origins), message)


@pytest.mark.parametrize(
    "host",
    [
        "a" * 63 + ".example",
        ".".join(["a" * 63] * 3) + "." + "a" * 61,
        "a-b.c",
        "1.2.3.4",
        "fe80::1",
    ],
    ids=["63-char-label", "253-chars", "hyphen", "ipv4", "ipv6"],
)
def test_host_names_up_to_the_dns_limits_are_accepted(host):
    assert accepted({"host": host}).host == host


@pytest.mark.parametrize(
    "host",
    [
        "a" * 64 + ".example",
        ".".join(["a" * 63] * 3) + "." + "a" * 62,
        "-a.example",
        "a-.example",
        "a..b",
        "",
        5,
    ],
    ids=[
        "64-char-label",
        "254-chars",
        "leading-hyphen",
        "trailing-hyphen",
        "empty-label",
        "empty",
        "number",
    ],
)
def test_host_names_past_the_dns_limits_are_refused(host):
    refused(
        {"host": host},
        f"host {host!r} is not an IP address or a host name such as 127.0.0.1 or 0.0.0.0 "
        "(IPv6 zone ids are not accepted)",
    )


def test_ip_addresses_are_recorded_normalised():
    assert accepted({"host": "0:0:0:0:0:0:0:1", "debug": True}).host == "::1"


def nested(depth: int, container: str) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value] if container == "list" else {"k": value}
    return value


@pytest.mark.parametrize("container", ["list", "dict"])
def test_json_nests_32_levels_deep_and_no_deeper(container):
    route = {"method": "GET", "path": "/a"}
    assert accepted({"routes": [route | {"json": nested(32, container)}]}).routes[1].json == (
        nested(32, container)
    )
    refused(
        {"routes": [route | {"json": nested(33, container)}]},
        "route json for /a nests deeper than 32 levels",
    )


@pytest.mark.parametrize("sign", [1, -1], ids=["positive", "negative"])
def test_json_integers_stop_at_javascripts_safe_limit(sign):
    route = {"method": "GET", "path": "/a"}
    largest = sign * (2**53 - 1)
    assert accepted({"routes": [route | {"json": [largest]}]}).routes[1].json == [largest]
    for value in (sign * 2**53, float(sign * 2**53)):
        refused(
            {"routes": [route | {"json": value}]},
            f"route json for /a: {sign * 2**53} is too large for JavaScript (max 2**53-1)",
        )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("inf"), "route json for /a: inf is not a JSON number"),
        (float("-inf"), "route json for /a: -inf is not a JSON number"),
        (float("nan"), "route json for /a: nan is not a JSON number"),
        ({1: "x"}, "route json for /a: key 1 must be a string"),
        (
            {"\ud800": 1},
            "route json for /a holds a lone surrogate, which is not text; use UTF-8 characters",
        ),
        (
            ["\udfff"],
            "route json for /a holds a lone surrogate, which is not text; use UTF-8 characters",
        ),
        ({1, 2}, "route json for /a: {1, 2} is not a JSON value"),
        (b"x", "route json for /a: b'x' is not a JSON value"),
    ],
    ids=["inf", "minus-inf", "nan", "int-key", "surrogate-key", "surrogate-item", "set", "bytes"],
)
def test_json_values_outside_json_are_refused(value, message):
    refused({"routes": [{"method": "GET", "path": "/a", "json": value}]}, message)


def test_json_values_keep_their_types():
    value = {"a": [True, False, None, 0, -1.5, "\ud7ff\ue000"], "b": {}}
    assert routes.make_route({"method": "GET", "path": "/", "json": value}).json == value
    assert routes.make_route({"method": "GET", "path": "/", "json": True}).json is True
    assert routes.make_route({"method": "GET", "path": "/", "json": None}).json is None


def test_parameter_names_are_identifiers_of_up_to_64_characters():
    name = "p" * 64
    assert routes.parse_path(f"/a/{{{name}}}")[1] == (routes.Param(name, "str"),)
    with pytest.raises(SpecError, match="must be an identifier"):
        routes.parse_path(f"/a/{{{name}p}}")
    assert routes.parse_path("/a/{_x9:int}") == ("/a/{_x9:int}", (routes.Param("_x9", "int"),))


MAX_BYTES = 1 << 20


def answer_file_of(size: int, folder) -> object:
    path = folder / "answers.yaml"
    head = b"name: shop\n#"
    path.write_bytes(head + b"x" * (size - len(head)))
    assert path.stat().st_size == size
    return path


def test_an_answer_file_of_one_mebibyte_is_read_one_byte_more_refused(tmp_path):
    assert spec.MAX_ANSWER_FILE == MAX_BYTES
    assert spec.load_answers(answer_file_of(MAX_BYTES, tmp_path)) == {"name": "shop"}
    with pytest.raises(SpecError) as error:
        spec.load_answers(answer_file_of(MAX_BYTES + 1, tmp_path))
    assert (
        str(error.value)
        == f"answer file {str(tmp_path / 'answers.yaml')!r} is larger than 1024 KiB"
    )


def test_a_project_file_of_one_mebibyte_is_read_one_byte_more_refused(tmp_path):
    path = tmp_path / "package.json"
    path.write_bytes(b" " * MAX_BYTES)
    assert read_text(path, "package.json") == " " * MAX_BYTES
    path.write_bytes(b" " * (MAX_BYTES + 1))
    with pytest.raises(UsageError) as error:
        read_text(path, "package.json")
    assert str(error.value) == f"package.json {str(path)!r} is larger than {MAX_BYTES} bytes"


def test_a_recorded_answers_file_of_one_mebibyte_is_read_one_byte_more_refused(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "app.py").write_text("")
    (project / "requirements.txt").write_text("")
    answer_file_of(MAX_BYTES, project).rename(project / ".dualgen.yaml")
    assert load_project(project) == (spec.build({"name": "shop"}), "flask")
    answer_file_of(MAX_BYTES + 1, project).rename(project / ".dualgen.yaml")
    with pytest.raises(UsageError, match="is larger than 1048576 bytes"):
        load_project(project)


def limited(maximum: int) -> spec.ProjectSpec:
    return spec.build({"middleware": ["rate-limit"], "settings": {"rate-limit": {"max": maximum}}})


def test_verify_exceeds_a_limit_of_up_to_999_and_reports_a_larger_one():
    starts, left_out = plan(limited(999))
    assert left_out == [] and starts[-1][-1].repeat == 1000
    starts, left_out = plan(limited(1000))
    assert [check.exchange.repeat for check in left_out] == [1001]
    assert all(exchange.repeat < 1001 for batch in starts for exchange in batch)
