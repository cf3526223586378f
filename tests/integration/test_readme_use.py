"""The README's Use lines that start a server, run as written after the README's set-up
(tests/unit/test_docs.py runs the others; parity's and bench's take minutes and have tests of
their own)."""

from __future__ import annotations

import subprocess

from tests.helpers import after_readme_setup, readme_use_lines


def test_the_verify_lines_run_as_written_after_the_setup(tmp_path):
    activate, env = after_readme_setup(tmp_path)
    lines = readme_use_lines()
    (new,) = [line for line in lines if line.startswith("dualgen new both shop ")]
    verify = [line for line in lines if line.startswith("dualgen verify ")]
    assert [line.split("#")[0].strip() for line in verify] == [
        "dualgen verify shop-flask",
        "dualgen verify shop-flask -q",
    ]
    results = [
        subprocess.run(
            ["sh", "-c", f"{activate} && {line}"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
        )
        for line in [new, *verify]
    ]
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-800:] for r in results]
    assert "passed" in results[1].stdout
    assert results[2].stdout == ""
