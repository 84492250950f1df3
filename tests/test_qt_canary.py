"""Canary for PySide6 6.12.0 on Python 3.11: each Signal.emit() dropped a reference to True."""

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    happened = Signal(bool)


def test_a_thousand_emits_leave_the_reference_count_of_true_alone(qapp):
    emitter = Emitter()
    received = []
    emitter.happened.connect(lambda value: received.append(1))  # keeps no reference to True
    before = sys.getrefcount(True)
    for _ in range(1000):
        emitter.happened.emit(True)
    after = sys.getrefcount(True)
    assert len(received) == 1000
    # On 3.12+ True is immortal and reads a huge constant; on 3.11 a leak would show as -1000.
    assert abs(after - before) < 50
