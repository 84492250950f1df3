"""The ``gdviz`` command.

    gdviz                         open the window on the book's example
    gdviz SESSION                 open the window on a saved session
    gdviz presets                 list the presets
    gdviz train --preset NAME …   train without a display; write the iteration log as CSV
    gdviz train --data FILE --inputs A,B (--targets C | --one-hot COLUMN) …
                                  train on a learner's own CSV or TSV
    gdviz --data FILE --inputs A,B (--targets C | --one-hot COLUMN)
                                  open the window on it

``gdviz train`` and ``gdviz presets`` never import Qt.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import gdviz
from gdviz.core.csv_log import write_csv_pieces
from gdviz.core.dataset import MAX_UNITS
from gdviz.core.files import check_writable, describe_error
from gdviz.core.log import IterationLog
from gdviz.core.presets import DEFAULT_PRESET, PRESETS
from gdviz.core.training import MODES, Divergence, Training, check_alpha, overshoot_text

COMMANDS = ("train", "presets")
COMPILED_FROM = 20_000
"""Runs this long use the compiled loops: numba's import (~0.5 s) is then repaid."""
COMPILED_FROM_WORK = 2_000_000
"""…and so do runs of this many multiply-adds (iterations × examples an iteration × weights): a
batch over the 1,797 digits takes numpy's loops ~50 ms an iteration, the compiled ones < 1 ms."""
PIECE_BYTES = 32_000_000
"""Records trained, then written, at a time (~110,000 iterations of a 3 × 3 network): the memory
``gdviz train`` holds, whatever --iterations says."""
MIN_PIECE_ROWS = 4096
DESCRIPTION = """\
Watch gradient descent generalise on the tiny linear networks of the "Generalizing gradient
descent" chapter of Grokking Deep Learning.

  gdviz                 open the window on the book's example (multi-in-out)
  gdviz SESSION         open the window on a saved session (.gdviz, or .json from gdviz 0.1)
  gdviz --preset NAME   open the window on a preset (gdviz presets lists them)
  gdviz --shape NxM     open the window on a fresh network of N inputs and M outputs (1 to 32 each)
  gdviz --lesson        open the window with the lesson through the chapter beside it
  gdviz presets         list the presets
  gdviz train ...       train without a display and write the iteration log as CSV
                        (gdviz train --help for its options)
  gdviz --data FILE --inputs A,B --targets C   (or --one-hot COLUMN)
                        open the window on your own data (a CSV or TSV file)
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is reported in one line (exit status 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message}\n")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _shape(text: str) -> tuple[int, int]:
    """``NxM`` (or ``N×M``): N inputs and M outputs, each 1 to MAX_UNITS, digits 0-9 only."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(part.isascii() and part.isdigit() for part in parts):
        raise argparse.ArgumentTypeError(f"must be N inputs x M outputs, such as 32x32, not {text!r}")
    n, m = int(parts[0]), int(parts[1])
    if not (1 <= n <= MAX_UNITS and 1 <= m <= MAX_UNITS):
        raise argparse.ArgumentTypeError(f"inputs and outputs must be 1 to {MAX_UNITS} each, not {n}x{m}")
    return n, m


def _alpha(text: str) -> float:
    try:
        return check_alpha(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gdviz", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"gdviz {gdviz.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("presets", help="list the presets with their shapes")
    train = commands.add_parser(
        "train", help="train without a display and write the iteration log as CSV",
        description="Train a preset, a fresh network or your own data without a display; print a summary "
                    "to standard error and write every iteration as CSV.")
    network = train.add_mutually_exclusive_group()
    network.add_argument("--preset", choices=list(PRESETS), metavar="NAME",
                         help=f"the network and data: one of {', '.join(PRESETS)} (default {DEFAULT_PRESET})")
    network.add_argument("--shape", type=_shape, metavar="NxM",
                         help=f"a fresh network of N inputs and M outputs (1 to {MAX_UNITS} each) on made-up data, "
                              "as the window's Shape fields make it, e.g. 32x32")
    network.add_argument("--data", metavar="FILE",
                         help="your own data: a CSV or TSV file with a header row of names (comma, semicolon "
                              "or tab separated; decimal point or comma); the weights start at 0")
    add_data_arguments(train)
    train.add_argument("--iterations", type=_count, required=True, metavar="N",
                       help="how many iterations to train (0 or more)")
    train.add_argument("--alpha", type=_alpha, metavar="A",
                       help="the learning rate (default: the preset's; for --shape and --data, half the largest "
                            "stable alpha for the mode, rounded down to one digit)")
    train.add_argument("--mode", choices=MODES,
                       help="example: repeat one example (the default, except for the digits preset and "
                            "--one-hot data: cycle); cycle: each example in turn; batch: the mean over all examples")
    train.add_argument("--example", type=_count, default=0, metavar="K",
                       help="0-based example to train on in example mode (default 0)")
    train.add_argument("--freeze", action="append", default=[], metavar="INPUT->OUTPUT",
                       help="keep this weight fixed (repeatable), e.g. toes->win")
    train.add_argument("--as-printed", action="store_true",
                       help="use the update as printed in the book's many-to-many listing, "
                            "outer(input, delta): the transposed erratum (square networks only)")
    train.add_argument("--csv", metavar="PATH", help="write the log here; - for standard output")
    train.set_defaults(train_parser=train)
    return parser  # subparsers are made of the same class, so their errors are one line too


def _image_size(text: str) -> tuple[int, int]:
    """``WxH``: the inputs are an image W pixels wide and H high, as (rows, columns)."""
    from gdviz.core.images import parse_image_size

    try:
        return parse_image_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """--inputs, --targets, --one-hot and --image, which go with --data."""
    parser.add_argument("--inputs", metavar="A,B,…", help="with --data: the input columns, by name")
    parser.add_argument("--image", metavar="WxH", type=_image_size,
                        help="with --data: the inputs are the pixels, row by row, of an image W pixels wide "
                             "and H high (the window draws each output's weights as an image)")
    outputs = parser.add_mutually_exclusive_group()
    outputs.add_argument("--targets", metavar="C,…", help="with --data: the target columns, by name")
    outputs.add_argument("--one-hot", metavar="COLUMN",
                         help="with --data: a column of class labels, one output per class (in the order "
                              "they first appear), target 1 for the example's class and 0 for the others")


def data_arguments(args, parser):
    """The data set --data, --inputs, --targets and --one-hot name (a :class:`Imported`), or one
    line and exit 2 if they do not fit (parser.error)."""
    from gdviz.core.data_import import DataImportError, import_file

    if args.data is None:
        if args.inputs or args.targets or args.one_hot or args.image:
            parser.error("--inputs, --targets, --one-hot and --image go with --data FILE")
        return None
    if not args.inputs:
        parser.error("--data: name the input columns with --inputs A,B,…")
    if not args.targets and not args.one_hot:
        parser.error("--data: name the target columns with --targets C,… or a class column with --one-hot COLUMN")
    try:
        return import_file(args.data, args.inputs, args.targets, args.one_hot, image=args.image)
    except DataImportError as exc:
        parser.error(f"--data {args.data}: {' '.join(str(exc).split())}")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _train(args, parser) -> int:
    from gdviz.core.accuracy import accuracy
    from gdviz.core.presets import data_mode, data_training, fresh_training, preset_training

    imported = data_arguments(args, parser)
    if args.mode is None:  # the preset's (the digits: cycle); data with classes: cycle; else example
        args.mode = PRESETS[args.preset].mode if args.preset else \
            data_mode(imported.data, "example") if imported is not None else "example"
    alpha_note = None
    if imported is not None:
        try:
            training = data_training(imported.data, args.mode, args.example, args.alpha)
        except ValueError as exc:
            parser.error(f"--example: {exc}")
        name = os.path.basename(args.data)
        if args.alpha is None:
            alpha_note = (f"alpha {training.alpha:g}: half the largest stable alpha for this data in {args.mode} "
                          f"mode ({training.stable_alpha():.4g}), rounded down to one digit (--alpha to choose)")
    elif args.shape is not None:
        training = fresh_training(*args.shape)
        training.set_mode(args.mode)
        if args.alpha is not None:
            training.set_alpha(args.alpha)
        name = f"a fresh {args.shape[0]}x{args.shape[1]} network"
    else:
        overrides: dict = {"mode": args.mode}
        if args.alpha is not None:
            overrides["alpha"] = args.alpha
        args.preset = args.preset or DEFAULT_PRESET
        training = preset_training(args.preset, **overrides)
        name = args.preset
    try:
        training.set_example(args.example)
    except ValueError as exc:
        parser.error(f"--example: {exc}")
    try:
        for edge in args.freeze:
            training.set_frozen(*training.data.find_edge(edge))
    except KeyError as exc:
        parser.error(f"--freeze: {exc.args[0]}")
    try:
        training.set_as_printed(args.as_printed)
    except ValueError as exc:
        parser.error(f"--as-printed: {exc} (the presets multi-in-out and single are square)")
    if args.csv not in (None, "-"):
        try:
            check_writable(args.csv)
        except OSError as exc:
            parser.error(f"--csv: {describe_error(exc, args.csv)}")

    data = training.data
    work = args.iterations * (data.n_examples if args.mode == "batch" else 1) * data.n_inputs * data.n_outputs
    if args.iterations >= COMPILED_FROM or work >= COMPILED_FROM_WORK:  # the same numbers, bit for bit, faster
        from gdviz.core import compiled

        training.loops = compiled.loops() or training.loops
        if compiled.problem():
            print(f"gdviz: {compiled.problem()}", file=sys.stderr)
    run = _Run()
    pieces = _train_in_pieces(training, args.iterations, run)
    previous = signal.signal(signal.SIGTERM, _terminated)  # as Ctrl+C: the unfinished file removed
    try:
        if args.csv is not None:
            # this process has one thread, so formatting may fork a worker per core
            write_csv_pieces(args.csv, pieces, training.data.input_names, training.data.output_names,
                             expected_rows=args.iterations, workers=os.cpu_count() or 1)
        else:  # only the summary is kept: the records-only loops, in constant memory
            _train_records_only(training, args.iterations, run)
    except OSError as exc:
        print(f"gdviz: {describe_error(exc, args.csv or '-')}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, _Terminated) as stop:
        written = "; nothing was written" if args.csv not in (None, "-") else ""
        how = "stopped by SIGTERM" if isinstance(stop, _Terminated) else "interrupted"
        print(f"gdviz: {how} after {_plural(run.iterations, 'iteration')}{written}.", file=sys.stderr)
        return 128 + signal.SIGTERM if isinstance(stop, _Terminated) else 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    if run.iterations:
        printed = " with the update as printed" if training.as_printed else ""
        mode = f" in {training.mode} mode" if training.mode != "example" else ""
        summary = (f"{_plural(run.iterations, 'iteration')} of {name}{mode}{printed}, "
                   f"final total error {run.last_error!r}")
    elif args.iterations == 0:
        summary = f"no iterations of {name} (--iterations 0)"
    else:
        summary = f"no finite iteration of {name}"
    print(f"gdviz: {summary}, {run.seconds:.3f} s", file=sys.stderr)
    if alpha_note is not None:
        print(f"gdviz: {alpha_note}", file=sys.stderr)
    classified = accuracy(training.data, training.weights)
    if classified is not None:
        print(f"gdviz: {classified.text()}: the examples whose largest pred is their target's class, "
              "with the final weights", file=sys.stderr)
    bound = training.stable_alpha()
    if run.divergence:
        print(f"gdviz: {run.divergence.message()} The log keeps the "
              f"{_plural(run.iterations, 'finite iteration')}.", file=sys.stderr)
    elif math.isfinite(bound) and training.alpha > bound:
        print(f"gdviz: warning: {overshoot_text(training.alpha, bound, training.mode)[:-1]}: "
              "training diverges if it goes on.", file=sys.stderr)
    return 0


class _Terminated(Exception):
    """SIGTERM while training: ends the run as Ctrl+C does."""


def _terminated(_number, _frame):
    raise _Terminated


@dataclass
class _Run:
    """What the summary says about a run trained piece by piece."""

    iterations: int = 0
    last_error: float = 0.0
    divergence: Divergence | None = None
    seconds: float = 0.0  # training only, not writing


def piece_rows(training: Training) -> int:
    """Iterations trained (and then written) at a time: PIECE_BYTES of records."""
    data = training.data
    return max(MIN_PIECE_ROWS, PIECE_BYTES // IterationLog.bytes_per_record(data.n_inputs, data.n_outputs))


def _train_in_pieces(training: Training, iterations: int, run: _Run) -> Iterator[IterationLog]:
    """Train ``iterations`` iterations a piece at a time, handing over the training's log after
    each piece, then clearing it: memory holds one piece, however many iterations (a whole log of
    10,000,000,000 iterations would need terabytes). The numbers are those of one long run, bit
    for bit: a piece goes on from the weights and the starting errors where the last one ended."""
    log, rows, left = training.log, piece_rows(training), iterations
    while True:
        started = time.perf_counter()
        result = training.run(min(rows, left))
        run.seconds += time.perf_counter() - started
        run.iterations += result.iterations
        left -= result.iterations
        if log.count:
            run.last_error = float(log.error_total[-1])
        run.divergence = result.divergence
        yield log
        if result.divergence is not None or left <= 0:
            return
        log.clear(log.last_iteration + 1)


def _train_records_only(training: Training, iterations: int, run: _Run) -> None:
    """Train without writing anything: the loops that keep only each iteration's errors (the same
    numbers), a piece at a time, keeping the last total error for the summary."""
    left = iterations
    rows = piece_rows(training)
    while left > 0:
        started = time.perf_counter()
        result, batch = training.run_records(min(rows, left), 1 << 30, block=max(1024, rows // 8))
        run.seconds += time.perf_counter() - started
        run.iterations += result.iterations
        left -= result.iterations
        if batch.count:
            run.last_error = float(batch.error_total[-1])
        run.divergence = result.divergence
        if result.divergence is not None or result.iterations == 0:
            return


def _presets() -> int:
    width = max(map(len, PRESETS))
    for name, preset in PRESETS.items():
        print(f"{name:<{width}}  {preset.shape:<14}  alpha {preset.alpha:<5g} {preset.description}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        from gdviz.ui.app import run_app  # Qt only for the window

        return run_app(argv)
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "presets":
        return _presets()
    return _train(args, args.train_parser)
