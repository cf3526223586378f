"""One signal system (generator.signals): SIGINT, SIGTERM and SIGHUP raise one `Interrupted`
under the CLI's handler, a held block delays them, a signal that library code swallowed still
stops the command, and the processes a command started are stopped at its end. What a user
sees at a terminal: tests/unit/test_terminal.py; during verify, parity and check: the
integration tests (test_verify_hygiene, test_parity_cli, test_processes_left)."""

from __future__ import annotations

import os
import signal
import sys

import click
import pytest

from generator import processes
from generator.errors import RunError
from generator.signals import Interrupted, checkpoint, handled, held

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# Under nohup the tests inherit SIGHUP ignored, and dualgen keeps an ignored signal ignored (the
# user asked for it): a SIGHUP sent then never arrives, so the cases that expect one are skipped.
HUP_IGNORED = hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
EXPECTS_HUP = pytest.mark.skipif(
    HUP_IGNORED,
    reason="SIGHUP is inherited as ignored (nohup) and dualgen respects SIG_IGN on purpose",
)


def hup(id: str):
    return pytest.param(getattr(signal, "SIGHUP", None), id=id, marks=[POSIX, EXPECTS_HUP])


EVERY_SIGNAL = [
    pytest.param(signal.SIGINT, id="SIGINT"),
    pytest.param(signal.SIGTERM, id="SIGTERM"),
    hup("SIGHUP"),
]


def in_a_weakref_callback(action) -> None:
    """Run `action` inside a weakref callback, which cannot raise: Python reports an exception
    there as "Exception ignored" and goes on."""
    import weakref

    class Thing:
        pass

    thing = Thing()
    watcher = weakref.ref(thing, lambda ref: action())
    del thing  # the callback runs here
    assert watcher() is None


def test_interrupted_is_caught_by_no_handler_for_errors():
    """Not an Exception (hypothesis, requests, `except Exception` swallow those), and not a
    KeyboardInterrupt (click's prompts turn that into Abort, "dualgen: aborted")."""
    assert not issubclass(Interrupted, Exception)
    assert not issubclass(Interrupted, KeyboardInterrupt)
    assert not issubclass(Interrupted, click.exceptions.Abort)
    assert Interrupted.__mro__ == (Interrupted, BaseException, object)


@pytest.mark.parametrize(
    ("signum", "text", "code"),
    [
        pytest.param(signal.SIGINT, "stopped by SIGINT", 130, id="SIGINT"),
        pytest.param(signal.SIGTERM, "stopped by SIGTERM", 143, id="SIGTERM"),
        pytest.param(getattr(signal, "SIGHUP", None), "stopped by SIGHUP", 129, id="SIGHUP"),
    ],
)
def test_each_signal_has_one_message_and_exit_code(signum, text, code):
    if signum is None:
        pytest.skip("no SIGHUP on this platform")
    stopped = Interrupted(signum)
    assert (str(stopped), stopped.exit_code, stopped.signum) == (text, code, int(signum))


@POSIX
@pytest.mark.parametrize("signum", EVERY_SIGNAL)
def test_a_signal_inside_a_held_block_arrives_after_it(signum):
    finished = []
    with pytest.raises(Interrupted) as stopped, handled():
        with held():
            with held():  # nested: held until the outermost block ends
                os.kill(os.getpid(), signum)
                finished.append("inner")
            finished.append("outer")
        finished.append("after")
    assert finished == ["inner", "outer"]
    assert stopped.value.exit_code == 128 + signum


@POSIX
def test_a_held_block_outside_the_cli_delivers_the_previous_action():
    """Library use, no handler: Ctrl-C held, then Python's own KeyboardInterrupt."""
    finished = []
    with pytest.raises(KeyboardInterrupt), held():
        os.kill(os.getpid(), signal.SIGINT)
        finished.append("block")
    assert finished == ["block"]


@POSIX
def test_an_ignored_sighup_stays_ignored_and_stops_nothing():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    finished = []
    try:
        with handled(), held():
            inside = signal.getsignal(signal.SIGHUP)
            os.kill(os.getpid(), signal.SIGHUP)
            finished.append("block")
        after = signal.getsignal(signal.SIGHUP)
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert finished == ["block"]
    assert inside is signal.SIG_IGN and after is signal.SIG_IGN


@pytest.mark.parametrize("signum", EVERY_SIGNAL)
def test_a_signal_python_swallowed_still_stops_the_command(signum, capsys):
    finished = []
    with pytest.raises(Interrupted) as stopped, handled():
        in_a_weakref_callback(lambda: signal.raise_signal(signum))
        finished.append("after the callback")  # Python went on
    assert finished == ["after the callback"]
    assert stopped.value.exit_code == 128 + signum
    assert capsys.readouterr().err == ""  # no "Exception ignored ... Traceback"


@POSIX
def test_a_signal_inside_a_hypothesis_test_stops_the_command():
    """hypothesis takes any exception of a test for a failure and shrinks it; a loop that calls
    `checkpoint` (as parity's probe does) makes every later example raise it again, and the
    command ends as stopped by the signal, whatever hypothesis raised at the end."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    calls = []

    @settings(max_examples=1000, database=None, deadline=None)
    @given(st.integers())
    def probe(number: int) -> None:
        checkpoint()
        calls.append(number)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(Interrupted) as stopped, handled():
        probe()
    assert stopped.value.exit_code == 128 + signal.SIGTERM
    assert len(calls) == 3  # no example ran after the signal


def test_an_error_after_a_swallowed_signal_is_reported_as_the_signal():
    with pytest.raises(Interrupted) as stopped, handled():
        in_a_weakref_callback(lambda: signal.raise_signal(signal.SIGTERM))
        raise RunError("the server went away")  # what the stopping caused
    assert stopped.value.exit_code == 128 + signal.SIGTERM
    assert stopped.value.__context__ is None or not isinstance(stopped.value, RunError)


def test_without_a_signal_errors_pass_through_unchanged():
    with pytest.raises(RunError, match="^the server went away$"), handled():
        raise RunError("the server went away")


@POSIX
def test_a_swallowed_signal_stops_the_processes_the_command_started(capsys):
    sleeper = None
    with pytest.raises(Interrupted) as stopped, handled():
        sleeper = processes.start([sys.executable, "-c", "import time; time.sleep(60)"])
        in_a_weakref_callback(lambda: signal.raise_signal(signal.SIGTERM))
    assert stopped.value.exit_code == 128 + signal.SIGTERM
    assert sleeper.poll() == -signal.SIGTERM
    assert sleeper not in processes.live_processes
    assert capsys.readouterr().err == ""


@POSIX
def test_nothing_new_starts_once_a_signal_came():
    with pytest.raises(Interrupted), handled():
        in_a_weakref_callback(lambda: signal.raise_signal(signal.SIGTERM))
        processes.start([sys.executable, "-c", "pass"])
    assert processes.live_processes == set()


def test_other_unraisable_exceptions_are_reported_as_before():
    def fail():
        raise ValueError("in a callback")

    seen = []
    hook, sys.unraisablehook = sys.unraisablehook, (lambda report: seen.append(report.exc_value))
    ours = sys.unraisablehook
    try:
        with handled():
            in_a_weakref_callback(fail)
        restored = sys.unraisablehook
    finally:
        sys.unraisablehook = hook
    assert [str(error) for error in seen] == ["in a callback"]
    assert restored is ours


def test_the_handler_is_installed_once_and_removed_after():
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    with handled():
        installed = signal.getsignal(signal.SIGTERM)
        with handled():  # a nested block changes nothing
            nested = signal.getsignal(signal.SIGTERM)
    assert installed is nested and installed is not before[signal.SIGTERM]
    assert {signum: signal.getsignal(signum) for signum in before} == before


@POSIX
def test_the_readme_table_is_what_dualgen_prints():
    from tests.helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| SIG")]
    assert rows == [
        "| SIGINT (Ctrl-C) | `dualgen: stopped by SIGINT` | 130 |",
        "| SIGTERM | `dualgen: stopped by SIGTERM` | 143 |",
        "| SIGHUP | `dualgen: stopped by SIGHUP` | 129 |",
    ]
    for signum, row in zip(EVERY_SIGNAL, rows, strict=True):
        stopped = Interrupted(signum.values[0])
        assert f"`dualgen: {stopped}` | {stopped.exit_code} |" in row
