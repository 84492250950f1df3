"""Issue 21, point 1 in the core: edits of the data table's shape, the network following them."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.core import data_edit
from gdviz.core.data_edit import Network
from gdviz.core.presets import PRESETS


def book() -> Network:
    preset = PRESETS["multi-in-out"]
    return Network(preset.data(), preset.weights, np.zeros((3, 3), dtype=bool))


def test_three_to_four_inputs_adds_x4_and_keeps_the_book():
    before = book()
    after = data_edit.resized(before, 4, 3)
    assert after.data.input_names == ("toes", "wlrec", "nfans", "x4")
    assert after.data.output_names == before.data.output_names
    assert after.data.inputs[:, :3].tolist() == before.data.inputs.tolist()
    assert after.data.inputs[:, 3].tolist() == [0.0] * 4
    assert after.weights[:, :3].tolist() == before.weights.tolist() and after.weights[:, 3].tolist() == [0.0] * 3
    assert after.data.targets.tolist() == before.data.targets.tolist()
    back = data_edit.resized(after, 3, 3)
    assert back.data.input_names == before.data.input_names and back.weights.tolist() == before.weights.tolist()


def test_fewer_outputs_drop_the_last_ones_with_their_weights():
    after = data_edit.resized(book(), 3, 2)
    assert after.data.output_names == ("hurt", "win")
    assert after.weights.tolist() == book().weights[:2].tolist()


def test_add_and_remove_examples():
    added = data_edit.add_examples(book(), 1)
    assert added.data.n_examples == 5 and added.data.inputs[1].tolist() == [0.0] * 3
    assert added.data.inputs[2].tolist() == book().data.inputs[1].tolist()
    removed = data_edit.remove_examples(added, [1, 3])
    assert removed.data.inputs.tolist() == book().data.inputs[[0, 1, 3]].tolist()  # the new row and game 2 went
    with pytest.raises(ValueError, match="at least one example"):
        data_edit.remove_examples(book(), [0, 1, 2, 3])


def test_add_an_output_between_others_and_remove_an_input():
    after = data_edit.add_column(book(), "target", 1, "happy")
    assert after.data.output_names == ("hurt", "happy", "win", "sad")
    assert after.weights[1].tolist() == [0.0] * 3 and after.weights[2].tolist() == book().weights[1].tolist()
    assert not after.frozen.any()
    fewer = data_edit.remove_columns(after, "input", [0])
    assert fewer.data.input_names == ("wlrec", "nfans")
    assert fewer.weights.tolist() == after.weights[:, 1:].tolist()
    with pytest.raises(ValueError, match="at least one input"):
        data_edit.remove_columns(book(), "input", [0, 1, 2])


@pytest.mark.parametrize("name, message", [
    ("win", "already a column named 'win'"), ("a->b", "may not contain '->'"), (" x", "leading or trailing"),
    ("", "non-empty"), ("n" * 41, "41 characters"),
])
def test_a_bad_rename_is_refused(name, message):
    with pytest.raises(ValueError, match=message):
        data_edit.rename(book(), "input", 0, name)


def test_rename_keeps_everything_else():
    after = data_edit.rename(book(), "input", 0, "shoe size, cm")
    assert after.data.input_names == ("shoe size, cm", "wlrec", "nfans")
    assert after.weights.tolist() == book().weights.tolist()
    assert after.data.inputs.tolist() == book().data.inputs.tolist()


def test_copy_then_paste_round_trips():
    data = book().data
    text = data_edit.copy_text(data, range(1, 3), range(2, 5))
    assert text == "1.3\t0.0\t1.0\n0.5\t0.0\t0.0\n"
    block = data_edit.parse_block(text)
    pasted = data_edit.paste(book(), 0, 0, block)
    table = np.hstack([pasted.data.inputs, pasted.data.targets])
    assert table[0:2, 0:3].tolist() == [[1.3, 0.0, 1.0], [0.5, 0.0, 0.0]]
    assert table[2:].tolist() == np.hstack([data.inputs, data.targets])[2:].tolist()


@pytest.mark.parametrize("text", ["1\t2\r\n3\t4\r\n", "1,2\n3,4\n", "1\t2\n3\t4", "1,0\t2\n3\t4\n"])
def test_paste_reads_what_spreadsheets_copy(text):
    block = data_edit.parse_block(text)
    values = [[data_edit.cell_number(c, "x") for c in row] for row in block]
    assert values in ([[1.0, 2.0], [3.0, 4.0]],)


def test_a_larger_paste_grows_the_table():
    block = data_edit.parse_block("1\t2\t3\n4\t5\t6\n")
    grown = data_edit.paste(book(), 3, 4, block)
    assert grown.data.n_examples == 5
    assert grown.data.output_names == ("hurt", "win", "sad", "y4")
    assert grown.weights.shape == (4, 3) and grown.weights[3].tolist() == [0.0] * 3
    table = np.hstack([grown.data.inputs, grown.data.targets])
    assert table[3:5, 4:7].tolist() == [[1, 2, 3], [4, 5, 6]]
    assert table[4, :4].tolist() == [0.0] * 4


@pytest.mark.parametrize("text, message", [
    ("1\tx\n", "row 0, column 2: 'x' is not a number"),
    ("1\tnan\n", "'nan' is not a finite number"),
    ("1\t\n", "the cell is empty"),
    ("1\t2\n3\n", "pasted row 2 has 1 cells"),
])
def test_a_bad_paste_is_refused_whole(text, message):
    with pytest.raises(ValueError, match=message):
        data_edit.paste(book(), 0, 0, data_edit.parse_block(text))
