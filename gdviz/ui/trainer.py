"""The trainer thread: owns the session's :class:`Training`, applies typed commands between
iterations, and reports every iteration and the state after it.

- Commands (:data:`Command`) are queued from the GUI thread with :meth:`Trainer.send` and
  applied in order between iterations, so a change lands at an iteration boundary.
- After every command and every batch of iterations the trainer emits a :class:`Report`: the
  new :class:`~gdviz.core.state.SessionState` and a *copy* of the batch's records, so the
  window never reads an array the trainer is writing and no iteration is lost.
- Pacing: the trainer keeps to its speed (``FULL_SPEED`` at max and for Run N, less for a big
  network: see MEMORY_PER_SECOND), sends at most
  ~120 batches a second, and after each batch waits for a :class:`Grant`, which the controller
  sends once it has taken the batch: at most one batch is ever in flight, however slow the
  window. The iterations run in the compiled loops (:mod:`gdviz.core.compiled`: the same numbers
  as numpy's, bit for bit) once they are loaded; they release the GIL, so the window paints on
  the other core meanwhile.
"""

from __future__ import annotations

import math
import queue
import time
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QThread, Signal

from gdviz.core import compiled
from gdviz.core.dataset import DataSet
from gdviz.core.engine import NUMPY_LOOPS
from gdviz.core.keyframes import KeyframedLog, interval_for
from gdviz.core.state import SessionState, state_of
from gdviz.core.training import Divergence, RecordBatch, Training

COMPUTE_BUDGET = 0.008
"""Seconds of computing at most per batch (commands are looked at in between)."""

FULL_SPEED = 150_000
"""Iterations a second at "max" and for Run N: more than the numpy engine does on one core here
(~100,000), while the log (~43 MB/s for 3×3) and the curves grow at a pace the window can draw
and a learner can still stop."""

MEMORY_PER_SECOND = 16_000_000
"""At "max" a big network is paced so that the window's memory grows by at most this much a
second: a 32×32 network's iteration keeps ~185 bytes in the log (records, keyframes) and ~80 in the
curves, so ~60,000 iterations a second, a minute of them 0.95 GB; a 3×3 one stays at FULL_SPEED."""

CURVE_BYTES = 8 * (8 + 2)
"""Bytes the curves copy an iteration: x, the total and the (at first eight) outputs shown."""

REPORT_INTERVAL = 0.008
"""Seconds between two batches at least, so the window takes ≤ ~120 reports a second."""

NUMPY_PAUSE_MS = 6
"""Milliseconds the trainer sleeps after a batch of numpy's loops at full speed, so the window
gets the GIL (without it the window drew ~5 frames a second, stalling up to half a second)."""

BLOCK_WORK = 4_000_000
"""Multiply-adds in a block of the compiled loops at most (~2 ms): the deadline and commands are
looked at between blocks, so a batch over the 1,797 digits (1.15 M an iteration) runs 3 iterations
a block, not 4,096 (2.8 s before Pause was seen). numpy's loops take 64 times fewer."""

MAX_CATCH_UP = 0.1
"""Seconds of iterations the trainer may be behind its pace before it stops trying to catch up."""


def block_for(training: Training) -> int:
    """Iterations in a block of ``run_records``: up to 4,096 (64 with numpy's loops), fewer when
    an iteration is big (BLOCK_WORK)."""
    data = training.data
    work = (data.n_examples if training.mode == "batch" else 1) * data.n_inputs * data.n_outputs
    most, budget = (4096, BLOCK_WORK) if training.loops is not NUMPY_LOOPS else (64, BLOCK_WORK // 64)
    return max(1, min(most, budget // work))


# -- commands --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Load:
    """Train this from now on (a preset, a session, an undo, a branch); ``generation`` tags its reports."""

    training: Training
    preset: str | None
    generation: int
    speed: int | None
    max_iterations: int  # the log's limit: training stops there
    keyframe_every: int = 512  # the window's log keeps the weights before iterations 1 + a multiple of this


@dataclass(frozen=True)
class Step:
    pass


@dataclass(frozen=True)
class Play:
    pass


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class TogglePlay:
    pass


@dataclass(frozen=True)
class Run:
    iterations: int


@dataclass(frozen=True)
class SetSpeed:
    speed: int | None  # iterations a second; None: as fast as possible


@dataclass(frozen=True)
class SetAlpha:
    alpha: float


@dataclass(frozen=True)
class SetMode:
    mode: str


@dataclass(frozen=True)
class SetExample:
    example: int


@dataclass(frozen=True)
class SetData:
    data: DataSet


@dataclass(frozen=True)
class SetWeight:
    output: int
    input: int
    value: float


@dataclass(frozen=True)
class SetFrozen:
    output: int
    input: int
    frozen: bool


@dataclass(frozen=True)
class SetAsPrinted:
    on: bool


@dataclass(frozen=True)
class Sync:
    """Answered with a report carrying ``token``: every earlier command has been applied."""

    token: int


@dataclass(frozen=True)
class Grant:
    """The controller has taken the last batch: the trainer may send the next."""


@dataclass(frozen=True)
class Quit:
    pass


Command = (Load | Step | Play | Pause | TogglePlay | Run | SetSpeed | SetAlpha | SetMode | SetExample
           | SetData | SetWeight | SetFrozen | SetAsPrinted | Sync | Grant | Quit)


@dataclass(frozen=True)
class Report:
    """What the trainer did since the last report: copies, owned by the receiver."""

    generation: int  # the Load it belongs to (a report of a replaced training is ignored)
    state: SessionState  # after everything below
    records: RecordBatch | None = None  # the iterations done (None: a command that trained nothing)
    divergence: Divergence | None = None
    refused: str | None = None  # a command was refused (e.g. an alpha of 0)
    failure: str | None = None  # an unexpected error stopped training: what went wrong
    limit_reached: bool = False  # training stopped because the log is full
    sync: int | None = None  # the token of a Sync just answered


class Trainer(QThread):
    """The thread that trains. Start it, :meth:`send` it commands, :meth:`stop` it."""

    report = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.max_iterations = 0  # the log's limit: training stops there (set by Load)
        self._keyframe_every = 512
        self._max_rate = FULL_SPEED  # iterations a second at max and for Run N (set by Load)
        self._commands: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self._training: Training | None = None  # touched only by the thread once it has started
        self._preset: str | None = None
        self._generation = 0
        self._speed: int | None = None
        self._playing = False
        self._run_total = 0
        self._run_remaining = 0
        self._granted = True
        self._quit = False
        self._pace_start = 0.0
        self._paced_done = 0
        self._reported_at = 0.0
        self.reports_sent = 0  # written by the trainer thread; read by the benchmark
        self._last_state: SessionState | None = None  # the last reported (for a report when making a state fails)

    def send(self, command: Command) -> None:
        """Queue a command (from any thread); it is applied between two iterations."""
        self._commands.put(command)

    def stop(self, timeout_ms: int = 5000) -> bool:
        """End the thread (within one block of iterations) and wait for it."""
        self.send(Quit())
        self.requestInterruption()
        return self.wait(timeout_ms)

    # -- the thread ---------------------------------------------------------------------------
    def run(self) -> None:  # QThread's entry point: the thread's whole life
        while not self._quit:
            try:
                command: Command | None = self._commands.get(timeout=self._idle_timeout())
            except queue.Empty:
                command = None
            try:
                changed, reported = False, False
                while command is not None:
                    changed = changed or not isinstance(command, Grant)
                    reported = self._apply(command) or reported
                    try:
                        command = self._commands.get_nowait()
                    except queue.Empty:
                        command = None
                if changed and not reported and not self._quit and self._training is not None:
                    self._emit()  # the window learns the state after its commands
                if not self._quit and self._playing and self._granted:
                    self._advance()
            except Exception as exc:  # noqa: BLE001 - told to the learner: a silent end left the window waiting
                self._fail(exc)

    def _full_speed(self) -> bool:
        """At "max", or running N iterations."""
        return bool(self._run_remaining) or self._speed is None

    def _rate(self) -> float:
        """Iterations a second now: the chosen speed, or the network's most (FULL_SPEED at most) for max and Run N."""
        return self._max_rate if self._full_speed() or self._speed is None else self._speed

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

    def _stop_playing(self) -> None:
        self._playing, self._run_total, self._run_remaining = False, 0, 0

    def _apply(self, command: Command) -> bool:  # noqa: C901 - one case per command
        """Carry out one command; True if it sent a report of its own."""
        if isinstance(command, Quit):
            self._quit = True
            return False
        if isinstance(command, Grant):
            self._granted = True
            return False
        if isinstance(command, Load):
            self._training, self._preset, self._generation = command.training, command.preset, command.generation
            self._speed, self.max_iterations = command.speed, command.max_iterations
            self._keyframe_every = command.keyframe_every
            data = command.training.data
            per_iteration = (KeyframedLog.bytes_per_record(data.n_inputs, data.n_outputs) + CURVE_BYTES
                             + 8 * data.n_inputs * data.n_outputs / command.keyframe_every)
            self._max_rate = min(FULL_SPEED, int(MEMORY_PER_SECOND / per_iteration))
            self._stop_playing()
            self._granted = True
            return False
        if isinstance(command, SetSpeed):
            self._speed = command.speed
            self._restart_pace()
            return False
        training = self._training
        if training is None:
            return False
        if isinstance(command, Sync):
            self._emit(sync=command.token)
            return True
        if isinstance(command, Step):
            if training.iteration >= self.max_iterations:
                self._emit(limit_reached=True)
            else:
                training.loops = self._loops()
                self._emit(*training.run_records(1, interval_for(self._keyframe_every, training.settings)))
            return True
        if isinstance(command, Play | TogglePlay):
            if isinstance(command, TogglePlay) and self._playing:
                self._stop_playing()
            elif training.iteration >= self.max_iterations:
                self._emit(limit_reached=True)
                return True
            else:
                self._playing, self._run_total, self._run_remaining = True, 0, 0
                self._restart_pace()
        elif isinstance(command, Pause):
            self._stop_playing()
        elif isinstance(command, Run):
            self._playing = command.iterations > 0
            self._run_total = self._run_remaining = command.iterations
            self._restart_pace()
        else:
            try:
                self._change(training, command)
            except ValueError as exc:
                self._emit(refused=str(exc))
                return True
        return False

    @staticmethod
    def _change(training: Training, command: Command) -> None:
        """A setting: applies from the next iteration on (ValueError if refused)."""
        if isinstance(command, SetAlpha):
            training.set_alpha(command.alpha)
        elif isinstance(command, SetMode):
            training.set_mode(command.mode)
        elif isinstance(command, SetExample):
            training.set_example(command.example)
        elif isinstance(command, SetData):
            training.set_data(command.data)
        elif isinstance(command, SetWeight):
            training.set_weight(command.output, command.input, command.value)
        elif isinstance(command, SetFrozen):
            training.set_frozen(command.output, command.input, command.frozen)
        elif isinstance(command, SetAsPrinted):
            training.set_as_printed(command.on)

    def _restart_pace(self) -> None:
        self._pace_start, self._paced_done = time.perf_counter(), 0

    def _advance(self) -> None:
        training = self._training
        if training is None:
            return
        rate = self._rate()
        wanted = math.floor((time.perf_counter() - self._pace_start) * rate) - self._paced_done
        if wanted <= 0:
            return
        if wanted > rate * MAX_CATCH_UP:  # fell behind (a busy window): don't rush to catch up
            self._restart_pace()
            wanted = max(1, math.floor(rate * REPORT_INTERVAL))
        if self._run_remaining:
            wanted = min(wanted, self._run_remaining)
        room = self.max_iterations - training.iteration
        wanted, limit_reached = min(wanted, room), wanted >= room
        training.loops = self._loops()
        result, batch = training.run_records(wanted, interval_for(self._keyframe_every, training.settings),
                                             deadline=time.perf_counter() + COMPUTE_BUDGET,
                                             should_stop=self._interrupted,
                                             block=block_for(training))
        limit_reached = limit_reached and training.iteration >= self.max_iterations
        self._paced_done += result.iterations
        if self._run_remaining:
            self._run_remaining -= result.iterations
            if self._run_remaining <= 0:
                self._stop_playing()
        if result.divergence or limit_reached:
            self._stop_playing()
        self._emit(result, batch, limit_reached=limit_reached)
        self._reported_at = time.perf_counter()
        if training.loops is NUMPY_LOOPS and self._full_speed():
            # numpy's loop holds the GIL all the time: until the compiled loops are loaded (a
            # second or two after start-up), leave the window a share of it after each batch
            self.msleep(NUMPY_PAUSE_MS)

    @staticmethod
    def _loops():
        """The compiled loops once loaded (on their own thread: never waited for here), else numpy's."""
        return (compiled.loops() if compiled.ready() else None) or NUMPY_LOOPS

    def _interrupted(self) -> bool:
        return not self._commands.empty() or self.isInterruptionRequested()

    def _fail(self, exc: Exception) -> None:
        """Something went wrong (a bug, memory): stop training and tell the window what, keeping
        every iteration done. The training is as it was after its last whole block (a block's
        records and weights are kept only once it is complete), so Step tries again from there."""
        traceback.print_exception(exc)  # the whole story, for a bug report
        self._stop_playing()
        what = "".join(traceback.format_exception_only(exc)).strip()
        message = (f"Training stopped: something went wrong in the trainer ({what}). Every iteration before it "
                   "is kept; Step tries again.")
        training = self._training
        if training is None:
            return
        try:
            self._emit(failure=message)
        except Exception as again:  # noqa: BLE001 - the state cannot be reported: say so without it
            traceback.print_exception(again)
            if self._last_state is not None:
                self.report.emit(Report(generation=self._generation, state=self._last_state, failure=message))

    def _emit(self, result=None, batch: RecordBatch | None = None, *, refused: str | None = None,
              failure: str | None = None, limit_reached: bool = False, sync: int | None = None) -> None:
        training = self._training
        assert training is not None
        if failure:
            batch = training.take_pending()
        # a batch whose first iteration diverged has no record, but its note (why training stopped)
        # must still reach the window's log, and so the CSV
        records = batch if batch is not None and (batch.count or batch.note) else None
        if records is not None:
            self._granted = False  # wait for the window to take this batch
        state = state_of(training, self._preset, playing=self._playing, speed=self._speed,
                         run_total=self._run_total, run_remaining=self._run_remaining)
        self.reports_sent += 1
        self._last_state = state
        self.report.emit(Report(
            generation=self._generation,
            state=state,
            records=records,
            divergence=result.divergence if result is not None else None,
            refused=refused, failure=failure, limit_reached=limit_reached, sync=sync,
        ))
