"""A learner's own data from a CSV or TSV file, and back.

What a spreadsheet writes is read: comma, semicolon or tab separated; decimal point, or decimal
comma (the European export: ``;`` with ``1,5``); a header row of names; UTF-8 with or without a
byte-order mark; Windows or Unix line ends; names quoted as the csv module quotes them.

The learner picks which columns are inputs, which are targets, and at most one column of class
labels, expanded into one output per class (one-hot) named by the class values in the order they
first appear.

Anything that does not fit raises :class:`DataImportError`, whose message names the row (as a
spreadsheet numbers it: the header is row 1) and the column; nothing is half-read.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gdviz.core.dataset import MAX_INPUTS, MAX_OUTPUTS, DataSet, check_name
from gdviz.core.files import Cancelled

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
MAX_EXAMPLES = 100_000
"""The most examples a data set may have (point 6 of issue 21)."""
PREVIEW_ROWS = 20
FAST_FROM = 1 << 20
"""Files of more characters than this are first read the fast way (:func:`_plain_numbers`)."""
SNIFFED = 200_000  # characters after the header that sniff reads for a decimal comma

Progress = Callable[[int], bool]
"""Called with a percentage (0-100); returns False to cancel (the import then raises Cancelled)."""


class DataImportError(ValueError):
    """The file cannot become a data set; the message says where (row and column) and why."""


ImportCancelled = Cancelled
"""The learner cancelled the import (what every background job raises then)."""
READ_BLOCK = 1 << 22
DECODE_BLOCK = 1 << 22
"""Bytes decoded at a time: ~2 ms each, the GIL let go between them."""


@dataclass(frozen=True)
class Dialect:
    separator: str  # ",", ";" or "\t"
    decimal_comma: bool

    def describe(self) -> str:
        decimal = "decimal comma" if self.decimal_comma else "decimal point"
        return f"{SEPARATORS[self.separator]} separated, {decimal}"


@dataclass(frozen=True)
class Preview:
    """The first rows of a file, for the import dialog."""

    names: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    dialect: Dialect
    numeric: tuple[bool, ...]  # per column: every previewed cell reads as a number


@dataclass(frozen=True)
class Imported:
    data: DataSet
    one_hot: str | None  # the class column the outputs came from, if any
    dialect: Dialect


def read_text(path: str | os.PathLike[str], progress: Progress | None = None, limit: int | None = None) -> str:
    """The file's text (UTF-8, with or without a byte-order mark), or DataImportError if it is not
    text. ``progress`` hears 0 to 20 (%) as it is read; ``limit``: read only the first bytes (for
    a preview; a row cut in two at the end is dropped). The text joined from :func:`read_pieces`:
    the join holds the GIL (~60-75 ms for 110 MB, nearly all of it the kernel handing over fresh
    pages), so the window's import reads the pieces."""
    return "".join(read_pieces(path, progress, limit))


def read_pieces(path: str | os.PathLike[str], progress: Progress | None = None,
                limit: int | None = None) -> list[str]:
    """:func:`read_text`'s text in pieces (of :data:`DECODE_BLOCK` bytes each), which
    :func:`load_data` takes as they are. Nothing holds the GIL for long (the window keeps
    drawing): the file is read a block at a time into a buffer that is not zero-filled first
    (``bytearray(size)`` zero-filled 110 MB in 58 ms), and decoded a block at a time
    (:func:`decode_blocks`; the whole at once held it 61 ms)."""
    size = os.path.getsize(path)
    want = size if limit is None else min(size, limit)
    buffer = np.empty(want, np.uint8)
    with buffer.data as view, open(path, "rb") as file:
        done = 0
        while done < want:
            got = file.readinto(view[done:done + READ_BLOCK])
            if not got:
                break
            done += got
            _report(progress, 20 * done // max(want, 1))
    raw = buffer[:done]
    if limit is not None and done >= limit:
        raw = raw[:_after_last_line_end(raw)]  # whole rows only
    return decode_blocks(raw)


def _after_last_line_end(raw: NDArray[np.uint8]) -> int:
    """Where the bytes after the last line end start (the end when there is no line end)."""
    end = raw.size
    while end > 0:
        start = max(end - READ_BLOCK, 0)
        line_ends = np.flatnonzero(raw[start:end] == ord("\n"))
        if line_ends.size:
            return start + int(line_ends[-1]) + 1
        end = start
    return raw.size


def decode_blocks(raw: NDArray[np.uint8]) -> list[str]:
    """:func:`decode` of ``raw`` a block at a time (the GIL is let go between blocks): the same
    text in pieces, and the same refusals (a file that is refused is handed to :func:`decode` whole)."""
    if raw.size <= DECODE_BLOCK:
        return [decode(raw.tobytes())]  # (also: a file of a cut byte-order mark is refused, as decode does)
    blocks = range(0, raw.size, DECODE_BLOCK)
    if any(np.count_nonzero(raw[start:start + DECODE_BLOCK] == 0) for start in blocks):
        decode(raw.tobytes())  # raises, naming the row of the first zero byte
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pieces = []
    try:
        with raw.data as view:
            for start in blocks:
                pieces.append(decoder.decode(view[start:start + DECODE_BLOCK]))
            pieces.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        decode(raw.tobytes())  # raises, naming the row of the first byte that is not UTF-8
        raise
    return [piece for piece in pieces if piece]


def decode(raw: bytes | bytearray) -> str:
    zero = raw.find(b"\0")
    if zero >= 0:
        row = raw.count(b"\n", 0, zero) + 1
        raise DataImportError(f"row {row}: the file is not text "
                              f"(it holds a zero byte at byte {zero + 1:,}); export the data as CSV")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = exc.start + (len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0)  # (counted after the mark)
        row = raw.count(b"\n", 0, at) + 1
        raise DataImportError(f"row {row}: the file is not UTF-8 text (byte {at + 1:,} "
                              f"is {raw[at]:#04x}); save it as CSV UTF-8") from None


def sniff(text: str) -> Dialect:
    """The separator is the one of tab, semicolon, comma found most often in the header row
    (outside quotes); the decimal comma is used when the separator is not a comma and a number
    in the data is written with a comma."""
    header = _first_record(text)
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {sep: outside.count(sep) for sep in ("\t", ";", ",")}
    separator = max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","
    body = text[len(header):len(header) + SNIFFED]
    decimal_comma = separator != "," and re.search(r"(^|[\t;])\s*[-+]?\d*,\d+\s*(?=[\t;\r\n]|$)",
                                                   body, re.MULTILINE) is not None
    return Dialect(separator, decimal_comma)


def _first_record(text: str) -> str:
    """The header row's text (a quoted name may hold a line break)."""
    quoted, k = False, 0
    while k < len(text):
        char = text[k]
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:k]
        k += 1
    return text


def _records(text: str, dialect: Dialect, progress: Progress | None = None
             ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows, each with its row number (the header is row 1); blank rows
    are skipped. ``progress`` hears 20 to 50 (%)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.separator, quotechar='"')
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    lines = max(text.count("\n"), 1) if progress is not None else 1
    for cells in reader:
        if header is None:
            header = cells
        elif cells and any(cell.strip() for cell in cells):
            rows.append((reader.line_num, cells))
            if progress is not None and not len(rows) % 1000:
                _report(progress, 20 + 30 * reader.line_num // lines)
    return header or [], rows


def check_header(header: Sequence[str]) -> tuple[str, ...]:
    """The header's names, without the spaces around them (``toes, win``); DataImportError if
    a name is blank or repeated, or there is a single column."""
    names = [name.strip() for name in header]
    if not names or not any(name.strip() for name in names):
        raise DataImportError("row 1: the file is empty; expected a header row of names")
    if len(names) < 2:
        raise DataImportError(f"row 1: the file has a single column ({names[0]!r}); a data set needs "
                              "at least an input column and a target column (is the separator a comma, "
                              "a semicolon or a tab?)")
    seen: dict[str, int] = {}
    for column, name in enumerate(names, start=1):
        if not name:
            raise DataImportError(f"row 1, column {column}: the column has no name; every column "
                                  "needs a name in the header row")
        if name in seen:
            raise DataImportError(f"row 1, column {column}: the name {name!r} is also column {seen[name]}; "
                                  "every column needs its own name")
        seen[name] = column
    return tuple(names)


def preview(text: str, rows: int = PREVIEW_ROWS) -> Preview:
    """The header and the first ``rows`` rows, split as the whole file will be."""
    dialect = sniff(text)
    head_end = 0
    for _ in range(rows + 1):  # enough text for the header and ``rows`` rows (quoted breaks aside)
        found = text.find("\n", head_end)
        if found < 0:
            head_end = len(text)
            break
        head_end = found + 1
    header, records = _records(text[:head_end], dialect)
    names = check_header(header)
    cells = tuple(tuple(row) for _, row in records[:rows])
    numeric = tuple(
        all(_number(row[c], dialect) is not None for row in cells if c < len(row)) and bool(cells)
        for c in range(len(names)))
    return Preview(names, cells, dialect, numeric)


def _number(cell: str, dialect: Dialect) -> float | None:
    text = cell.strip()
    if dialect.decimal_comma:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def load_data(text: str | Sequence[str], inputs: Sequence[str], targets: Sequence[str] = (),
              one_hot: str | None = None, progress: Progress | None = None,
              image: tuple[int, int] | None = None) -> Imported:
    """The data set of ``text`` (a CSV or TSV file's text, or its pieces as :func:`read_pieces`
    gives them: a big plain file is read from them as they are) with these input and target
    columns, or these inputs and one output per class of the ``one_hot`` column; ``image``: the
    inputs are the pixels, row by row, of an image of (rows, columns).

    Raises DataImportError naming the row and column of the first thing that does not fit,
    ImportCancelled when ``progress`` returns False."""
    pieces = [text] if isinstance(text, str) else [piece for piece in text if piece]
    pieces, head, first = _head(pieces)
    dialect = sniff(head)
    header_records = _records(first, dialect)[0]
    names = check_header(header_records)
    big = bool(pieces) and sum(map(len, pieces)) > FAST_FROM
    lines = _plain_lines(pieces, len(first), dialect, len(names)) if big else None
    fast = _plain_numbers(lines, dialect, len(names), progress, 20, 80) if lines is not None else None
    numeric = [names.index(name) for name in (*inputs, *targets) if name in names]
    table = None
    if fast is not None and not fast[1][:, numeric].any():
        table = fast[0]  # a big plain file: the fast way, the same numbers
    records: list[tuple[int, list[str]]]
    if lines is not None and table is not None:
        records = [(k + 2, []) for k in range(len(lines))]
    else:
        header, records = _records("".join(pieces), dialect, progress)
        table = None
    _report(progress, 50)
    inputs, targets = tuple(inputs), tuple(targets)
    if not inputs:
        raise DataImportError("choose at least one input column")
    if one_hot is None and not targets:
        raise DataImportError("choose at least one target column, or a column of class labels")
    if one_hot is not None and targets:
        raise DataImportError("choose target columns or a column of class labels, not both")
    chosen = (*inputs, *targets, *([one_hot] if one_hot is not None else []))
    for name in chosen:
        if name not in names:
            raise DataImportError(f"row 1: no column named {name!r}; the columns are "
                                  f"{', '.join(map(repr, names))}")
    for name in chosen:
        try:
            check_name(name, "column")
        except ValueError as exc:
            raise DataImportError(f"row 1, column {names.index(name) + 1}: {exc}") from None
    twice = next((name for k, name in enumerate(chosen) if name in chosen[:k]), None)
    if twice is not None:
        raise DataImportError(f"row 1: column {twice!r} is chosen twice; a column is an input, "
                              "a target or the class column")
    if len(inputs) > MAX_INPUTS:
        raise DataImportError(f"row 1: {len(inputs):,} input columns; a data set has 1 to {MAX_INPUTS:,}")
    if len(targets) > MAX_OUTPUTS:
        raise DataImportError(f"row 1: {len(targets):,} target columns; a data set has 1 to {MAX_OUTPUTS}")
    if not records:
        raise DataImportError("row 2: the file has a header but no data rows")
    if len(records) > MAX_EXAMPLES:
        raise DataImportError(f"row {records[MAX_EXAMPLES][0]}: the file has {len(records):,} data rows; "
                              f"a data set has at most {MAX_EXAMPLES:,} examples")
    width = len(names)
    for row, cells in records if table is None else ():
        if len(cells) != width:
            raise DataImportError(f"row {row}: {len(cells)} cells where the header has {width} "
                                  "columns (a ragged row)")
    _report(progress, 55)
    index = {name: column for column, name in enumerate(names)}
    if table is not None:
        x = _columns(table, [index[name] for name in inputs])
    else:
        x = _numbers(records, [index[name] for name in inputs], names, dialect, progress, 55, 85)
    if one_hot is not None:
        column = index[one_hot]
        if table is not None and lines is not None:
            labels = [_cell_of(line, dialect.separator, column, width).strip() for line in lines]
        else:
            labels = [cells[column].strip() for _, cells in records]
        classes = list(dict.fromkeys(labels))  # in the order they first appear
        for (row, _), label in zip(records, labels):
            if not label:
                raise DataImportError(f"row {row}, column {one_hot!r}: the class label is empty")
        if len(classes) > MAX_OUTPUTS:
            row = records[labels.index(classes[MAX_OUTPUTS])][0]
            raise DataImportError(f"row {row}, column {one_hot!r}: class {classes[MAX_OUTPUTS]!r} is "
                                  f"class number {MAX_OUTPUTS + 1}; a class column holds at most "
                                  f"{MAX_OUTPUTS} classes ({len(classes)} here)")
        for label in classes:
            try:
                check_name(label, "class")
            except ValueError as exc:
                row = records[labels.index(label)][0]
                raise DataImportError(f"row {row}, column {one_hot!r}: {exc}") from None
            if label in inputs:
                row = records[labels.index(label)][0]
                raise DataImportError(f"row {row}, column {one_hot!r}: class {label!r} has the name "
                                      "of an input column; outputs and inputs need different names")
        number = {label: k for k, label in enumerate(classes)}
        y = np.zeros((len(records), len(classes)))
        y[np.arange(len(records)), [number[label] for label in labels]] = 1.0
        output_names: tuple[str, ...] = tuple(classes)
    elif table is not None:
        y = _columns(table, [index[name] for name in targets])
    else:
        y = _numbers(records, [index[name] for name in targets], names, dialect, progress, 85, 95)
        output_names = targets
    _report(progress, 98)
    try:
        data = DataSet(inputs, output_names, x, y, one_hot, image)
    except ValueError as exc:
        raise DataImportError(str(exc)) from None
    _report(progress, 100)
    data.input_range  # noqa: B018 - worked out here, on the import's thread, not when a view first asks
    return Imported(data, one_hot, dialect)


FAST_LINES = 2000  # lines parsed at a time by _plain_numbers (a few MB of temporaries)
MAX_PLAIN = 40  # the longest cell the fast way reads


def _head(pieces: list[str]) -> tuple[list[str], str, str]:
    """``(pieces, head, header)``: the head is the text's start, the header row and at least
    :data:`SNIFFED` characters after it where the text has them (what :func:`sniff` reads), the
    first piece with the next ones while it is short. When the header's line end is not in the
    first piece (a header longer than a piece, a stray quote that never closes), the pieces are
    joined into one first, once."""
    if not pieces:
        return pieces, "", ""
    header = _first_record(pieces[0])
    if len(pieces) > 1 and len(header) + 2 > len(pieces[0]):
        pieces = ["".join(pieces)]
        header = _first_record(pieces[0])
    head, count = pieces[0], 1
    while count < len(pieces) and len(head) < len(header) + SNIFFED + 1:
        head += pieces[count]
        count += 1
    return pieces, head, header


def _plain_lines(pieces: Sequence[str], header: int, dialect: Dialect, width: int) -> list[str] | None:
    """The data lines (after the ``header`` characters of the header row), if every one is plain
    (no quote, no blank line but at the end, ``width`` cells); else None. Found a line at a time
    in each piece: no copy of the whole text holds the GIL."""
    if pieces[0].find('"', header) >= 0 or any('"' in piece for piece in pieces[1:]):
        return None
    separators, separator = width - 1, dialect.separator
    start = header + (2 if pieces[0].startswith("\r\n", header) else 1)
    lines: list[str] = []
    ended = False  # a blank line came: only blank ones may follow
    for line in _lines_of(pieces, start):
        if line.endswith("\r"):
            line = line[:-1]
        if ended or not line:
            ended = True
            if line.strip():
                return None
            continue
        if line.count(separator) != separators:
            return None
        lines.append(line)
    return lines or None


def _lines_of(pieces: Sequence[str], start: int) -> Iterator[str]:
    """Each line of the pieces' text from ``start`` (in the first piece), without its line end;
    a line may run over from one piece into the next. The last is what follows the last line end
    ("" when the text ends with one)."""
    carry = ""
    for k, piece in enumerate(pieces):
        position = start if k == 0 else 0
        if carry:
            end = piece.find("\n", position)
            if end < 0:
                carry += piece[position:]
                continue
            yield carry + piece[position:end]
            carry, position = "", end + 1
        while True:
            end = piece.find("\n", position)
            if end < 0:
                carry = piece[position:]
                break
            yield piece[position:end]
            position = end + 1
    yield carry


def _plain_numbers(lines: list[str], dialect: Dialect, width: int, progress: Progress | None, start: int,
                   stop: int) -> tuple[NDArray[np.float64], NDArray[np.bool_]] | None:
    """Every cell of ``lines`` read as a number with numpy, a column of bytes at a time (the GIL
    let go), and which cells are not plain decimals (an optional sign, 1 to 15 digits, at most one
    decimal point or comma, no exponent, no space): those are for the cell-by-cell reading to
    read or refuse. None if the lines are not ASCII or hold a cell over MAX_PLAIN characters.

    Exact: the digits make an integer below 2**53 (each step exact), and dividing it by an exact
    power of ten rounds once, correctly (Clinger's fast path), so each cell is the float
    ``float()`` reads."""
    sep, point = ord(dialect.separator), ord("," if dialect.decimal_comma else ".")
    values, bad = np.empty((len(lines), width)), np.empty((len(lines), width), dtype=bool)
    powers = 10.0 ** np.arange(23)
    for first in range(0, len(lines), FAST_LINES):
        chunk = lines[first:first + FAST_LINES]
        try:
            raw = np.frombuffer((dialect.separator.join(chunk) + dialect.separator).encode("ascii"), np.uint8)
        except UnicodeEncodeError:
            return None
        ends = np.flatnonzero(raw == sep)
        if len(ends) != len(chunk) * width:
            return None
        starts = np.empty_like(ends)
        starts[0], starts[1:] = 0, ends[:-1] + 1
        longest = int((ends - starts).max())
        if longest > MAX_PLAIN:
            return None
        mantissa = np.zeros(len(ends))
        digits = np.zeros(len(ends), dtype=np.int8)
        fraction = np.zeros(len(ends), dtype=np.int8)
        points = np.zeros(len(ends), dtype=np.int8)
        wrong = ends == starts  # an empty cell
        for j in range(longest):  # the cells right-aligned: their j-th byte from the left of the longest
            at = ends - longest + j
            inside = at >= starts
            byte = raw[np.maximum(at, 0)]
            is_digit = inside & (byte >= 48) & (byte <= 57)
            mantissa = np.where(is_digit, mantissa * 10.0 + (byte.astype(np.float64) - 48.0), mantissa)
            digits += is_digit
            fraction += is_digit & (points > 0)
            is_point = inside & (byte == point)
            points += is_point
            sign = (at == starts) & ((byte == 45) | (byte == 43))
            wrong |= inside & ~is_digit & ~is_point & ~sign
        wrong |= (digits < 1) | (digits > 15) | (points > 1)
        cells = mantissa / powers[fraction]
        cells[raw[starts] == 45] *= -1.0
        values[first:first + len(chunk)] = cells.reshape(len(chunk), width)
        bad[first:first + len(chunk)] = wrong.reshape(len(chunk), width)
        _report(progress, start + (stop - start) * (first + len(chunk)) // len(lines))
    return values, bad


def _columns(table: NDArray[np.float64], columns: list[int]) -> NDArray[np.float64]:
    """These columns of ``table``: a view when they are side by side (DataSet copies it anyway)."""
    if columns == list(range(columns[0], columns[0] + len(columns))):
        return table[:, columns[0]:columns[0] + len(columns)]
    return table[:, columns]


def _cell_of(line: str, separator: str, column: int, width: int) -> str:
    """One cell of a plain line, splitting only as far as it needs."""
    if column < width // 2:
        return line.split(separator, column + 1)[column]
    return line.rsplit(separator, width - column)[-(width - column)]


def _report(progress: Progress | None, percent: int) -> None:
    if progress is not None and progress(percent) is False:
        raise ImportCancelled


def _numbers(records: list[tuple[int, list[str]]], columns: list[int], names: Sequence[str], dialect: Dialect,
             progress: Progress | None, start: int, stop: int) -> NDArray[np.float64]:
    """The chosen columns as a K × len(columns) float array; DataImportError at the first cell
    that is empty, not a number, NaN or infinite."""
    out = np.empty((len(records), len(columns)))
    step = max(1, len(records) // 20)
    for first in range(0, len(records), step):
        block = records[first:first + step]
        cells = [[cells[c] for c in columns] for _, cells in block]
        if dialect.decimal_comma:
            cells = [[cell.replace(",", ".") for cell in row] for row in cells]
        try:
            values = np.array(cells, dtype=np.float64)
        except ValueError:
            values = None
        if values is None or not np.all(np.isfinite(values)):
            _find_bad_cell(block, columns, names, dialect)
        out[first:first + len(block)] = values
        _report(progress, start + (stop - start) * (first + len(block)) // len(records))
    return out


def _find_bad_cell(block: list[tuple[int, list[str]]], columns: list[int], names: Sequence[str],
                   dialect: Dialect) -> None:
    for row, cells in block:
        for column in columns:
            cell = cells[column]
            where = f"row {row}, column {names[column]!r}"
            if not cell.strip():
                raise DataImportError(f"{where}: the cell is empty; every input and target needs a number")
            value = _number(cell, dialect)
            if value is None:
                raise DataImportError(f"{where}: {cell!r} is not a number")
            if not math.isfinite(value):
                raise DataImportError(f"{where}: {cell.strip()!r} is not a finite number (no NaN or infinity)")
    raise DataImportError("a cell is not a number")  # not reached: numpy and float() agree


def data_csv(data: DataSet) -> str:
    """The data set as CSV text: the input names then the output names, one row per example;
    numbers as Python's repr (they read back exactly), names quoted where they need it.

    A data set whose outputs are the classes of a column (:attr:`DataSet.one_hot`) and whose
    targets are still one-hot gets that column back: its class names, one per example, in the
    column's own name (importing it with that column as the class labels gives the same data
    set, classes in the same order)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    classes = class_labels(data)
    writer.writerow((*data.input_names, *(data.output_names if classes is None else [data.one_hot])))
    for k, x in enumerate(data.inputs.tolist()):
        writer.writerow([*(repr(v) for v in x), *([repr(v) for v in data.targets[k].tolist()] if classes is None
                                                   else [classes[k]])])
    return text.getvalue()


def class_labels(data: DataSet) -> list[str] | None:
    """Each example's class, if the data set came from a class column and its targets are still
    one-hot with every class used, in an order where each class first appears before the next
    (so the classes read back in the same order); else None."""
    targets = data.targets
    if data.one_hot is None or not (np.isin(targets, (0.0, 1.0)).all() and (targets.sum(axis=1) == 1).all()):
        return None
    index = targets.argmax(axis=1)
    first = [int(np.argmax(index == c)) if (index == c).any() else -1 for c in range(data.n_outputs)]
    if -1 in first or first != sorted(first):
        return None
    return [data.output_names[c] for c in index.tolist()]


def column_list(text: str) -> list[str]:
    """``A,B,…`` as given on the command line: names separated by commas, a name holding a comma
    in double quotes (``"height, cm",toes``)."""
    return [name.strip() for name in next(csv.reader([text]), [])]


def import_file(path: str | os.PathLike[str], inputs: str, targets: str | None, one_hot: str | None,
                progress: Progress | None = None, image: tuple[int, int] | None = None) -> Imported:
    """:func:`load_data` on a file with the columns as the command line names them;
    DataImportError if it cannot be read."""
    try:
        text = read_pieces(path, progress)
    except OSError as exc:
        raise DataImportError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from None
    return load_data(text, column_list(inputs), column_list(targets) if targets else (), one_hot, progress, image)
