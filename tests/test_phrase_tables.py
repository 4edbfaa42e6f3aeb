"""Phrase tables (``edgeagent.sentences.tables``): the words and sentences a toolkit's
generator code draws from, read from YAML with errors that name the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeagent.sentences import PhraseTables, SentenceError, load_tables, tables_in

GOOD = """
words:
  groceries: [apples, oat milk]
  nouns:
    light: {one: [light], many: [lights, lighting]}
templates:
  cover_open: ["open [up] [the] {n}", "(raise|lift) [the] {n}"]
  one: "lock [the] {n}"
formats:
  pick: ["pick up {o}", "grab {o}"]
weighted:
  prefix: [["", 62], ["please ", 1.5]]
"""


def _write(tmp_path: Path, text: str, name: str = "a.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tables_read_by_kind(tmp_path: Path) -> None:
    t = load_tables([_write(tmp_path, GOOD)])
    assert isinstance(t, PhraseTables)
    assert t.words("groceries") == ("apples", "oat milk")
    assert t.words("nouns.light.many") == ("lights", "lighting")
    assert t.group("nouns") == {"light": {"one": ("light",), "many": ("lights", "lighting")}}
    assert t.templates("cover_open")[1] == "(raise|lift) [the] {n}"
    assert t.template("one") == "lock [the] {n}"
    assert t.formats("pick") == ("pick up {o}", "grab {o}")
    weights = t.weighted("prefix")
    assert weights == (("", 62), ("please ", 1.5))
    assert isinstance(weights[0][1], int)  # weights keep their type (sums stay identical)
    assert t.section("pick") == "formats"
    assert "nouns.light" in t


def test_folder_of_tables(tmp_path: Path) -> None:
    _write(tmp_path, "words:\n  a: [x]\n", "one.yaml")
    _write(tmp_path, "words:\n  b: [y]\n", "two.yaml")
    t = tables_in(tmp_path)
    assert t.names() == ["a", "b"]
    with pytest.raises(SentenceError, match="no phrase-table files"):
        tables_in(tmp_path / "missing")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("word:\n  a: [x]\n", 2, "unknown section 'word'"),
        ("words:\n  a: x\n", 2, "expected a list"),
        ("words:\n  a: [x, 3]\n", 2, r"words.a\[1\]: expected text"),
        ("templates:\n  a:\n    - ok\n    - '(open|close'\n", 4, "a.*"),
        ("formats:\n  a: ['(open|shut) {o}']\n", 2, "format string"),
        ("formats:\n  a: ['open {o.x}']\n", 2, "plain name"),
        ("weighted:\n  a: [[x, -1]]\n", 2, "weight >= 0"),
        ("words:\n  a: [x]\n  a b: [y]\n", 3, "bad table name"),
        ("words:\n  a: [x]\nweighted:\n  a: [[x, 1]]\n", 4, "already defined"),
        ("words: [\n", 2, "not valid YAML"),
        ("words:\n  a: [x]\n  a: [y]\n", 3, "'a' is defined twice"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SentenceError, match=message) as err:
        load_tables([path])
    assert str(path) in str(err.value)
    assert f":{line}" in str(err.value)


def test_wrong_kind_or_missing_name(tmp_path: Path) -> None:
    t = load_tables([_write(tmp_path, GOOD)])
    with pytest.raises(SentenceError, match="'pick' is a list of format strings"):
        t.templates("pick")
    with pytest.raises(SentenceError, match="no phrase table 'nope'"):
        t.words("nope")
    with pytest.raises(SentenceError, match="is a group"):
        t.words("nouns")
    with pytest.raises(SentenceError, match="is a table, not a group"):
        t.group("groceries")
