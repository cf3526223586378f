"""Reading and writing answer files: each way a file can be wrong has its one-line message, and
what dualgen writes loads back unchanged whatever characters it holds."""

from __future__ import annotations

import os

import pytest
import yaml

from generator import spec
from generator.errors import SpecError


def read_refused(path, message: str) -> None:
    with pytest.raises(SpecError) as error:
        spec.load_answers(path)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(b"name: [unclosed", "is not valid YAML at line 1", id="unclosed"),
        pytest.param(b"a: 1\nb: : 2\n", "is not valid YAML at line 2", id="line-two"),
        pytest.param(
            b"a: &x 1\nb: *x\n",
            "is not valid YAML at line 2: aliases (*name) are not allowed in an answer file",
            id="alias",
        ),
        pytest.param(b"\xff\xfe", "is not UTF-8 text", id="not-utf8"),
        # PyYAML's reader refuses control characters with an error that has no position.
        pytest.param(b"name: a\x00b\n", "is not valid YAML", id="control-character"),
        pytest.param(b"- a\n- b\n", "must hold a mapping of answers, not list", id="list"),
        pytest.param(b"just text", "must hold a mapping of answers, not str", id="text"),
        pytest.param(b"[" * 5000 + b"]" * 5000, "is nested too deeply", id="deep"),
    ],
)
def test_malformed_answer_files_are_refused_in_one_line(content, problem, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_bytes(content)
    read_refused(path, f"answer file {str(path)!r} {problem}")


def test_a_missing_answer_file_says_why(tmp_path):
    path = tmp_path / "nope.yaml"
    read_refused(path, f"answer file {str(path)!r} cannot be read: No such file or directory")


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    read_refused(fifo, f"answer file {str(fifo)!r} is not a regular file")


@pytest.mark.parametrize(
    ("content", "answers"),
    [(b"", {}), (b"# only a comment\n", {}), (b"~\n", {}), (b"name: shop\n", {"name": "shop"})],
    ids=["empty", "comment", "null", "one-key"],
)
def test_an_empty_answer_file_means_no_answers(content, answers, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_bytes(content)
    assert spec.load_answers(path) == answers


def test_yaml_tags_that_build_objects_are_refused(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("name: !!python/object/apply:os.system ['true']\n")
    read_refused(path, f"answer file {str(path)!r} is not valid YAML at line 1")


@pytest.mark.parametrize(
    "text",
    ["plain", "é ü ß", "a\x85b", "x\u2028y", "tab\there", "'quoted' \"both\"", "# not a comment"],
    ids=["ascii", "unicode", "nel", "line-separator", "tab", "quotes", "hash"],
)
def test_written_answers_load_back_unchanged(text, tmp_path):
    built = spec.build({"routes": [{"method": "GET", "path": "/a", "text": text}]})
    written = spec.dump_answers(built)
    assert written.startswith("dualgen: 0.1.0\nname: hello\n")
    path = tmp_path / "answers.yaml"
    path.write_text(written, encoding="utf-8")
    loaded = spec.load_answers(path)
    assert loaded["routes"][1] == {"method": "GET", "path": "/a", "text": text}


def test_answers_are_written_readable_where_yaml_allows():
    built = spec.build(
        {"name": "Ærø Shop", "routes": [{"method": "GET", "path": "/a", "text": "ü"}]}
    )
    written = spec.dump_answers(built)
    assert "name: Ærø Shop\n" in written
    assert "  text: ü\n" in written
    assert list(yaml.safe_load(written)) == ["dualgen", *built.answers()]


def test_answers_with_a_character_yaml_reads_as_a_line_break_are_escaped():
    built = spec.build({"routes": [{"method": "GET", "path": "/a", "text": "a\x85é"}]})
    written = spec.dump_answers(built)
    assert written.isascii()
    assert '  text: "a\\Né"\n'.replace("é", "\\xE9") in written
    assert yaml.safe_load(written)["routes"][1]["text"] == "a\x85é"


def test_long_answers_are_folded_near_100_columns():
    built = spec.build({"routes": [{"method": "GET", "path": "/a", "text": "word " * 40}]})
    words = " ".join(["word"] * 19)
    assert (
        f"- method: GET\n  path: /a\n  text: '{words}\n    {words} word\n    word '\n"
        in spec.dump_answers(built)
    )


@pytest.mark.parametrize(
    ("end", "written"),
    [
        pytest.param(
            "",
            "  text: 'ab word word word word word word word word word word word word word word word"
            " word word word\n    word word word word word word word word word word word word '\n",
            id="readable",
        ),
        pytest.param(
            "é\x85é",
            '  text: "ab word word word word word word word word word word word word word word word'
            " word word word\\\n    \\ word word word word word word word word word word word"
            ' word \\xE9\\N\\xE9"\n',
            id="escaped",
        ),
    ],
)
def test_both_ways_of_writing_fold_at_100_columns(end, written):
    text = "ab " + "word " * 30 + end
    built = spec.build({"routes": [{"method": "GET", "path": "/a", "text": text}]})
    assert "- method: GET\n  path: /a\n" + written in spec.dump_answers(built)


def test_a_huge_answer_file_is_refused_without_reading_it_whole(tmp_path):
    import tracemalloc

    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(1 << 30)  # a sparse GiB: nothing on disk, a GiB to whoever reads it all
    tracemalloc.start()
    try:
        with pytest.raises(SpecError, match="is larger than 1024 KiB"):
            spec.load_answers(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"{peak} bytes allocated"
