"""Qt's calls into Python that must always get an answer.

When Qt calls a Python override (``QValidator.validate``, ``paintEvent``, ``eventFilter``…) and
it raises, PySide6 cannot hand Qt a return value: typing "²" into a count field, whose
``validate`` raised, ended the process with a segmentation fault ("٣" with an abort), losing the
session. :func:`answers_qt` wraps an override so that an exception goes to ``sys.excepthook`` (which
prints it; pytest-qt's fails the test), is said in the window's status bar (:data:`faults`), and
Qt gets a plain answer instead.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

F = TypeVar("F", bound=Callable[..., Any])


class Faults(QObject):
    """Where a caught fault is announced (the status bar listens)."""

    happened = Signal(str)


faults = Faults()


def answers_qt(fallback: Callable[..., Any] | None = None) -> Callable[[F], F]:
    """Decorate a Qt override: if it raises, Qt gets ``fallback(self, *args)`` (None if no
    fallback: right for the event handlers, which return nothing)."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def guarded(self: Any, *args: Any) -> Any:
            try:
                return method(self, *args)
            except Exception as exc:  # noqa: BLE001 - nothing may reach Qt: PySide cannot survive it
                sys.excepthook(*sys.exc_info())
                try:
                    faults.happened.emit(f"Internal error in {type(self).__name__}.{method.__name__}: "
                                         f"{type(exc).__name__}: {exc} (details in the terminal)")
                except Exception:  # noqa: BLE001 - a listener's own failure is not Qt's either
                    traceback.print_exc()
                return None if fallback is None else fallback(self, *args)

        return guarded  # type: ignore[return-value]

    return wrap


def filter_nothing(_self: Any, _watched: Any, _event: Any) -> bool:
    """An event filter's answer when it failed: let the event go on as if it were not there."""
    return False
