"""Signals as exceptions, and blocks that a signal cannot cut in two.

SIGINT already raises KeyboardInterrupt; `stop_on_signals` makes SIGTERM and SIGHUP raise
`Interrupted`, so that every `finally` and `with` block cleans up as it does for Ctrl-C.
`uninterrupted` holds those signals while a few renames must happen together.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

    #: What signal.signal takes and gives back.
    Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(BaseException):
    """A signal (SIGTERM, SIGHUP) asked dualgen to stop; exit code 128 + the signal number.

    Like KeyboardInterrupt it is no Exception, so `except Exception` never swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _stop(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def _restore(previous: dict[int, Handler]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)


#: Signals whose exception Python swallowed: raised where it landed in code that cannot raise
#: (a weakref callback, `__del__`), Python only reports it as "Exception ignored" and goes on.
_swallowed: list[int] = []


def _signal_of(error: BaseException | None) -> int | None:
    """The signal an exception stands for: KeyboardInterrupt, or one that carries `signum` and
    is no Exception (Interrupted here, _processes._Stop for the servers' signals)."""
    if isinstance(error, KeyboardInterrupt):
        return signal.SIGINT
    return None if isinstance(error, Exception) else getattr(error, "signum", None)


def _keep_swallowed(
    hook: Callable[[sys.UnraisableHookArgs], object],
) -> Callable[[sys.UnraisableHookArgs], None]:
    def unraisable(report: sys.UnraisableHookArgs) -> None:
        signum = _signal_of(report.exc_value)
        if signum is None:
            hook(report)
        else:
            _swallowed.append(signum)

    return unraisable


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise Interrupted (unless they are ignored,
    as under nohup); the previous handlers come back afterwards. A signal whose exception
    Python swallowed is raised again as Interrupted when the block ends, so no run that was
    asked to stop ends as if it had not been."""
    if not _in_main_thread():
        yield
        return
    previous: dict[int, Handler] = {}
    for signum in STOP_SIGNALS:
        if signum != signal.SIGINT and signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, _stop)
    hook, sys.unraisablehook = sys.unraisablehook, _keep_swallowed(sys.unraisablehook)
    _swallowed.clear()
    try:
        yield
    finally:
        sys.unraisablehook = hook
        _restore(previous)
    if _swallowed:
        signum = _swallowed[0]
        _swallowed.clear()
        raise Interrupted(signum)


_held: list[int] = []
_depth = 0


def _hold(signum: int, frame: object) -> None:
    _held.append(signum)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends, then deliver the first one held
    as it would have been delivered (an exception, or the default action)."""
    global _depth
    if not _in_main_thread():
        yield
        return
    if _depth:
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
        return
    previous = {
        signum: signal.signal(signum, _hold)
        for signum in STOP_SIGNALS
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    _depth = 1
    try:
        yield
    finally:
        _depth = 0
        _restore(previous)
        if _held:
            signum = _held[0]
            _held.clear()
            signal.raise_signal(signum)
