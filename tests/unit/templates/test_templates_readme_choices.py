"""The generated README's "Choices", written for the project's owner: each chosen setting with
its value, nothing about what was not chosen, nothing about the other framework's libraries,
short sentences; and the "Format" section naming the shipped ruff and prettier settings and the
commands that run them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import spec as specs
from generator.render import render_tree

FRAMEWORKS = ("flask", "express")
#: Every choice, with settings away from their defaults where one can be.
EVERYTHING: dict[str, object] = {
    "name": "shop",
    "middleware": [
        "health", "proxy", "request-id", "logging", "security-headers", "cors", "compression",
        "rate-limit", "json-body", "events", "static", "error-handlers", "database",
    ],
    "settings": {
        "proxy": {"hops": 2},
        "logging": {"format": "json"},
        "rate-limit": {"max": 7, "window": 30, "storage": "redis://cache:6379/1"},
        "json-body": {"limit": 2048, "depth": 16},
        "events": {"heartbeat": 20, "history": 50},
        "database": {"url": "sqlite:///shop.db"},
    },
    "env-file": True,
    "docker": True,
    "tests": True,
    "strict-parity": True,
}  # fmt: skip
#: Words of the other framework's world: the owner of one project has no use for them.
OTHER = {
    "flask": ("Express", "express", "helmet", "morgan", "node", "npm", "cors package"),
    "express": ("Flask", "flask", "gunicorn", "werkzeug", "pytest", "Python"),
}
PLACEHOLDERS = ("FORMAT", "HOPS", "LIMIT", "DEPTH", "MAX", "WINDOW", "IPV6_SUBNET", "ON_STORAGE")


def project(tmp_path: Path, framework: str, answers: dict[str, object]) -> Path:
    folder = tmp_path / f"{framework}-{len(list(tmp_path.iterdir()))}"
    return render_tree(specs.build(answers), framework, folder)


def readme(tmp_path: Path, framework: str, answers: dict[str, object]) -> str:
    return (project(tmp_path, framework, answers) / "README.md").read_text(encoding="utf-8")


def choices(tmp_path: Path, framework: str, answers: dict[str, object]) -> dict[str, str]:
    """Each entry of the Choices section by its title, continuation lines joined."""
    section = readme(tmp_path, framework, answers).split("\n## Choices\n", 1)[1]
    entries = re.findall(r"^- \*\*(.+?)\*\*(?: \([^)]*\))?: (.*(?:\n  .*)*)", section, re.M)
    return {title: " ".join(text.split()) for title, text in entries}


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.;:])\s+(?=[A-Z`])", text) if part]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_entry_is_for_the_owner_in_short_sentences(framework, tmp_path):
    found = choices(tmp_path, framework, EVERYTHING)
    assert len(found) == 18
    for title, text in found.items():
        for placeholder in PLACEHOLDERS:
            assert placeholder not in text, (title, placeholder)
        for word in OTHER[framework] if title != "Strict parity" else ():  # its twin's name
            assert word not in text, (title, word)
        for sentence in sentences(text):
            assert len(sentence.split()) <= 32, (title, sentence)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_chosen_values_are_named(framework, tmp_path):
    found = choices(tmp_path, framework, EVERYTHING)
    assert "Each client may make 7 requests in 30 s" in found["Rate limiting"]
    assert "Redis at `redis://cache:6379/1` (`REDIS_URL` overrides it)" in found["Rate limiting"]
    assert "While Redis is down, requests pass" in found["Rate limiting"]
    assert "503" not in found["Rate limiting"]
    assert (
        "up to 2048 bytes" in found["JSON bodies"]
        and "deeper than 16 levels" in (found["JSON bodies"])
    )
    assert "of the 2 proxies in front of" in found["Behind proxies"]
    assert "the last 50 events" in found["Server-sent events"]
    assert "every 20 s" in found["Server-sent events"]
    assert "the SQLite database `sqlite:///shop.db`" in found["Database"]
    assert "In the Docker image the file is `/app/data/shop.db`" in found["Database"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_only_the_chosen_log_format_is_described(framework, tmp_path):
    for chosen, said, unsaid in (("tiny", "one line", "JSON"), ("json", "JSON object", "line")):
        answers = {"middleware": ["logging"], "settings": {"logging": {"format": chosen}}}
        text = choices(tmp_path, framework, answers)["Request logging"]
        assert said in text and unsaid not in text, (chosen, text)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_only_the_chosen_cors_origins_are_described(framework, tmp_path):
    listed = {
        "middleware": ["cors"],
        "settings": {"cors": {"origins": "https://a.example,https://b.example"}},
    }  # noqa: E501
    text = choices(tmp_path, framework, listed)["CORS"]
    assert text.startswith("Pages served from `https://a.example` and `https://b.example` may")
    assert "*" not in text
    anyone = {"middleware": ["cors"], "settings": {"cors": {"origins": "*"}}}
    text = choices(tmp_path, framework, anyone)["CORS"]
    assert text.startswith("Pages of any site may call the API from a browser")
    assert "Pages served from" not in text


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_counts_in_memory_never_speak_of_redis(framework, tmp_path):
    answers = {"middleware": ["rate-limit"], "settings": {"rate-limit": {"max": 1}}}
    text = choices(tmp_path, framework, answers)["Rate limiting"]
    assert text.startswith("Each client may make 1 request in 60 s")
    assert "Redis" not in text and "503" not in text
    closed = {"storage": "redis://localhost", "on-storage-error": "closed"}
    answers = {"middleware": ["rate-limit"], "settings": {"rate-limit": closed}}
    text = choices(tmp_path, framework, answers)["Rate limiting"]
    assert text.endswith("While Redis is down, requests get `503`.")


def test_the_worker_class_is_the_one_gunicorn_runs(tmp_path):
    sync = {"production-server": True, "settings": {"production-server": {"worker-class": "sync"}}}
    assert "one request at a time" in choices(tmp_path, "flask", sync)["Production server"]
    streams = {**sync, "middleware": ["events"]}  # events run gevent whatever the class
    text = choices(tmp_path, "flask", streams)["Production server"]
    assert "`GUNICORN_CONNECTIONS` requests at once" in text and "one request at a" not in text
    assert "GUNICORN" not in choices(tmp_path, "express", sync)["Production server"]


@pytest.mark.parametrize(
    ("framework", "config", "commands"),
    [
        ("flask", "`pyproject.toml`", ["pip install ruff", "ruff format .", "ruff check ."]),
        ("express", "`.prettierrc`", ["npx prettier --write .", "npx prettier --check ."]),
    ],
    ids=FRAMEWORKS,
)
@pytest.mark.parametrize(
    "answers", [{}, {"classic": True}, EVERYTHING], ids=["default", "classic", "everything"]
)  # noqa: E501
def test_the_format_section_names_the_shipped_config_and_its_commands(
    framework, config, commands, answers, tmp_path
):
    made = project(tmp_path, framework, answers)
    text = (made / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Format\n", 1)[1].split("\n## ", 1)[0]
    assert config in section
    assert re.findall(r"```sh\n(.*?)```", section, re.S) == ["\n".join(commands) + "\n"]
    assert (made / config.strip("`")).is_file()
