"""Downloads: formula injection through a data cell, a header, the title or the filters never reaches a spreadsheet."""

import csv
import io
import re
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest
from odf.config import ConfigItem, ConfigItemMapEntry
from odf.opendocument import load as load_ods

from dashboard import config, exports, ods, theme_views
from tests.conftest import open_sections

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
ENTRY = str(config.ROOT / "streamlit_app.py")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def case_id(text: str) -> str:
    """The text as a test id with no backslash: mutmut hands escaped ids (`'\\r=1'`) back to pytest, which finds no such test."""
    return ascii(text).replace("\\", "^")


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
    """Check the CSV is the table alone (header first, no comment rows) and that no cell a CSV reader finds would run."""
    lines, rows = csv_cells(payload)
    assert not lines[0].startswith("#"), "the header is the first line"
    assert not dangerous(lines[0]), "the header row"
    assert not [cell for row in rows for cell in row if dangerous(cell)]
    return rows


def assert_xlsx_safe(payload: bytes) -> openpyxl.Workbook:
    book = workbook(payload)
    assert [cell.coordinate for cell in cells(book) if cell.data_type == "f"] == []
    for cell in cells(book):
        if isinstance(cell.value, str) and cell.value.lstrip(" '").startswith(DANGEROUS):
            assert cell.data_type == "s" and cell.value.startswith("'"), (cell.coordinate, cell.value)
    return book


@pytest.mark.parametrize("text", PAYLOADS, ids=case_id)
def test_a_formula_in_a_data_cell_or_header_is_written_as_text(text):
    frame = table(text)
    context = exports.Context(title="Suggestions", filters="No filters: all data.", data_date=DATA_DATE)

    rows = assert_csv_safe(exports.to_csv(frame, context))
    header, first, second = rows
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
    frame = pd.DataFrame({"change": [-3, 2], "rate": [-0.5, 1.5], "label": ["-3", "+2"]})
    context = exports.Context(title="Changes", filters="-", data_date=DATA_DATE)
    read = pd.read_csv(io.BytesIO(exports.to_csv(frame, context)))
    assert read["change"].tolist() == [-3, 2] and pd.api.types.is_integer_dtype(read["change"])
    assert read["rate"].tolist() == [-0.5, 1.5]
    assert read["label"].tolist() == ["'-3", "'+2"], "text that looks like a number is still text, so neutralised"
    data = workbook(exports.to_xlsx(frame, context))["Data"]
    assert [(cell.value, cell.data_type) for cell in data[2]] == [(-3, "n"), (-0.5, "n"), ("'-3", "s")]


@pytest.mark.parametrize("text", PAYLOADS + BREAKOUTS, ids=case_id)
@pytest.mark.parametrize("field", ["title", "filters"])
def test_a_formula_in_the_title_or_filters_stays_in_its_cover_cell(field, text):
    context = exports.Context(
        **{"title": "Suggestions", "filters": "No filters: all data.", field: text}, data_date=DATA_DATE
    )
    frame = pd.DataFrame({"theme": ["CPD"], "suggestions": [-3]})

    rows = assert_csv_safe(exports.to_csv(frame, context))
    assert rows == [["theme", "suggestions"], ["CPD", "-3"]], "the CSV holds the table alone, whatever the context"

    book = assert_xlsx_safe(exports.to_xlsx(frame, context))
    cover = book["Cover"]
    shown = cover["A1"].value if field == "title" else cover["B2"].value
    assert cover["A2"].value == "Filters"
    assert shown.startswith("'") or not shown.lstrip(" ").startswith(DANGEROUS)
    assert not re.search(r"[\x00-\x1f\u2028]", shown), "the cover cell is one line"
    # The text is all there, with nothing added but apostrophes and spaces for line breaks.
    assert shown.replace("'", "") == re.sub(r"[\x00-\x1f\u2028]", " ", text).replace("'", "")
    assert [[cell.value for cell in row] for row in book["Data"].iter_rows()] == [["theme", "suggestions"], ["CPD", -3]]
    ods_cover = pd.read_excel(io.BytesIO(exports.to_ods(frame, context)), sheet_name="Cover", header=None)
    ods_shown = ods_cover.iat[0, 0] if field == "title" else ods_cover.iat[1, 1]
    assert ods_shown == shown


@pytest.mark.parametrize("search", ['a\n=HYPERLINK("http://x","y")', "a,=1+1", 'a";=1+1', '" =1'], ids=case_id)
def test_the_themes_explorer_title_with_hostile_search_text_from_a_link(search):
    title = theme_views.explorer_title(["CPD"], [], [], [], search, review_only=False)
    context = exports.Context(title=title, filters="Themes: CPD.", data_date=DATA_DATE)
    frame = pd.DataFrame({"Suggestion": [search]})
    assert_csv_safe(exports.to_csv(frame, context))
    book = assert_xlsx_safe(exports.to_xlsx(frame, context))
    assert book["Cover"]["A1"].value.startswith("Suggestions (themes CPD; text containing ")


def test_plain_context_is_written_unchanged_on_the_cover_sheets():
    context = exports.Context(
        title="Suggestions per theme",
        filters="Themes: CPD, Pay; Nations: Wales.",
        data_date=DATA_DATE,
        status="Illustrative.",
        source="The bundled files.",
    )
    expected = [
        ["Suggestions per theme", None],
        ["Filters", "Themes: CPD, Pay; Nations: Wales."],
        ["Data as of", "2025-07-09"],
        ["Status", "Illustrative."],
    ]
    cover = workbook(exports.to_xlsx(pd.DataFrame({"a": [1]}), context))["Cover"]
    assert [
        [cell.value for cell in row][:2] + [None] * (2 - len(row)) for row in cover.iter_rows(max_row=4)
    ] == expected
    assert {row[0].value: row[1].value for row in cover.iter_rows(min_row=2)}["Source"] == "The bundled files."
    ods = pd.read_excel(io.BytesIO(exports.to_ods(pd.DataFrame({"a": [1]}), context)), sheet_name="Cover", header=None)
    assert ods.iloc[:4].astype(object).where(ods.iloc[:4].notna(), None).values.tolist() == expected
    assert dict(ods.iloc[1:].values.tolist())["Source"] == "The bundled files."


def test_control_characters_that_xml_cannot_hold_do_not_break_the_workbook():
    frame = pd.DataFrame({"text": ["bell\x07 and escape\x1b", "\x01=1+1"]})
    context = exports.Context(title="t\x00", filters="f\x0b", data_date=DATA_DATE)
    book = assert_xlsx_safe(exports.to_xlsx(frame, context))
    assert [cell.value for cell in book["Data"]["A"]] == ["text", "bell  and escape ", "' =1+1"]


def test_every_format_opens_with_the_header_in_the_first_row_by_default():
    frame = pd.DataFrame({"Department": ["Defra", "=cmd"], "Members": [210, 3], "Share": [0.5, 0.25]})
    context = exports.Context(title="Members", filters="None.", data_date=DATA_DATE)
    csv_read = pd.read_csv(io.BytesIO(exports.to_csv(frame, context)))
    xlsx_read = pd.read_excel(io.BytesIO(exports.to_xlsx(frame, context)))
    ods_read = pd.read_excel(io.BytesIO(exports.to_ods(frame, context)))
    active = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame, context))).active
    expected = ["Department", "Members", "Share"]
    assert list(csv_read.columns) == list(xlsx_read.columns) == list(ods_read.columns) == expected
    assert [cell.value for cell in active[1]] == expected
    for read in (csv_read, xlsx_read, ods_read):
        assert read["Department"].tolist() == ["Defra", "'=cmd"]
        assert read["Members"].tolist() == [210, 3]


def test_the_workbook_has_a_frozen_filtered_header_and_fitted_widths():
    frame = pd.DataFrame({"Department": ["Department for Environment, Food and Rural Affairs", "HO"], "n": [1, 2]})
    sheet = workbook(exports.to_xlsx(frame, exports.Context("t", "f", DATA_DATE)))["Data"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet.column_dimensions["A"].width > len("Department for Environment, Food and Rural Affairs")
    assert sheet.column_dimensions["B"].width < 20


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("Share", [0.49143544893063434, 0.5], [0.491, 0.5]),
        ("Share of applications (%)", [55.5234, 100.0], [55.5, 100.0]),
        ("Miles travelled", [210.0, 4739.0], [210, 4739]),
        ("Participants per 100 members", [12.345, 7.0], [12.3, 7.0]),
        ("Members", [12, "[c]"], [12, "[c]"]),
        ("Rate", [float("nan"), 33.36], [None, 33.4]),
        ("Proportion female", [0.12345, 0.5], [0.123, 0.5]),
        ("Members", [12.0, float("nan")], [12, None]),
        ("Rate", ["[c]", 12.345], ["[c]", 12.3]),
        ("Responded", [True, False, None], [True, False, None]),
    ],
)
def test_numbers_are_rounded_as_the_pages_show_them(column, values, expected):
    frame = pd.DataFrame({column: values})
    _, rows = csv_cells(exports.to_csv(frame, exports.Context("t", "f", DATA_DATE)))
    assert [row[0] for row in rows[1:]] == ["" if value is None else str(value) for value in expected]
    data = workbook(exports.to_xlsx(frame, exports.Context("t", "f", DATA_DATE)))["Data"]
    assert [row[0].value for row in data.iter_rows(min_row=2, max_row=len(expected) + 1)] == expected


PAGES = [
    ("dashboard/pages/overview.py", {}),
    *(
        ("dashboard/pages/roadtrip.py", {"roadtrip_section": tab, **place})
        for tab in ("Workshops", "What each place said", "Timeline")
        for place in ({}, {"roadtrip_location": "Glasgow"})
    ),
    *(("dashboard/pages/themes.py", {"themes_where": tab}) for tab in ("By location", "By nation", "By question")),
    ("dashboard/pages/review.py", {}),
    # Leadership's, Profession's and Roadtrip's sections are tabs that run only when chosen: each is opened by its link.
    *(
        ("dashboard/pages/leadership.py", {"leadership_section": tab})
        for tab in (
            "By department",
            "Department by scheme",
            "Acceptance",
            "Application to completion",
            "Trend",
            "Grade and region",
            "Every scheme",
        )
    ),
    *(
        ("dashboard/pages/profession.py", {"profession_section": tab})
        for tab in ("Composition", "Where members are", "Whose voices", "Identified contributors")
    ),
    ("dashboard/pages/taxonomy.py", {}),
]


@pytest.fixture(scope="module")
def offered_downloads(bundled_db):
    """Every table each page offers for download, with its context, as the pages hand them to the buttons."""
    from _pytest.monkeypatch import MonkeyPatch
    from streamlit.testing.v1 import AppTest

    from dashboard import layout

    offered = {}
    real = layout.download_buttons

    def record(table, context, key, label=""):
        offered[key] = (table() if callable(table) else table, context)
        real(table, context, key, label)

    with MonkeyPatch.context() as patch:
        patch.setenv("GSE_DB_PATH", str(bundled_db))
        patch.setattr(layout, "download_buttons", record)
        for page, query in PAGES:
            app = AppTest.from_file(ENTRY, default_timeout=60)
            for name, value in query.items():
                app.query_params[name] = value
            app.run()
            app.switch_page(page)
            open_sections(app.run())
            assert not app.exception, (page, [exception.message for exception in app.exception])
    return offered


def test_every_page_download_opens_with_the_header_first_in_each_format(offered_downloads):
    assert len(offered_downloads) >= 20, sorted(offered_downloads)
    for key, (frame, context) in offered_downloads.items():
        header = [str(column) for column in frame.columns]
        csv_payload = exports.to_csv(frame, context)
        assert list(pd.read_csv(io.BytesIO(csv_payload)).columns) == header, key
        xlsx_payload = exports.to_xlsx(frame, context)
        assert list(pd.read_excel(io.BytesIO(xlsx_payload)).columns) == header, key
        assert [cell.value for cell in openpyxl.load_workbook(io.BytesIO(xlsx_payload)).active[1]] == header, key
        assert list(pd.read_excel(io.BytesIO(exports.to_ods(frame, context))).columns) == header, key
        # pandas read the whole table: every row is there, and no cover note slipped in as a row.
        assert len(pd.read_csv(io.BytesIO(csv_payload))) == len(frame), key


def test_every_page_download_states_the_true_status_and_source(offered_downloads):
    for key, (_, context) in offered_downloads.items():
        facts = dict(context.lines())
        assert facts["Status"].startswith("Illustrative"), key
        assert "bundled sample files" in facts["Source"], key
        assert "unless an import says otherwise" not in facts["Source"], key


def test_no_download_has_an_unrounded_number(offered_downloads):
    long_decimal = re.compile(r"\.\d{4,}")
    for key, (frame, context) in offered_downloads.items():
        text = exports.to_csv(frame, context).decode("utf-8-sig")
        assert not long_decimal.search(text), (key, long_decimal.search(text))


def test_the_ods_keeps_every_cell_as_written_and_freezes_the_header_row():
    # Read back with odfpy, a reader independent of the writer. A writer that collapsed spaces, dropped a line of a
    # two-line cell, stored numbers as text or froze column A instead of row 1 (as pandas' odf writer does) fails.
    text = "  two leading, two  inside,\nand a second line "
    frame = pd.DataFrame({"Suggestion": [text, "=1+1"], "Suggestions": [12, 3], "Share": [0.25, 0.5]})
    data = exports.to_ods(frame, exports.Context(title="Themes", filters="None.", data_date=DATA_DATE))
    read = pd.read_excel(io.BytesIO(data), sheet_name="Data")
    assert read["Suggestion"].tolist() == [text, "'=1+1"]
    assert read["Suggestions"].tolist() == [12, 3] and read["Share"].tolist() == [0.25, 0.5]
    assert read["Suggestions"].dtype.kind in "if", "numbers are numbers, not text"
    # pandas' reader drops tabs, so read the one tab the way ODF writes it (a literal tab would collapse to a space).
    tabbed = exports.to_ods(pd.DataFrame({"a": ["x\ty"]}), exports.Context(title="T", filters="", data_date=DATA_DATE))
    assert "x<text:tab/>y" in zipfile.ZipFile(io.BytesIO(tabbed)).read("content.xml").decode()
    document = load_ods(io.BytesIO(data))
    settings = {
        (entry.getAttribute("name"), item.getAttribute("name")): str(item)
        for entry in document.settings.getElementsByType(ConfigItemMapEntry)
        for item in entry.getElementsByType(ConfigItem)
    }
    assert settings[("Data", "VerticalSplitMode")] == "2" and settings[("Data", "VerticalSplitPosition")] == "1"
    assert settings.get(("Data", "HorizontalSplitMode"), "0") == "0", "no column is frozen"
    assert ("Cover", "VerticalSplitMode") not in settings


def test_every_column_is_rounded_whatever_comes_before_it_and_whatever_the_rows_index():
    # A page hands over a filtered frame (its index has gaps), with counts before the rates.
    frame = pd.DataFrame({"Members": [1, 2], "Share": [0.12345, 0.5], "Rate": [7.25, 10.0]}, index=[3, 7])
    _, rows = csv_cells(exports.to_csv(frame, exports.Context("t", "f", DATA_DATE)))
    # A rate column keeps its one decimal place in the CSV, as the page shows it (10.0); the workbook stores the number.
    assert rows == [["Members", "Share", "Rate"], ["1", "0.123", "7.2"], ["2", "0.5", "10.0"]]
    data = workbook(exports.to_xlsx(frame, exports.Context("t", "f", DATA_DATE)))["Data"]
    assert [[cell.value for cell in row] for row in data.iter_rows()] == [
        ["Members", "Share", "Rate"],
        [1, 0.123, 7.2],
        [2, 0.5, 10],
    ]


def test_a_whole_number_column_with_gaps_stays_a_column_of_integers():
    rounded = exports.rounded(pd.DataFrame({"Miles": [210.0, float("nan"), 4739.0]}))
    assert str(rounded["Miles"].dtype) == "Int64"
    assert rounded["Miles"].tolist() == [210, pd.NA, 4739]


def test_text_that_starts_with_a_letter_is_left_as_it_is():
    frame = pd.DataFrame({"Suggestion": ["X+Y", "XX =1", "Tea=1"]})
    _, rows = csv_cells(exports.to_csv(frame))
    assert rows == [["Suggestion"], ["X+Y"], ["XX =1"], ["Tea=1"]]


def test_the_context_lists_its_facts_with_their_labels_in_order():
    context = exports.Context(title="Members\nby grade", filters="None.", data_date=DATA_DATE, status="Final.")
    facts = context.lines()
    assert [label for label, _ in facts] == [
        "Title",
        "Filters",
        "Data as of",
        "Status",
        "Disclosure control",
        "Source",
        "More",
    ]
    values = dict(facts)
    assert values["Title"] == "Members by grade"
    assert (values["Filters"], values["Data as of"], values["Status"]) == ("None.", "2025-07-09", "Final.")
    assert values["Source"] == "GSE Insight."
    assert values["More"] == "About this data: the page of that name in GSE Insight (/about)."
    assert values["Disclosure control"].strip() and values["Disclosure control"] != "None"


def test_the_workbook_sets_bold_headers_a_large_title_and_widths_that_fit():
    frame = pd.DataFrame(
        {
            "Department": ["Department for Environment, Food and Rural Affairs", "HO"],
            "n": [1, 2],
            "Notes": ["x" * 70, None],
            "Code": ["abcdef", "abc"],
        }
    )
    book = workbook(exports.to_xlsx(frame, exports.Context("Members", "None.", DATA_DATE)))
    data, cover = book["Data"], book["Cover"]
    assert [cell.font.bold for cell in data[1]] == [True, True, True, True]
    assert [cell.font.bold for cell in data[2]] == [False, False, False, False]
    # The longest cell plus 2, at least 8 and at most 60: 50 + 2, "n" (1 + 2 made 8), 70 capped, "abcdef" (6 + 2).
    assert [data.column_dimensions[letter].width for letter in "ABCD"] == [52, 8, 60, 8]
    assert cover["A1"].value == "Members" and cover["A1"].font.bold and cover["A1"].font.size == 14
    assert not cover["A2"].font.bold
    assert (cover.column_dimensions["A"].width, cover.column_dimensions["B"].width) == (20, 100)


def test_column_widths_fit_the_longest_cell_of_each_column_within_limits():
    assert exports.column_widths([]) == []
    rows = [["ab", None], ["abcdefghij", 12345, "y" * 59], ["abcdefg"]]
    # "abcdefghij" 10 + 2; 12345 is 5 characters, 7 made 8; 59 + 2 capped at 60.
    assert exports.column_widths(rows) == [12, 8, 60]
    assert exports.column_widths([["abcdefg"], [None]]) == [9]


def test_a_table_with_no_rows_keeps_its_filtered_header_and_one_with_no_columns_has_no_filter():
    empty = pd.DataFrame({"Theme": pd.Series([], dtype=object), "Suggestions": pd.Series([], dtype="int64")})
    sheet = workbook(exports.to_xlsx(empty, exports.Context("t", "f", DATA_DATE)))["Data"]
    assert [cell.value for cell in sheet[1]] == ["Theme", "Suggestions"]
    assert sheet.auto_filter.ref == "A1:B1"
    bare = workbook(exports.to_xlsx(pd.DataFrame(), exports.Context("t", "f", DATA_DATE)))["Data"]
    assert bare.auto_filter.ref is None


ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}


def local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def assert_no_stray_text(root) -> None:
    """Only paragraphs and settings hold text: no characters between the elements of the document's structure."""
    for element in root.iter():
        if local(element.tag) not in {"p", "s", "tab", "config-item"}:
            assert element.text is None, (element.tag, element.text)
        if local(element.tag) not in {"s", "tab"}:
            assert element.tail is None, (element.tag, element.tail)


def paragraph_text(paragraph) -> str:
    """A paragraph's text by the ODF rules: `text:s` is `c` spaces (1 if absent), `text:tab` a tab."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        parts.append(" " * int(child.get(f"{{{ODF['text']}}}c", "1")) if local(child.tag) == "s" else "\t")
        parts.append(child.tail or "")
    return "".join(parts)


def ods_cells(payload: bytes) -> dict[str, list[list[tuple[dict, list[str]]]]]:
    """Each sheet's cells as (attributes without their namespace, paragraph texts), read with ElementTree."""
    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(payload)).read("content.xml"))
    assert_no_stray_text(root)
    spreadsheet = root.find("office:body/office:spreadsheet", ODF)
    return {
        table.get(f"{{{ODF['table']}}}name"): [
            [
                (
                    {local(key): value for key, value in cell.attrib.items()},
                    [paragraph_text(p) for p in cell.findall("text:p", ODF)],
                )
                for cell in row.findall("table:table-cell", ODF)
            ]
            for row in table.findall("table:table-row", ODF)
        ]
        for table in spreadsheet.findall("table:table", ODF)
    }


def test_the_ods_writes_each_value_as_a_cell_of_its_type_with_its_text_as_written():
    texts = ["two  spaces", " lead", "x\ty", "line one\nline two", "cr\rhere", "a<b&c"]
    values = [
        None,
        float("nan"),
        True,
        False,
        12,
        np.int64(7),
        0.25,
        -3.0,
        date(2025, 7, 9),
        datetime(2025, 7, 9, 13, 5),
    ]
    payload = ods.workbook([('Tom & "Jerry"', [texts, values]), ("Second", [["only"]])])
    sheets = ods_cells(payload)
    assert list(sheets) == ['Tom & "Jerry"', "Second"]
    first, second = sheets['Tom & "Jerry"']
    assert first == [
        ({"value-type": "string"}, ["two  spaces"]),
        ({"value-type": "string"}, [" lead"]),
        ({"value-type": "string"}, ["x\ty"]),
        ({"value-type": "string"}, ["line one", "line two"]),
        ({"value-type": "string"}, ["cr\rhere"]),
        ({"value-type": "string"}, ["a<b&c"]),
    ]
    assert second == [
        ({}, []),
        ({}, []),
        ({"value-type": "boolean", "boolean-value": "true"}, ["TRUE"]),
        ({"value-type": "boolean", "boolean-value": "false"}, ["FALSE"]),
        ({"value-type": "float", "value": "12"}, ["12"]),
        ({"value-type": "float", "value": "7"}, ["7"]),
        ({"value-type": "float", "value": "0.25"}, ["0.25"]),
        ({"value-type": "float", "value": "-3"}, ["-3"]),
        ({"value-type": "date", "date-value": "2025-07-09"}, ["2025-07-09"]),
        ({"value-type": "date", "date-value": "2025-07-09T13:05:00"}, ["2025-07-09T13:05:00"]),
    ]
    assert sheets["Second"] == [[({"value-type": "string"}, ["only"])]]
    content = zipfile.ZipFile(io.BytesIO(payload)).read("content.xml").decode()
    # Spaces a reader would collapse are written as ODF space elements, a tab as a tab element.
    assert 'two<text:s text:c="2"/>spaces' in content and '<text:s text:c="1"/>lead' in content
    assert "x<text:tab/>y" in content and "\t" not in content


def test_the_ods_is_a_zip_that_spreadsheets_recognise_with_its_frozen_sheets_in_its_settings():
    payload = ods.workbook(
        [("Data", [["a"], [1]]), ("Cover", [["t"]]), ("Notes", [["n"]])], frozen_header=("Data", "Notes")
    )
    archive = zipfile.ZipFile(io.BytesIO(payload))
    first, *rest = archive.infolist()
    # ODF 1.2 part 3, 3.3: the first entry is "mimetype", stored uncompressed, so its bytes sit at a fixed offset.
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert payload[30:38] == b"mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert [(info.filename, info.compress_type) for info in rest] == [
        ("META-INF/manifest.xml", zipfile.ZIP_DEFLATED),
        ("content.xml", zipfile.ZIP_DEFLATED),
        ("settings.xml", zipfile.ZIP_DEFLATED),
    ]
    manifest = ElementTree.fromstring(archive.read("META-INF/manifest.xml"))
    path, media = f"{{{ODF['manifest']}}}full-path", f"{{{ODF['manifest']}}}media-type"
    assert [(entry.get(path), entry.get(media)) for entry in manifest] == [
        ("/", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", "text/xml"),
        ("settings.xml", "text/xml"),
    ]
    settings = ElementTree.fromstring(archive.read("settings.xml"))
    assert_no_stray_text(settings)
    name = f"{{{ODF['config']}}}name"
    (item_set,) = settings.find("office:settings", ODF)
    assert item_set.get(name) == "ooo:view-settings"
    (views,) = item_set
    assert (local(views.tag), views.get(name)) == ("config-item-map-indexed", "Views")
    (view,) = views
    (tables,) = view
    assert (local(tables.tag), tables.get(name)) == ("config-item-map-named", "Tables")
    frozen = {entry.get(name): {item.get(name): item.text for item in entry} for entry in tables}
    expected = {
        "HorizontalSplitMode": "0",
        "VerticalSplitMode": "2",
        "VerticalSplitPosition": "1",
        "ActiveSplitRange": "2",
        "PositionBottom": "1",
    }
    assert frozen == {"Data": expected, "Notes": expected}
    assert list(ods_cells(payload)) == ["Data", "Cover", "Notes"]
