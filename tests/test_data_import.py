"""Issue 21, points 2, 4 and 5: a learner's own CSV or TSV becomes a data set, or is refused with
a message naming the row and the column."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gdviz.core.csv_log import header, read_csv, write_csv
from gdviz.core.data_import import (
    DataImportError,
    ImportCancelled,
    data_csv,
    decode,
    load_data,
    preview,
    read_text,
    sniff,
)
from gdviz.core.dataset import DataSet, check_names
from gdviz.core.log import IterationLog

BOOK = "toes,wlrec,nfans,win\n8.5,0.65,1.2,1\n9.5,0.8,1.3,1\n9.9,0.8,0.5,0\n9.0,0.9,1.0,1\n"
BOOK_X = [[8.5, 0.65, 1.2], [9.5, 0.8, 1.3], [9.9, 0.8, 0.5], [9.0, 0.9, 1.0]]


def book(text: str) -> DataSet:
    return load_data(text, ["toes", "wlrec", "nfans"], ["win"]).data


@pytest.mark.parametrize("text", [
    BOOK,
    BOOK.replace("\n", "\r\n"),                                          # Windows line ends
    BOOK.replace(",", ";"),                                              # semicolons
    BOOK.replace(",", "\t"),                                             # TSV
    BOOK.replace(",", ";").replace(".", ","),                            # European: ; and decimal comma
    BOOK.replace(",", "\t").replace(".", ","),                           # tab and decimal comma
    '"toes","wlrec","nfans","win"\n' + BOOK.split("\n", 1)[1],           # quoted names
    "toes, wlrec, nfans, win\n" + BOOK.split("\n", 1)[1].replace(",", ", "),  # spaces after commas
    BOOK + "\n\n",                                                       # blank lines at the end
], ids=["comma", "crlf", "semicolon", "tab", "semicolon-decimal-comma", "tab-decimal-comma",
        "quoted-names", "spaces", "trailing-blank-lines"])
def test_every_spelling_of_the_book_data_reads_the_same_numbers(text):
    data = book(text)
    assert data.input_names == ("toes", "wlrec", "nfans")
    assert data.output_names == ("win",)
    assert data.inputs.tolist() == BOOK_X
    assert data.targets.tolist() == [[1.0], [1.0], [0.0], [1.0]]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf8", "utf8-bom"])
def test_utf8_with_or_without_a_byte_order_mark(tmp_path, bom):
    path = tmp_path / "d.csv"
    path.write_bytes(bom + "Größe;Schuh\r\n1,5;40\r\n2,25;41\r\n".encode())
    data = load_data(read_text(path), ["Größe"], ["Schuh"]).data
    assert data.input_names == ("Größe",)
    assert data.inputs.tolist() == [[1.5], [2.25]]
    assert data.targets.tolist() == [[40.0], [41.0]]


def test_sniffed_dialects():
    assert sniff(BOOK).describe() == "comma separated, decimal point"
    assert sniff(BOOK.replace(",", ";").replace(".", ",")).describe() == "semicolon separated, decimal comma"
    assert sniff(BOOK.replace(",", ";")).describe() == "semicolon separated, decimal point"
    assert sniff(BOOK.replace(",", "\t")).describe() == "tab separated, decimal point"
    assert sniff('"a;b",c\n1,2\n').separator == ","  # a separator inside quotes does not count


def test_names_with_commas_quotes_and_line_breaks_are_quoted_and_read_back():
    text = '"height, cm","say ""hi""","two\nlines",class\n1,2,3,a\n'
    data = load_data(text, ["height, cm", 'say "hi"', "two\nlines"], one_hot="class").data
    assert data.input_names == ("height, cm", 'say "hi"', "two\nlines")
    again = load_data(data_csv(data), data.input_names, one_hot="class").data
    assert again.input_names == data.input_names
    assert again.inputs.tolist() == data.inputs.tolist()


def test_the_iteration_log_csv_quotes_such_names_and_reads_them_back(tmp_path):
    inputs, outputs = ("height, cm", 'say "hi"'), ("two\nlines",)
    log = IterationLog(2, 1, 4)
    path = tmp_path / "log.csv"
    write_csv(path, log, inputs, outputs)
    first = next(csv.reader(io.StringIO(path.read_text(), newline="")))
    assert first == header(inputs, outputs)
    _, read_inputs, read_outputs = read_csv(path)
    assert (read_inputs, read_outputs) == (inputs, outputs)


def test_one_hot_outputs_are_the_classes_in_order_of_first_appearance():
    text = "size,weight,kind\n1,2,pear\n3,4,apple\n5,6,pear\n7,8,fig\n9,10,apple\n"
    imported = load_data(text, ["size", "weight"], one_hot="kind")
    assert imported.one_hot == "kind"
    assert imported.data.output_names == ("pear", "apple", "fig")
    assert imported.data.targets.tolist() == [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert imported.data.inputs.tolist() == [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]


def test_numeric_class_labels_in_a_decimal_comma_file():
    text = "a;b;digit\n0,5;1;7\n1,5;2;3\n2;3;7\n"
    data = load_data(text, ["a", "b"], one_hot="digit").data
    assert data.output_names == ("7", "3")
    assert data.inputs.tolist() == [[0.5, 1.0], [1.5, 2.0], [2.0, 3.0]]


def test_unused_columns_may_hold_anything():
    data = load_data("id,x,note,y\nA7,1,hello,2\nB8,3,,4\n", ["x"], ["y"]).data
    assert data.inputs.tolist() == [[1.0], [3.0]]


def test_preview_splits_as_the_import_will():
    shown = preview(BOOK.replace(",", ";").replace(".", ","), rows=2)
    assert shown.names == ("toes", "wlrec", "nfans", "win")
    assert shown.rows == (("8,5", "0,65", "1,2", "1"), ("9,5", "0,8", "1,3", "1"))
    assert shown.numeric == (True, True, True, True)
    assert preview("x,kind\n1,a\n").numeric == (True, False)


def test_the_data_set_csv_round_trips_exactly():
    data = DataSet(("a", "b"), ("y",), [[0.1, 1 / 3], [2e-300, -7.0]], [[0.30000000000000004], [1e300]])
    again = load_data(data_csv(data), ["a", "b"], ["y"]).data
    assert again.inputs.tolist() == data.inputs.tolist()
    assert again.targets.tolist() == data.targets.tolist()


def test_progress_is_reported_and_cancel_stops_the_import():
    seen: list[int] = []
    load_data(BOOK, ["toes"], ["win"], progress=lambda p: seen.append(p) is None)
    assert seen == sorted(seen) and seen[-1] == 100
    with pytest.raises(ImportCancelled):
        load_data(BOOK, ["toes"], ["win"], progress=lambda p: p < 50)


# ---- point 5: refusals name the row and the column --------------------------------------------

@pytest.mark.parametrize("text, inputs, targets, one_hot, message", [
    ("x,y\n1,2\nabc,3\n", ["x"], ["y"], None, "row 3, column 'x': 'abc' is not a number"),
    ("x,y\n1,2\n3,\n", ["x"], ["y"], None, "row 3, column 'y': the cell is empty"),
    ("x,y\n1,2\n3,4\nnan,5\n", ["x"], ["y"], None, "row 4, column 'x': 'nan' is not a finite number"),
    ("x,y\n1,inf\n", ["x"], ["y"], None, "row 2, column 'y': 'inf' is not a finite number"),
    ("x,y\n1,2\n3,4,5\n", ["x"], ["y"], None, "row 3: 3 cells where the header has 2 columns"),
    ("x,y\n1,2\n3\n", ["x"], ["y"], None, "row 3: 1 cells where the header has 2 columns"),
    ("x,y\n", ["x"], ["y"], None, "row 2: the file has a header but no data rows"),
    ("x,y\n\n\n", ["x"], ["y"], None, "row 2: the file has a header but no data rows"),
    ("", ["x"], ["y"], None, "row 1: the file is empty"),
    ("x\n1\n2\n", ["x"], ["y"], None, "row 1: the file has a single column ('x')"),
    ("x,x\n1,2\n", ["x"], ["x"], None, "row 1, column 2: the name 'x' is also column 1"),
    ("x,,y\n1,2,3\n", ["x"], ["y"], None, "row 1, column 2: the column has no name"),
    ("x,y\n1,2\n", ["x"], ["z"], None, "row 1: no column named 'z'"),
    ("x,y\n1,2\n", ["x"], ["x"], None, "row 1: column 'x' is chosen twice"),
    ("a->b,y\n1,2\n", ["a->b"], ["y"], None, "row 1, column 1: column name 'a->b' may not contain '->'"),
    ("a:b,y\n1,2\n", ["a:b"], ["y"], None, "row 1, column 1: column name 'a:b' may not contain ':'"),
    ("x," + "n" * 41 + "\n1,2\n", ["x"], ["n" * 41], None, "row 1, column 2: column name 'nnn"),
    ("x,c\n" + "".join(f"{k},c{k}\n" for k in range(65)), ["x"], [], "c",
     "row 66, column 'c': class 'c64' is class number 65"),
    ("x,c\n1,a\n2,\n", ["x"], [], "c", "row 3, column 'c': the class label is empty"),
    ("x,c\n1,a:b\n", ["x"], [], "c", "row 2, column 'c': class name 'a:b' may not contain ':'"),
    ("x,c\n1,x\n", ["x"], [], "c", "row 2, column 'c': class 'x' has the name of an input column"),
], ids=["not-a-number", "empty", "nan", "inf", "ragged-long", "ragged-short", "no-rows", "blank-rows",
        "empty-file", "single-column", "duplicate-names", "blank-name", "missing-column", "chosen-twice",
        "arrow-name", "colon-name", "long-name", "65-classes", "empty-class", "colon-class", "class-is-input"])
def test_bad_input_is_refused_with_row_and_column(text, inputs, targets, one_hot, message):
    with pytest.raises(DataImportError) as refused:
        load_data(text, inputs, targets, one_hot)
    assert message in str(refused.value)


def test_64_classes_are_fine():
    text = "x,c\n" + "".join(f"{k},c{k}\n" for k in range(64))
    assert load_data(text, ["x"], one_hot="c").data.n_outputs == 64


@pytest.mark.parametrize("raw, message", [
    (b"x,y\n1,2\n\x00\x01\x02", "row 3: the file is not text"),
    (b"x,y\n1,2\n3,\xff\n", "row 3: the file is not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "row 3: the file is not text"),
])
def test_a_file_that_is_not_text_is_refused(raw, message):
    with pytest.raises(DataImportError) as refused:
        decode(raw)
    assert message in str(refused.value)


BLOCKED = "\ufeffGröße;Schuh\r\n1,5;2\r\n€3;4\r\n" + "".join(f"{k},{k % 7};ä{k}\n" for k in range(40))


@pytest.mark.parametrize("raw, message", [
    (BLOCKED.encode() + b"9;\x00\n", "row 44: the file is not text (it holds a zero byte at byte 416)"),
    (BLOCKED.encode() + b"\xff\x00\n", "row 44: the file is not text (it holds a zero byte at byte 415)"),
    (BLOCKED.encode() + b"9;\xc3\n", "row 44: the file is not UTF-8 text (byte 416 is 0xc3)"),
    (BLOCKED.encode() + b"9;\xc3", "row 44: the file is not UTF-8 text (byte 416 is 0xc3)"),
    (BLOCKED.encode(), None),
    (BLOCKED.encode()[3:], None),
    (b"\xef\xbb", "row 1: the file is not UTF-8 text (byte 1 is 0xef)"),
], ids=["zero", "zero-after-bad-byte", "bad-byte", "cut-character", "bom", "no-bom", "cut-bom"])
def test_a_file_is_read_and_decoded_a_block_at_a_time(tmp_path, monkeypatch, raw, message):
    """A 110 MB CSV held the GIL 58 ms zero-filling its buffer (``bytearray(size)``) and 61 ms
    decoding it whole: the import's progress dialog stalled. Now read into a buffer that is not
    zero-filled, and decoded in blocks (7 bytes here: characters and the byte-order mark are cut
    across blocks), with the text and the refusals ``decode`` gives for the whole. Checked by
    breaking it: the code before (``bytearray(want)``, one ``decode``) fails every case; a decoder
    made afresh for each block fails on the cut characters (6 of 7 cases).
    The byte-order mark counts in the byte named: ``decode`` named the byte 3 before the bad one
    (here "row 43 … byte 413 is 0x0a", the line end before it) until this test."""
    import codecs

    import gdviz.core.data_import as data_import

    monkeypatch.setattr(data_import, "DECODE_BLOCK", 7)
    monkeypatch.setattr(data_import, "READ_BLOCK", 5)
    zero_filled: list[int] = []
    monkeypatch.setattr(data_import, "bytearray", lambda *args: zero_filled.append(args) or bytearray(*args),
                        raising=False)
    decoded: list[int] = []
    real = codecs.getincrementaldecoder

    def counted(encoding):
        decoder = real(encoding)()
        decode_block = decoder.decode

        def block(data, final=False):
            decoded.append(len(data))
            return decode_block(data, final)
        decoder.decode = block
        return lambda: decoder
    monkeypatch.setattr(data_import.codecs, "getincrementaldecoder", counted)
    path = tmp_path / "blocks.csv"
    path.write_bytes(raw)
    if message is None:
        assert read_text(path) == raw.decode("utf-8-sig")
        assert decoded == [7] * (len(raw) // 7) + [len(raw) % 7] * (len(raw) % 7 > 0) + [0]
    else:
        with pytest.raises(DataImportError) as refused:
            read_text(path)
        assert str(refused.value).startswith(message)
        with pytest.raises(DataImportError) as whole:
            decode(raw)
        assert str(refused.value) == str(whole.value)
    assert zero_filled == []
    if len(raw) > 400:  # a preview of the first 400 bytes: whole rows only
        head = raw[:400]
        assert read_text(path, limit=400) == head[:head.rfind(b"\n") + 1].decode("utf-8-sig")


def test_a_refused_import_leaves_the_file_and_its_data_as_they_were(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n1,2\n3,oops\n")
    before = path.read_bytes()
    with pytest.raises(DataImportError):
        load_data(read_text(path), ["x"], ["y"])
    assert path.read_bytes() == before


# ---- point 4: names ---------------------------------------------------------------------------

@pytest.mark.parametrize("names, message", [
    ([""], "must be non-empty"),
    ([" toes"], "leading or trailing spaces"),
    (["toes "], "leading or trailing spaces"),
    (["a" * 41], "is 41 characters long"),
    (["toes", "toes"], "must be different"),
    (["a->b"], "may not contain '->'"),
    (["a→b"], "may not contain '→'"),
    (["in:x"], "may not contain ':'"),
])
def test_names_that_are_refused(names, message):
    with pytest.raises(ValueError, match=message):
        check_names(names, "input")


def test_names_that_are_fine():
    names = ("a" * 40, "shoe size", "height, cm", 'say "hi"', "two\nlines", "Größe")
    assert check_names(names, "input") == names


def test_a_weight_whose_input_name_has_spaces_is_found():
    data = DataSet(("shoe size", "toes"), ("win",), [[1, 2]], [[0]])
    assert data.find_edge("shoe size->win") == (0, 0)
    assert data.find_edge("toes -> win") == (0, 1)
    assert data.find_edge("shoe size→win") == (0, 0)


def test_big_data_sets_read_into_the_right_places():
    rng = np.random.default_rng(5)
    values = rng.integers(0, 256, (500, 40))
    values[:, 0] %= 10  # the label column: ten classes
    text = ",".join(["label", *(f"p{k}" for k in range(39))]) + "\n" + "\n".join(
        ",".join(map(str, row)) for row in values) + "\n"
    data = load_data(text, [f"p{k}" for k in range(39)], one_hot="label").data
    assert data.inputs.tolist() == values[:, 1:].astype(float).tolist()
    first = list(dict.fromkeys(values[:, 0].tolist()))
    assert data.output_names == tuple(map(str, first))
    assert [first[row.index(1.0)] for row in data.targets.tolist()] == values[:, 0].tolist()


# ---- point 6: big plain files are read the fast way, to the same bits --------------------------

def random_cells(rng, count):
    """Decimals as spreadsheets write them: integers, signs, leading zeros, up to 15 digits, a
    point at any place; and a few the fast way leaves to the cell-by-cell reading."""
    cells = []
    for _ in range(count):
        digits = "".join(rng.choice(list("0123456789"), rng.integers(1, 16)))
        point = rng.integers(0, len(digits) + 1)
        text = digits if rng.random() < 0.3 else digits[:point] + "." + digits[point:]
        cells.append(rng.choice(["", "-", "+"], p=[0.6, 0.3, 0.1]) + text)
    return cells


@pytest.mark.parametrize("separator, decimal_comma", [(",", False), (";", True), ("\t", False)])
def test_the_fast_way_reads_every_cell_as_float_does(monkeypatch, separator, decimal_comma):
    """Checked by breaking it: a mantissa times 10**-k instead of divided by 10**k fails here."""
    import gdviz.core.data_import as data_import

    rng = np.random.default_rng(7)
    rows = [random_cells(rng, 6) for _ in range(3000)]
    rows = [row[:5] + [rng.choice(["a", "b", "c"])] for row in rows]
    text = separator.join(["a1", "a2", "a3", "a4", "a5", "kind"]) + "\r\n" + "".join(
        separator.join(c.replace(".", ",") if decimal_comma else c for c in row) + "\r\n" for row in rows)
    monkeypatch.setattr(data_import, "FAST_FROM", 0)
    used = []
    real = data_import._plain_numbers
    monkeypatch.setattr(data_import, "_plain_numbers", lambda *a: used.append(1) or real(*a))
    fast = load_data(text, ["a1", "a2", "a3", "a4", "a5"], one_hot="kind").data
    assert used, "the fast way was not taken"
    assert fast.inputs.view(np.uint64).tolist() == np.array(
        [[float(c) for c in row[:5]] for row in rows]).view(np.uint64).tolist()
    assert fast.output_names == tuple(dict.fromkeys(row[5] for row in rows))


@pytest.mark.parametrize("text, message", [
    ("x,y\n1,2\n3,1e5\n", None),                 # an exponent: read cell by cell, the same number
    ("x,y\n1,2\n3,abc\n", "row 3, column 'y': 'abc' is not a number"),
    ("x,y\n1,2\n3,\n", "row 3, column 'y': the cell is empty"),
    ("x,y\n1,2\n3,4,5\n", "row 3: 3 cells"),
    ("x,y\n1,2\n\n3,4\n", None),                 # a blank line
    ("x,y\n1,2\n3,1234567890123456\n", None),    # 16 digits
    ("x,y\n1,2\n3, 4\n", None),                  # a space
])
def test_what_the_fast_way_leaves_is_read_cell_by_cell(monkeypatch, text, message):
    import gdviz.core.data_import as data_import

    monkeypatch.setattr(data_import, "FAST_FROM", 0)
    if message is None:
        data = load_data(text, ["x"], ["y"]).data
        assert data.targets[-1, 0] == float(text.strip().splitlines()[-1].split(",")[1])
    else:
        with pytest.raises(DataImportError, match=message):
            load_data(text, ["x"], ["y"])


def test_export_writes_the_class_column_back_while_the_targets_are_one_hot():
    imported = load_data("a,kind\n1,x\n2,y\n3,x\n", ["a"], one_hot="kind").data
    assert imported.one_hot == "kind"
    assert data_csv(imported) == "a,kind\n1.0,x\n2.0,y\n3.0,x\n"
    edited = imported.with_value("target", 0, 1, 0.5)  # no longer one-hot: the outputs are written
    assert edited.one_hot == "kind"
    assert data_csv(edited) == "a,x,y\n1.0,1.0,0.5\n2.0,0.0,1.0\n3.0,1.0,0.0\n"


@settings(max_examples=80, deadline=None)
@example(cuts=[13], ending="\r\n", kind="plain")  # at the header's line end,
@example(cuts=[14], ending="\r\n", kind="plain")  # between its "\r" and "\n",
@example(cuts=[1, 15, 40], ending="\n", kind="plain")  # in the header, after it, in a line
@given(cuts=st.lists(st.integers(0, 10_000), max_size=6),
       ending=st.sampled_from(["\n", "\r\n", "", "\n\n", "\r\n \r\n"]),
       kind=st.sampled_from(["plain", "blank inside", "quoted", "ragged", "quoted header", "stray quote"]))
def test_a_text_in_pieces_reads_as_the_whole_text(cuts, ending, kind):
    """The window's import reads a big file as the pieces it was decoded in (joining them held the
    GIL ~60-75 ms for 110 MB): cut anywhere, in a line, between "\\r" and "\\n", after the header,
    the pieces give the data set the whole text gives, bit for bit, or the same refusal; the fast
    way is taken for them as for the text. Checked by breaking it: with a line running over two
    pieces read as two lines, the cuts inside a line were refused as ragged rows."""
    import gdviz.core.data_import as data_import

    rng = np.random.default_rng(len(cuts) + 7 * len(ending))
    rows = [[f"{rng.integers(-999, 999) / 100}" for _ in range(3)] + [str(rng.choice(["a", "b"]))] for _ in range(400)]
    lines = [",".join(row) for row in rows]
    if kind == "blank inside":
        lines.insert(200, "")
    elif kind == "quoted":
        lines[100] = '"1.5",2,3,a'
    elif kind == "ragged":
        lines[300] += ",9"
    header = {"quoted header": '"x1",x2,x3,kind', "stray quote": 'x1,x2 (in"),x3,kind'}.get(kind, "x1,x2,x3,kind")
    text = header + ("\n" if "\r" not in ending else "\r\n") + (
        "\r\n" if "\r" in ending else "\n").join(lines) + ending
    places = sorted({min(cut, len(text)) for cut in cuts})
    pieces = [text[a:b] for a, b in zip([0, *places], [*places, len(text)])]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(data_import, "FAST_FROM", 0)
        patch.setattr(data_import, "SNIFFED", 30)  # the head of the pieces: the first few, not all of them
        fast_ways = []
        real = data_import._plain_numbers
        patch.setattr(data_import, "_plain_numbers", lambda *a: fast_ways.append(1) or real(*a))
        outcomes = []
        for given in (text, pieces):
            try:
                data = load_data(given, ["x1", "x2", "x3"], one_hot="kind").data
                outcomes.append((data.inputs.tobytes(), data.targets.tobytes(), data.output_names))
            except DataImportError as exc:
                outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
    assert len(fast_ways) in (0, 2)  # the same way both times
    if kind == "plain" and " " not in ending:  # (a last line of a space is left to the cell-by-cell reading)
        assert len(fast_ways) == 2 and not isinstance(outcomes[0], str)
