"""The iteration log as CSV: one header row, then one row per iteration.

Columns, in order (``<in>`` and ``<out>`` are the input and output names)::

    iteration, example, alpha, in:<in>…, target:<out>…, pred:<out>…, delta:<out>…,
    error:<out>…, error_total, w:<in>-><out>…, wd:<in>-><out>…, as_printed

If training stopped by itself (it diverged), one last line starting with ``#`` says where and
why (always one line: see :func:`note_line`); readers that skip ``#`` comments (``read_csv`` here,
pandas with ``comment="#"``) ignore it.

``w:`` and ``wd:`` run row-major (for each output, each input); ``w:`` holds the weights before
that iteration's update and ``wd:`` its weight_deltas. ``example`` is the 0-based index of the
example used, empty in ``batch`` mode. ``as_printed`` is 1 where the update as printed in the
book (the transposed erratum) was used, 0 otherwise. Floats are written as Python's ``repr`` (the shortest
text that reads back as the same float), so reading the file back gives the exact numbers.
"""

from __future__ import annotations

import collections
import concurrent.futures
import csv
import io
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

import numpy as np
from numpy.typing import NDArray

from gdviz.core.dataset import check_names, edge_name
from gdviz.core.files import Cancelled, atomic_write
from gdviz.core.keyframes import KeyframedLog
from gdviz.core.log import NO_EXAMPLE, IterationLog

ROWS_PER_WRITE = 4096
PARALLEL_ROWS = 100_000  # logs longer than this are formatted by several processes


def header(input_names: Sequence[str], output_names: Sequence[str]) -> list[str]:
    edges = [edge_name(i, o) for o in output_names for i in input_names]
    return [
        "iteration", "example", "alpha",
        *(f"in:{i}" for i in input_names),
        *(f"{kind}:{o}" for kind in ("target", "pred", "delta", "error") for o in output_names),
        "error_total",
        *(f"w:{e}" for e in edges),
        *(f"wd:{e}" for e in edges),
        "as_printed",
    ]


def csv_line(cells: Sequence[str]) -> str:
    """One CSV row, ending in a newline, with the cells that need it quoted as the csv module
    quotes them (a name may hold a comma, a quote or a line break)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(cells)
    return text.getvalue()


def _float_block(log: IterationLog, start: int, stop: int) -> np.ndarray:
    """Rows ``start``…``stop - 1`` as one float array, columns from alpha to the last wd."""
    rows = stop - start
    return np.hstack([
        log.alpha[start:stop, None],
        log.inputs[start:stop],
        log.targets[start:stop],
        log.pred[start:stop],
        log.delta[start:stop],
        log.error[start:stop],
        log.error_total[start:stop, None],
        log.weights[start:stop].reshape(rows, -1),
        log.weight_deltas[start:stop].reshape(rows, -1),
    ])


def _float_texts(values: np.ndarray) -> np.ndarray:
    """Each float's ``repr``, as an object array of the same shape.

    A float's shortest ``repr`` costs half a microsecond to a microsecond, and a log repeats itself: alpha,
    inputs and targets change only with the example, and once training has converged the weights,
    predictions and errors settle on a few values. So each distinct value (by its bits, so that
    ``-0.0`` stays apart from ``0.0``) is formatted once per block. A column that holds one value
    all through the block (most of them, once training has converged) is filled from its first
    row; the others are sorted into their distinct values (sorting was half the cost of a block).
    """
    bits = np.ascontiguousarray(values).view(np.uint64)
    texts = np.empty(values.shape, dtype=object)
    if values.size == 0:
        return texts
    constant = (bits == bits[0]).all(axis=0)
    for column in np.flatnonzero(constant).tolist():
        texts[:, column] = repr(float(values[0, column]))
    varying = np.flatnonzero(~constant)
    if varying.size:
        distinct, where = np.unique(bits[:, varying], return_inverse=True)
        formatted = np.array([repr(value) for value in distinct.view(np.float64).tolist()], dtype=object)
        texts[:, varying] = formatted[where.reshape(len(values), varying.size)]
    return texts


def _format_rows(first_iteration: int, examples: np.ndarray, values: np.ndarray,
                 as_printed: np.ndarray | None = None) -> str:
    """CSV rows for a block: iteration, example, every float as its ``repr``, then as_printed.

    The block's pieces (texts, commas, newlines) go into one array and are joined once: a Python
    list per row would make the garbage collector run full collections (~80 ms, holding the GIL
    and so the window) every second or so while a long log is written.
    """
    rows, columns = values.shape
    pieces = np.empty((rows, 2 * columns + 2), dtype=object)  # prefix , value , value … value suffix
    pieces[:, 0] = [f"{first_iteration + k},{'' if example == NO_EXAMPLE else example}"
                    for k, example in enumerate(examples.tolist())]
    pieces[:, 1:-1:2] = ","
    pieces[:, 2:-1:2] = _float_texts(values)
    printed = np.zeros(rows, bool) if as_printed is None else as_printed
    pieces[:, -1] = np.where(printed, ",1\n", ",0\n")
    return "".join(pieces.ravel().tolist())


def _blocks(log: IterationLog | KeyframedLog,
            rows_per_chunk: int) -> Iterator[tuple[int, NDArray[np.int32], np.ndarray, NDArray[np.bool_]]]:
    """Each chunk of rows, read through ``log.records`` (a keyframed log rebuilds them by replay)."""
    for start in range(0, log.count, rows_per_chunk):
        stop = min(start + rows_per_chunk, log.count)
        part = log.records(start, stop)
        yield (log.first_iteration + start, part.example.copy(), _float_block(part, 0, part.count),
               part.as_printed.copy())


def note_line(note: str) -> str:
    """The ``#`` line that ends the CSV of a run that stopped by itself: always one line, whatever
    the note holds (a note read from a session file may hold line breaks: each would start a row)."""
    return f"# {' '.join(note.splitlines())}\n"


def iter_lines(log: IterationLog | KeyframedLog, input_names: Sequence[str], output_names: Sequence[str],
               rows_per_chunk: int = ROWS_PER_WRITE, workers: int = 1) -> Iterator[str]:
    """The CSV text in chunks of ``rows_per_chunk`` rows (the header first), in order.

    Each distinct value of a block is formatted once (see :func:`_float_texts`), which makes a
    converged log quick to write; a log whose values never repeat costs up to a microsecond a
    float. So with ``workers`` > 1 a log of more than :data:`PARALLEL_ROWS` rows is formatted by
    that many forked processes, a few blocks ahead of the writer at most (memory stays bounded).
    Forking is safe only in a process with a single thread, such as ``gdviz train``; the window
    writes with one.
    """
    return stream_lines([log], input_names, output_names, log.count, rows_per_chunk, workers)


def stream_lines(logs: Iterable[IterationLog | KeyframedLog], input_names: Sequence[str], output_names: Sequence[str],
                 expected_rows: int, rows_per_chunk: int = ROWS_PER_WRITE, workers: int = 1) -> Iterator[str]:
    """The CSV text of consecutive pieces of one log, as :func:`iter_lines` writes the whole log:
    the same bytes, in constant memory.

    ``logs`` may hand over the same log again and again, cleared and refilled in between
    (``gdviz train`` trains a piece, writes it, forgets it): a piece is read whole, copied block by
    block, before the next one is asked for. The last piece's note ends the text.
    ``expected_rows``: how many rows in all (workers are forked only for more than
    :data:`PARALLEL_ROWS`).
    """
    yield csv_line(header(input_names, output_names))
    notes: list[str | None] = []
    parallel = expected_rows > PARALLEL_ROWS and workers > 1
    yield from _row_texts(_blocks_of(logs, rows_per_chunk, notes), parallel, workers)
    if notes and notes[-1]:
        yield note_line(notes[-1])


def _blocks_of(logs: Iterable[IterationLog | KeyframedLog], rows_per_chunk: int,
               notes: list[str | None]) -> Iterator[tuple[int, NDArray[np.int32], np.ndarray, NDArray[np.bool_]]]:
    for log in logs:
        yield from _blocks(log, rows_per_chunk)
        notes.append(log.note)  # read now: the next piece may clear it


def _row_texts(blocks: Iterator[tuple[int, NDArray[np.int32], np.ndarray, NDArray[np.bool_]]],
               parallel: bool, workers: int) -> Iterator[str]:
    if not parallel or "fork" not in multiprocessing.get_all_start_methods():
        for block in blocks:
            yield _format_rows(*block)
        return
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: collections.deque[concurrent.futures.Future[str]] = collections.deque()
        for block in blocks:
            pending.append(pool.submit(_format_rows, *block))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def write_csv_to(stream: IO[str], log: IterationLog | KeyframedLog, input_names: Sequence[str],
                 output_names: Sequence[str], progress: Callable[[int], bool] | None = None, workers: int = 1) -> None:
    """Stream the CSV to ``stream``. ``progress(rows_written)`` is called after each block;
    when it returns False, writing stops with :class:`~gdviz.core.files.Cancelled`."""
    lines = stream_lines([log], input_names, output_names, log.count, workers=workers)
    for block, text in enumerate(lines):  # block 0: the header
        stream.write(text)
        if progress is not None and progress(min(log.count, block * ROWS_PER_WRITE)) is False:
            raise Cancelled("export cancelled")


def write_csv(path: str | os.PathLike[str], log: IterationLog | KeyframedLog, input_names: Sequence[str],
              output_names: Sequence[str], progress: Callable[[int], bool] | None = None, workers: int = 1) -> None:
    """Write the log to ``path`` atomically (``-`` writes to standard output).

    Raises OSError on failure (or Cancelled when ``progress`` says stop), leaving no
    partial file under ``path``. ``workers``: see :func:`iter_lines`.
    """
    if str(path) == "-":
        write_csv_to(sys.stdout, log, input_names, output_names, progress, workers)
        sys.stdout.flush()
        return
    with atomic_write(path, "w", newline="", encoding="utf-8") as file:
        write_csv_to(file, log, input_names, output_names, progress, workers)


def write_csv_pieces(path: str | os.PathLike[str], logs: Iterable[IterationLog], input_names: Sequence[str],
                     output_names: Sequence[str], expected_rows: int, workers: int = 1,
                     progress: Callable[[int], bool] | None = None) -> None:
    """Write consecutive pieces of one log as :func:`write_csv` writes the whole log (see
    :func:`stream_lines`): what ``gdviz train`` does while it trains, so that its memory stays
    the same however many iterations it runs, and what an export does with a log whose records
    are rebuilt a piece at a time. ``progress(rows_written)``: as for :func:`write_csv_to`."""
    lines = stream_lines(logs, input_names, output_names, expected_rows, workers=workers)

    def write(stream: IO[str]) -> None:
        rows = -1  # the header is not a row
        for text in lines:
            stream.write(text)
            if progress is not None:
                rows += text.count("\n")
                if progress(max(rows, 0)) is False:
                    raise Cancelled("export cancelled")

    if str(path) == "-":
        write(sys.stdout)
        sys.stdout.flush()
        return
    with atomic_write(path, "w", newline="", encoding="utf-8") as file:
        write(file)


class CsvFormatError(ValueError):
    """The file is not an iteration log as gdviz writes it."""


def _names_from_header(columns: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    inputs = tuple(c[3:] for c in columns if c.startswith("in:"))
    outputs = tuple(c[7:] for c in columns if c.startswith("target:"))
    try:
        check_names(inputs, "input")
        check_names(outputs, "output")
    except ValueError as exc:
        raise CsvFormatError(f"line 1: {exc}") from None
    expected = header(inputs, outputs)
    if columns != expected:
        wrong = next((k for k, (a, b) in enumerate(zip(columns, expected)) if a != b), None)
        if wrong is None:
            raise CsvFormatError(f"line 1: expected {len(expected)} columns, found {len(columns)}")
        raise CsvFormatError(f"line 1: column {wrong + 1} should be {expected[wrong]!r}, not {columns[wrong]!r}")
    return inputs, outputs


def read_csv(path: str | os.PathLike[str]) -> tuple[IterationLog, tuple[str, ...], tuple[str, ...]]:
    """Read a file written by :func:`write_csv`: ``(log, input_names, output_names)``.

    Raises CsvFormatError naming the first line that does not fit.
    """
    with open(path, encoding="utf-8", newline="") as file:
        first = next(csv.reader(file), None)  # the header may quote names over several lines
        if not first or not any(cell.strip() for cell in first):
            raise CsvFormatError("line 1: the file is empty; expected the header row")
        inputs, outputs = _names_from_header(first)
        n, m = len(inputs), len(outputs)
        width = 5 + n + 4 * m + 2 * n * m
        examples, iterations, values, printed = [], [], [], []
        note = None
        for line_number, line in enumerate(file, start=2):
            if not line.strip():
                continue
            if line.startswith("#"):
                note = line[1:].strip()
                continue
            cells = line.rstrip("\r\n").split(",")
            if len(cells) != width:
                raise CsvFormatError(f"line {line_number}: expected {width} values, found {len(cells)}")
            try:
                iterations.append(int(cells[0]))
                examples.append(NO_EXAMPLE if cells[1] == "" else int(cells[1]))
                values.append([float(c) for c in cells[2:-1]])
            except ValueError as exc:
                raise CsvFormatError(f"line {line_number}: {exc}") from None
            if cells[-1] not in ("0", "1"):
                raise CsvFormatError(f"line {line_number}: as_printed must be 0 or 1, not {cells[-1]!r}")
            printed.append(cells[-1] == "1")
            if len(iterations) > 1 and iterations[-1] != iterations[-2] + 1:
                raise CsvFormatError(
                    f"line {line_number}: iteration {iterations[-1]} does not follow {iterations[-2]}"
                )
    log = IterationLog(n, m, max(len(values), 1), iterations[0] if iterations else 1)
    if values:
        table = np.array(values, dtype=np.float64)
        columns = np.cumsum([0, 1, n, m, m, m, m, 1, n * m, n * m])
        parts = [table[:, a:b] for a, b in zip(columns[:-1], columns[1:])]
        count = len(values)
        for name, part in zip(
            ["alpha", "inputs", "targets", "pred", "delta", "error", "error_total",
             "weights", "weight_deltas"], parts,
        ):
            target = log.storage(name)[:count]
            target[...] = part.reshape(target.shape)
        log.storage("example")[:count] = examples
        log.storage("as_printed")[:count] = printed
        log.count = count
    log.note = note
    return log, inputs, outputs
