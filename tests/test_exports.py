"""Downloads: formula injection through a data cell, a header, the title or the filters never reaches a spreadsheet."""

import csv
import io
import re
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard import exports, theme_views

# OWASP's starts of a formula, as a spreadsheet reads a cell (README "Downloads").
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']
# Ways text in the title or filters could leave its `# label:` comment row: a new line, or a cell of its own after a
# comma or semicolon (Excel splits a row there), or a quoted cell that runs on into the rows below.
BREAKOUTS = [
    "a\n=1+1",
    "a\r\n=1+1",
    "a\u2028=1+1",
    "a,=1+1",
    "a; =1+1",
    'a,"=1+1"',
    'a," =1+1',
    "a\x00=1+1\x1b",
    " =1+1",
]
DATA_DATE = date(2025, 7, 9)
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def dangerous(text: str) -> bool:
    """Whether a spreadsheet would take this cell or line as a formula (a plain negative number is a number)."""
    return text.lstrip(" ").startswith(DANGEROUS) and not NUMBER.fullmatch(text)


def table(text: str) -> pd.DataFrame:
    """A table with the text in a data cell and a header, beside a real negative number and a missing value."""
    return pd.DataFrame({"suggestion": [text, "plain"], text: ["x", None], "change": [-3, 4]})


def csv_cells(payload: bytes) -> tuple[list[str], list[list[str]]]:
    """The CSV's lines, and its cells as a spreadsheet would split them, comment rows included."""
    text = payload.decode("utf-8")
    assert text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    return [line.removesuffix("\r") for line in text.split("\n")], list(csv.reader(io.StringIO(text, newline="")))


def workbook(payload: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(payload))


def cells(book: openpyxl.Workbook):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_csv_safe(payload: bytes) -> list[list[str]]:
    """Check the comment rows are the first five lines, one each, and that no cell a CSV reader finds would run."""
    lines, rows = csv_cells(payload)
    labels = [f"# {label}: " for label, _ in exports.Context("", "", DATA_DATE).lines()]
    assert [line[: len(label)] for line, label in zip(lines, labels, strict=False)] == labels
    assert [row[0][: len(label)] for row, label in zip(rows, labels, strict=False)] == labels
    # Past the comment rows a line may continue a quoted cell, so what counts there is the cells, checked next.
    assert not dangerous(lines[len(labels)]), "the header row"
    assert not [cell for row in rows for cell in row if dangerous(cell)]
    return rows


def assert_xlsx_safe(payload: bytes) -> openpyxl.Workbook:
    book = workbook(payload)
    assert [cell.coordinate for cell in cells(book) if cell.data_type == "f"] == []
    for cell in cells(book):
        if isinstance(cell.value, str) and cell.value.lstrip(" '").startswith(DANGEROUS):
            assert cell.data_type == "s" and cell.value.startswith("'"), (cell.coordinate, cell.value)
    return book


@pytest.mark.parametrize("text", PAYLOADS, ids=repr)
def test_a_formula_in_a_data_cell_or_header_is_written_as_text(text):
    frame = table(text)
    context = exports.Context(title="Suggestions", filters="No filters: all data.", data_date=DATA_DATE)

    rows = assert_csv_safe(exports.to_csv(frame, context))
    header, first, second = rows[5:]
    assert header == ["suggestion", "'" + text, "change"]
    assert first == ["'" + text, "x", "-3"]
    assert second == ["plain", "", "4"]

    book = assert_xlsx_safe(exports.to_xlsx(frame, context))
    data = book["Data"]
    assert [cell.value for cell in data[1]] == ["suggestion", "'" + text, "change"]
    assert [cell.value for cell in data[2]] == ["'" + text, "x", -3]
    assert [cell.data_type for cell in data[2]] == ["s", "s", "n"]
    assert data["C3"].value == 4 and data["C3"].data_type == "n"
    assert data["B3"].value is None


def test_numbers_stay_numbers():
    frame = pd.DataFrame({"change": [-3, 2], "rate": [-0.5, 1.25], "label": ["-3", "+2"]})
    context = exports.Context(title="Changes", filters="-", data_date=DATA_DATE)
    read = pd.read_csv(io.BytesIO(exports.to_csv(frame, context)), comment="#", encoding="utf-8-sig")
    assert read["change"].tolist() == [-3, 2] and pd.api.types.is_integer_dtype(read["change"])
    assert read["rate"].tolist() == [-0.5, 1.25]
    assert read["label"].tolist() == ["'-3", "'+2"], "text that looks like a number is still text, so neutralised"
    data = workbook(exports.to_xlsx(frame, context))["Data"]
    assert [(cell.value, cell.data_type) for cell in data[2]] == [(-3, "n"), (-0.5, "n"), ("'-3", "s")]


@pytest.mark.parametrize("text", PAYLOADS + BREAKOUTS, ids=repr)
@pytest.mark.parametrize("field", ["title", "filters"])
def test_a_formula_in_the_title_or_filters_stays_in_its_comment_row_and_cover_cell(field, text):
    context = exports.Context(
        **{"title": "Suggestions", "filters": "No filters: all data.", field: text}, data_date=DATA_DATE
    )
    frame = pd.DataFrame({"theme": ["CPD"], "suggestions": [-3]})
    label = field.capitalize()

    rows = assert_csv_safe(exports.to_csv(frame, context))
    assert len(rows) == 7, "the context is five comment rows, then the header and one data row"
    line = next(line for line in csv_cells(exports.to_csv(frame, context))[0] if line.startswith(f"# {label}: "))
    # The text is all there, on one line, with nothing added but apostrophes.
    assert line.replace("'", "") == f"# {label}: " + re.sub(r"[\x00-\x1f\u2028]", " ", text).replace("'", "")
    assert rows[5:] == [["theme", "suggestions"], ["CPD", "-3"]]
    read = pd.read_csv(io.BytesIO(exports.to_csv(frame, context)), comment="#", encoding="utf-8-sig")
    assert read.to_dict("list") == {"theme": ["CPD"], "suggestions": [-3]}

    book = assert_xlsx_safe(exports.to_xlsx(frame, context))
    cover = book["Cover"]
    shown = cover["A1"].value if field == "title" else cover["B2"].value
    assert cover["A2"].value == "Filters"
    assert shown.startswith("'") or not shown.lstrip(" ").startswith(DANGEROUS)
    assert not re.search(r"[\x00-\x1f\u2028]", shown), "the cover cell is one line"
    assert [[cell.value for cell in row] for row in book["Data"].iter_rows()] == [["theme", "suggestions"], ["CPD", -3]]


@pytest.mark.parametrize("search", ['a\n=HYPERLINK("http://x","y")', "a,=1+1", 'a";=1+1', '" =1'], ids=repr)
def test_the_themes_explorer_title_with_hostile_search_text_from_a_link(search):
    title = theme_views.explorer_title(["CPD"], [], [], [], search, review_only=False)
    context = exports.Context(title=title, filters="Themes: CPD.", data_date=DATA_DATE)
    frame = pd.DataFrame({"Suggestion": [search]})
    lines, _ = csv_cells(exports.to_csv(frame, context))
    assert_csv_safe(exports.to_csv(frame, context))
    assert lines[0].startswith("# Title: Suggestions (themes CPD; text containing ")
    assert sum(line.startswith("#") for line in lines) == 5
    assert_xlsx_safe(exports.to_xlsx(frame, context))


def test_plain_context_is_written_unchanged():
    context = exports.Context(
        title="Suggestions per theme", filters="Themes: CPD, Pay; Nations: Wales.", data_date=DATA_DATE
    )
    lines, _ = csv_cells(exports.to_csv(pd.DataFrame({"a": [1]}), context))
    assert lines[:3] == [
        "# Title: Suggestions per theme",
        "# Filters: Themes: CPD, Pay; Nations: Wales.",
        "# Data as of: 2025-07-09",
    ]
    cover = workbook(exports.to_xlsx(pd.DataFrame({"a": [1]}), context))["Cover"]
    assert [cover["A1"].value, cover["B2"].value] == ["Suggestions per theme", "Themes: CPD, Pay; Nations: Wales."]


def test_control_characters_that_xml_cannot_hold_do_not_break_the_workbook():
    frame = pd.DataFrame({"text": ["bell\x07 and escape\x1b", "\x01=1+1"]})
    context = exports.Context(title="t\x00", filters="f\x0b", data_date=DATA_DATE)
    book = assert_xlsx_safe(exports.to_xlsx(frame, context))
    assert [cell.value for cell in book["Data"]["A"]] == ["text", "bell  and escape ", "' =1+1"]
