"""The ``gdviz`` command.

    gdviz                         open the window on the book's example
    gdviz SESSION.json            open the window on a saved session
    gdviz presets                 list the presets
    gdviz train --preset NAME …   train without a display; write the iteration log as CSV

``gdviz train`` and ``gdviz presets`` never import Qt.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

from gdviz.core.csv_log import write_csv
from gdviz.core.files import check_writable, describe_error
from gdviz.core.presets import PRESETS
from gdviz.core.training import MODES, check_alpha

COMMANDS = ("train", "presets")


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


def _alpha(text: str) -> float:
    try:
        return check_alpha(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gdviz", description="Watch gradient descent generalise.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("presets", help="list the presets with their shapes")
    train = commands.add_parser(
        "train", help="train without a display and write the iteration log as CSV"
    )
    train.add_argument("--preset", default="multi-in-out", choices=list(PRESETS), metavar="NAME",
                       help=f"one of: {', '.join(PRESETS)} (default multi-in-out)")
    train.add_argument("--iterations", type=_count, required=True, metavar="N")
    train.add_argument("--alpha", type=_alpha, metavar="A", help="default: the preset's alpha")
    train.add_argument("--mode", choices=MODES, default="example")
    train.add_argument("--example", type=_count, default=0, metavar="K",
                       help="0-based example to train on in example mode (default 0)")
    train.add_argument("--freeze", action="append", default=[], metavar="INPUT->OUTPUT",
                       help="keep this weight fixed (repeatable), e.g. toes->win")
    train.add_argument("--csv", metavar="PATH", help="write the log here; - for standard output")
    train.set_defaults(train_parser=train)
    return parser  # subparsers are made of the same class, so their errors are one line too


def _train(args, parser) -> int:
    from gdviz.core.presets import preset_training

    overrides = {"mode": args.mode}
    if args.alpha is not None:
        overrides["alpha"] = args.alpha
    try:
        training = preset_training(args.preset, **overrides)
        training.set_example(args.example)
        for edge in args.freeze:
            training.set_frozen(*training.data.find_edge(edge))
    except KeyError as exc:
        parser.error(f"--freeze: {exc.args[0]}")
    except ValueError as exc:
        parser.error(f"--example: {exc}")
    if args.csv not in (None, "-"):
        try:
            check_writable(args.csv)
        except OSError as exc:
            parser.error(f"--csv: {describe_error(exc, args.csv)}")

    started = time.perf_counter()
    result = training.run(args.iterations)
    elapsed = time.perf_counter() - started
    log = training.log
    final = log.error_total[-1] if log.count else math.nan
    print(f"gdviz: {result.iterations} iterations of {args.preset}, final total error {float(final)!r}, "
          f"{elapsed:.3f} s", file=sys.stderr)
    if result.divergence:
        print(f"gdviz: {result.divergence.message()} The log keeps the {log.count} finite iterations.",
              file=sys.stderr)
    if args.csv is not None:
        try:
            # this process has one thread, so formatting may fork a worker per core
            write_csv(args.csv, log, training.data.input_names, training.data.output_names,
                      workers=os.cpu_count() or 1)
        except OSError as exc:
            print(f"gdviz: {describe_error(exc, args.csv)}", file=sys.stderr)
            return 1
    return 0


def _presets() -> int:
    width = max(map(len, PRESETS))
    for name, preset in PRESETS.items():
        print(f"{name:<{width}}  {preset.shape:<14}  alpha {preset.alpha:<5g} {preset.description}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        from gdviz.ui.app import run_app  # Qt only for the window

        return run_app(argv)
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "presets":
        return _presets()
    return _train(args, args.train_parser)
