"""The trainer thread: runs the core engine off the GUI thread and reports every iteration.

Protocol (all public methods are called from the GUI thread and only queue a command; the
thread applies commands between iterations, so a change lands at an iteration boundary):

- ``step()`` does one iteration; ``play()``/``pause()`` animate at ``set_speed(n)`` iterations a
  second (``None`` = as fast as possible); ``run(n)`` does n iterations as fast as possible.
- Every batch of consecutive iterations is sent with :attr:`Trainer.report` as a
  :class:`Report` holding a *copy* of their records and of the weights after them, so the
  window never reads an array the trainer is still writing, and no iteration is lost.
- Pacing: the trainer keeps to its speed (``FULL_SPEED`` at max), sends at most ~120 batches a
  second, and after each batch waits for a *grant* (:meth:`grant`), which the window gives when
  it has taken the batch. So at most one report is in flight and the queue cannot grow without
  bound however slow the window is. At full speed the iterations run in compiled loops that
  release the GIL (:mod:`gdviz.core.compiled`), so the window paints on the other core meanwhile.
"""

from __future__ import annotations

import math
import queue
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QThread, Signal

from gdviz.core import compiled
from gdviz.core.engine import NUMPY_LOOPS
from gdviz.core.log import IterationLog
from gdviz.core.training import Divergence, Training

COMPUTE_BUDGET = 0.008
"""Seconds of computing at most per batch (commands are looked at in between)."""

FULL_SPEED = 150_000
"""Iterations a second at "max" and for Run N: more than the numpy engine does on one core here
(~100,000), while the log (~43 MB/s for 3×3) and the curves grow at a pace the window can draw
and a learner can still stop."""

REPORT_INTERVAL = 0.008
"""Seconds between two batches at least, so the window takes ≤ ~120 reports a second."""

MAX_CATCH_UP = 0.1
"""Seconds of iterations the trainer may be behind its pace before it stops trying to catch up."""


@dataclass(frozen=True)
class Report:
    """What the trainer did since the last report: a copy, owned by the receiver."""

    records: IterationLog | None  # the iterations done (None: a command that trained nothing)
    weights: np.ndarray  # the weights after them
    frozen: np.ndarray
    iteration: int  # iterations done since the last reset
    playing: bool  # animating or running N
    run_remaining: int  # iterations of a Run N still to do (0 when none)
    commands_applied: int = 0  # how many commands (grants aside) the trainer had applied
    trainer: object = None  # the Trainer that sent it (a window ignores a replaced trainer's)
    reset: bool = False  # the training was reset before this report
    divergence: Divergence | None = None
    error: str | None = None  # a command was refused (e.g. a weight that is not a number)
    limit_reached: bool = False  # training stopped because the log is full


class Trainer(QThread):
    report = Signal(object)

    def __init__(self, training: Training, max_iterations: int | None = None, parent=None):
        super().__init__(parent)
        self._training = training  # touched only by the thread once it has started
        self.max_iterations = max_iterations  # the log's limit: training stops there
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._speed: float | None = None
        self._playing = False
        self._run_remaining = 0
        self._granted = True
        self._quit = False
        self._pace_start = 0.0
        self._paced_done = 0
        self._reported_at = 0.0
        self.reports_sent = 0  # written by the trainer thread; read by tests and benchmarks
        self.commands_sent = 0  # GUI thread only
        self._commands_applied = 0  # trainer thread only

    # -- commands (GUI thread) ----------------------------------------------------------------
    def _send(self, name: str, *args) -> None:
        if name != "grant":
            self.commands_sent += 1
        self._commands.put((name, args))

    def step(self) -> None:
        self._send("step")

    def play(self) -> None:
        self._send("play")

    def pause(self) -> None:
        self._send("pause")

    def run_iterations(self, count: int) -> None:
        self._send("run", int(count))

    def reset(self) -> None:
        self._send("reset")

    def set_speed(self, per_second: float | None) -> None:
        self._send("speed", per_second)

    def set_alpha(self, alpha: float) -> None:
        self._send("call", "set_alpha", alpha)

    def set_mode(self, mode: str) -> None:
        self._send("call", "set_mode", mode)

    def set_example(self, example: int) -> None:
        self._send("call", "set_example", example)

    def set_data(self, data) -> None:
        self._send("call", "set_data", data)

    def set_weight(self, output: int, input_: int, value: float) -> None:
        self._send("call", "set_weight", output, input_, value)

    def set_frozen(self, output: int, input_: int, frozen: bool) -> None:
        self._send("call", "set_frozen", output, input_, frozen)

    def set_as_printed(self, on: bool) -> None:
        self._send("call", "set_as_printed", on)

    def warm_up(self) -> None:
        """Start loading the compiled loops, on a thread of their own: numba's import and cache take
        ~0.7 s, which the trainer's commands (a Step, say) must not wait behind."""
        compiled.load_in_background()

    def grant(self) -> None:
        """The window is ready for the next batch."""
        self._send("grant")

    def stop(self, timeout_ms: int = 2000) -> bool:
        """End the thread (within one block of iterations) and wait for it."""
        self._send("quit")
        self.requestInterruption()
        return self.wait(timeout_ms)

    # -- the thread ---------------------------------------------------------------------------
    def run(self) -> None:  # QThread's entry point: the thread's whole life
        while not self._quit:
            try:
                command = self._commands.get(timeout=self._idle_timeout())
            except queue.Empty:
                command = None
            changed, reported = False, False
            while command is not None:
                if command[0] != "grant":
                    self._commands_applied += 1
                    changed = True
                reported = self._apply(*command) or reported
                try:
                    command = self._commands.get_nowait()
                except queue.Empty:
                    command = None
            if changed and not reported and not self._quit:
                self._emit(None)  # the window learns the state after its commands
            if not self._quit and self._playing and self._granted:
                self._advance()

    def _full_speed(self) -> bool:
        """At "max", or running N iterations."""
        return bool(self._run_remaining) or self._speed is None

    def _rate(self) -> float:
        """Iterations a second now: the chosen speed, or FULL_SPEED for max and Run N."""
        return FULL_SPEED if self._full_speed() else self._speed

    def _idle_timeout(self) -> float | None:
        """Seconds until the next batch is due (None: nothing to do until a command comes).

        A batch is due when its first iteration is, and not sooner than REPORT_INTERVAL after
        the last one, so the window gets at most ~120 reports a second whatever the speed.
        """
        if not (self._playing and self._granted):
            return None
        due_at = max(self._pace_start + (self._paced_done + 1) / self._rate(),
                     self._reported_at + REPORT_INTERVAL)
        return max(0.0, due_at - time.perf_counter())

    def _apply(self, name: str, args: tuple) -> bool:
        """Carry out one command; True if it sent a report of its own."""
        training = self._training
        if name == "quit":
            self._quit = True
        elif name == "grant":
            self._granted = True
        elif name == "step":
            if self.max_iterations is not None and training.iteration >= self.max_iterations:
                self._emit(None, limit_reached=True)
            else:
                self._emit(training.step(), records_expected=True)
            return True
        elif name == "play":
            self._playing, self._run_remaining = True, 0
            self._restart_pace()
        elif name == "pause":
            self._playing, self._run_remaining = False, 0
        elif name == "run":
            self._playing, self._run_remaining = args[0] > 0, args[0]
        elif name == "speed":
            self._speed = args[0]
            self._restart_pace()
        elif name == "reset":
            self._playing, self._run_remaining = False, 0
            training.reset()
            self._emit(None, reset=True)
            return True
        elif name == "call":
            try:
                getattr(training, args[0])(*args[1:])
            except ValueError as exc:
                self._emit(None, error=str(exc))
                return True
        return False

    def _restart_pace(self) -> None:
        self._pace_start, self._paced_done = time.perf_counter(), 0

    def _advance(self) -> None:
        training = self._training
        full_speed = self._full_speed()
        rate = self._rate()
        wanted = math.floor((time.perf_counter() - self._pace_start) * rate) - self._paced_done
        if wanted <= 0:
            return
        if wanted > rate * MAX_CATCH_UP:  # fell behind (a busy window): don't rush to catch up
            self._restart_pace()
            wanted = max(1, math.floor(rate * REPORT_INTERVAL))
        if self._run_remaining:
            wanted = min(wanted, self._run_remaining)
        limit_reached = False
        if self.max_iterations is not None:
            room = self.max_iterations - training.iteration
            wanted, limit_reached = min(wanted, room), wanted >= room
        # Full speed uses the compiled loops, which release the GIL so the window paints meanwhile.
        fast = compiled.loops() if full_speed else None  # loaded once per process, then kept
        training.loops = fast or NUMPY_LOOPS
        deadline = time.perf_counter() + COMPUTE_BUDGET
        result = training.run(wanted, deadline=deadline, should_stop=self._interrupted,
                              block=1024 if training.loops is not NUMPY_LOOPS else 64)
        training.loops = NUMPY_LOOPS
        limit_reached = limit_reached and training.iteration >= self.max_iterations
        if limit_reached:
            self._playing, self._run_remaining = False, 0
        self._paced_done += result.iterations
        if self._run_remaining:
            self._run_remaining -= result.iterations
            if self._run_remaining <= 0:
                self._playing, self._run_remaining = False, 0
        if result.divergence:
            self._playing, self._run_remaining = False, 0
        self._emit(result, records_expected=True, limit_reached=limit_reached)
        self._reported_at = time.perf_counter()

    def _interrupted(self) -> bool:
        return not self._commands.empty() or self.isInterruptionRequested()

    def _emit(self, result, *, records_expected: bool = False, reset: bool = False,
              error: str | None = None, limit_reached: bool = False) -> None:
        training = self._training
        # a batch whose first iteration diverged has no record, but the log's note (why training
        # stopped) must still reach the window's log, and so the CSV
        log = training.log
        records = log.take() if records_expected and (log.count or log.note) else None
        if records is not None:
            self._granted = False  # wait for the window to take this batch
        self.reports_sent += 1
        self.report.emit(Report(
            records=records,
            weights=training.weights.copy(),
            frozen=training.frozen.copy(),
            iteration=training.iteration,
            playing=self._playing,
            run_remaining=self._run_remaining,
            commands_applied=self._commands_applied,
            trainer=self,
            reset=reset,
            divergence=result.divergence if result is not None else None,
            error=error,
            limit_reached=limit_reached,
        ))
