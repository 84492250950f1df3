"""Answers too slow to work out while the window waits, worked out once each on a thread.

A view that needs one (the next batch iteration over 60,000 examples, the stability bound of a
big data set in another mode) asks :meth:`Answers.get`: the answer if it is known, else None —
and the work starts on a thread of its own (once per key), and :attr:`Answers.ready` tells when
it is in, on the GUI thread, so the view asks again and shows it. Until then the view says it is
working it out (and for good if the work fails: the traceback goes to the terminal).
"""

from __future__ import annotations

import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

KEPT = 8  # answers remembered, the oldest forgotten first
_FAILED = object()  # the work raised (said in the terminal): the view goes on without the answer


class Answers(QObject):
    """Answers by key; each worked out once, on a daemon thread (the work, numpy's or the compiled
    loops', cannot be stopped half-way: a window closed meanwhile does not wait for it)."""

    ready = Signal()  # an answer came in (on the GUI thread)
    _done = Signal(object, object, object)  # key, answer (or _FAILED), the object it is for (from the worker)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._known: OrderedDict[Hashable, tuple[weakref.ref, Any]] = OrderedDict()  # the owner held weakly
        self._asked: set[Hashable] = set()
        # a bound method of this GUI-thread object: delivered on the GUI thread (a lambda would
        # run on the worker's)
        self._done.connect(self._take)

    def get(self, key: Hashable, owner: Any, work: Callable[[], Any]) -> Any | None:
        """The answer of ``work()`` for ``key`` (None until it is in). ``owner``: the object the
        answer is about (a data set), remembered with it (weakly) so that a key holding its ``id``
        never meets a new object at the same address."""
        known = self._known.get(key)
        if known is not None and known[0]() is owner:
            self._known.move_to_end(key)
            return None if known[1] is _FAILED else known[1]
        if key not in self._asked:
            self._asked.add(key)
            threading.Thread(target=self._work, args=(key, owner, work), daemon=True,
                             name="gdviz-answer").start()
        return None

    def _work(self, key: Hashable, owner: Any, work: Callable[[], Any]) -> None:
        try:
            answer = work()
        except Exception:  # noqa: BLE001 - said in the terminal; not asked again
            sys.excepthook(*sys.exc_info())
            answer = _FAILED
        try:
            self._done.emit(key, answer, owner)
        except RuntimeError:  # the window (and this object) closed meanwhile
            pass

    @Slot(object, object, object)
    def _take(self, key: Hashable, answer: Any, owner: Any) -> None:
        self._asked.discard(key)
        self._known[key] = (weakref.ref(owner), answer)  # not keeping a 376 MB data set alive
        while len(self._known) > KEPT:
            self._known.popitem(last=False)
        self.ready.emit()
