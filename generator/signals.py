"""Signals: one exception, one handler, one block that holds them.

The CLI installs the handler once, around the whole command (`handled()`): SIGINT (Ctrl-C),
SIGTERM and SIGHUP then raise `Interrupted` in the main thread, so every `finally` and `with`
block cleans up on the way out, and every command ends the same way: `dualgen: stopped by
SIGTERM` on stderr, exit code 128 + the signal's number (130, 143, 129).

`held()` keeps signals off a few steps that must happen together (renames, starting or stopping
a process); the first one that came arrives when the block ends. Clean-ups registered with
`on_stop` (`processes` registers stopping every process it started) run, held, when the handled
block ends, however it ends.

Library code may swallow the exception: hypothesis takes any exception in a test for a failure
to shrink, and Python only reports one raised in a weakref callback or `__del__`. The command
still stops: `checkpoint()` raises it again in loops that call such code, and `handled()` raises
it when the block ends.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: The signals that stop a command (SIGHUP does not exist on Windows).
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(BaseException):
    """A signal asked dualgen to stop; exit code 128 + the signal's number.

    Like KeyboardInterrupt it is no Exception, so `except Exception` never swallows it; and it
    is no KeyboardInterrupt either, which click's prompts would turn into an "Abort".
    """

    def __init__(self, signum: int) -> None:
        self.signum = int(signum)
        self.name = signal.Signals(signum).name
        self.exit_code = 128 + self.signum
        super().__init__(f"stopped by {self.name}")


class _State:
    def __init__(self) -> None:
        self.installed = False
        #: The first signal since the handler was installed: what the command reports.
        self.first: int | None = None
        self.depth = 0  # of nested held() blocks
        self.held: list[int] = []
        self.cleanups: list[Callable[[], None]] = []


_state = _State()


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _on_signal(signum: int, frame: object) -> None:
    if _state.first is None:
        _state.first = signum
    raise Interrupted(_state.first)


def _hold(signum: int, frame: object) -> None:
    _state.held.append(signum)


def _set(handler: Callable[[int, object], None]) -> dict[int, object]:
    """Point every stop signal that is not ignored (nohup) at `handler`; the previous ones."""
    return {
        signum: signal.signal(signum, handler)
        for signum in STOP_SIGNALS
        if signal.getsignal(signum) is not signal.SIG_IGN
    }


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def in_command() -> bool:
    """Whether the CLI's handler is installed: a command runs."""
    return _state.installed


def checkpoint() -> None:
    """Raise `Interrupted` again if a signal came: for loops around library code that may have
    caught the first raise, and for threads (a signal only ever lands in the main thread)."""
    if _state.first is not None:
        raise Interrupted(_state.first)


def on_stop(cleanup: Callable[[], None]) -> None:
    """Run `cleanup` when the handled block ends (once per registration; same function once)."""
    if cleanup not in _state.cleanups:
        _state.cleanups.append(cleanup)


@contextmanager
def held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends, then deliver the first one held as
    it would have been delivered (`Interrupted` under the handler, else the previous action).
    Nested blocks hold until the outermost ends; outside the main thread it does nothing."""
    if not _in_main_thread():
        yield
        return
    if _state.depth:
        _state.depth += 1
        try:
            yield
        finally:
            _state.depth -= 1
        return
    previous = _set(_hold)
    _state.depth = 1
    try:
        yield
    finally:
        _state.depth = 0
        _restore(previous)
        if _state.held:
            signum = _state.held[0]
            _state.held.clear()
            signal.raise_signal(signum)


def _quiet(hook: Callable[[Any], object]) -> Callable[[Any], None]:
    """An unraisable hook that drops the reports of our own exception (it is raised again)."""

    def unraisable(report: Any) -> None:
        if not isinstance(report.exc_value, Interrupted):
            hook(report)

    return unraisable


def _clean_up() -> None:
    """Run every registered clean-up, held; the first failure is raised after all ran."""
    failure: Exception | None = None
    with held():
        for cleanup in list(_state.cleanups):
            try:
                cleanup()
            except Exception as error:  # the others must run too
                failure = failure or error
    if failure is not None:
        raise failure


def _first() -> int | None:
    return _state.first


@contextmanager
def handled() -> Iterator[None]:
    """The CLI's handler, around a whole command: stop signals raise `Interrupted`, the
    registered clean-ups run at the end, and a signal that was caught ends the command as
    `Interrupted` even if library code swallowed it or another error followed it. Installed
    once: a nested block (or one outside the main thread) changes nothing."""
    if _state.installed or not _in_main_thread():
        yield
        return
    previous = _set(_on_signal)
    hook, sys.unraisablehook = sys.unraisablehook, _quiet(sys.unraisablehook)
    _state.installed, _state.first = True, None
    try:
        try:
            yield
        finally:
            _clean_up()
    except BaseException as error:
        first = _first()  # set by the handler while the block ran
        if first is None or isinstance(error, Interrupted):
            raise
        # The signal, not what it caused (or what a library made of it), stopped the command.
        raise Interrupted(first) from None
    else:
        checkpoint()  # a signal whose exception was swallowed
    finally:
        sys.unraisablehook = hook
        _restore(previous)
        _state.installed, _state.first = False, None
