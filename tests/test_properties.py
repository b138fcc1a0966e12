"""Property-based tests (hypothesis) where the input space is large: disclosure control, links and exports.

Each property is checked against a reader or solver written here or in tests/test_disclosure.py, never the code under
test. Runs are derandomised (the same examples every run, so CI cannot flake); set HYPOTHESIS_PROFILE=explore to
search afresh with more examples.
"""

import csv
import io
import os
import re
import zipfile
from datetime import date
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dashboard import attendees, disclosure, exports
from tests.test_disclosure import (
    assert_protected,
    cells_of,
    hidden_cells,
    rollup_equations,
    two_way,
    two_way_equations,
    workshop_rollup,
)

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "explore", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A count of people: small ones (below every threshold tried) as often as large ones, zeros included.
COUNTS = st.one_of(st.integers(0, 9), st.integers(10, 90))
THRESHOLDS = st.sampled_from([5, 10, 35])


@st.composite
def two_way_tables(draw):
    departments = draw(st.integers(2, 6))
    schemes = draw(st.integers(2, 5))
    return {
        (f"D{d}", f"s{s}"): draw(COUNTS) for d in range(departments) for s in range(schemes)
    }  # fmt: skip


@settings(max_examples=60)
@given(values=two_way_tables(), k=THRESHOLDS)
def test_no_blank_of_any_two_way_table_can_be_worked_out(values, k):
    frame = two_way(values)
    result = disclosure.suppress(frame, ["n"], margins=["department_id", "scheme_id"], k=k)
    hidden = hidden_cells(result, ["n"])
    shown = result["n"].dropna()
    assert (shown >= k).all(), "no shown count is below k"
    assert (shown == frame.loc[shown.index, "n"]).all(), "shown counts are the true counts"
    assert {row for row, _ in hidden} >= set(np.flatnonzero(frame["n"] < k)), "every small count is blank"
    assert_protected(two_way_equations(frame), cells_of(frame, ["n"]), hidden)


@st.composite
def workshop_rollups(draw):
    """Workshops within locations within regions, with every total, as attendee_totals returns them."""
    rows = []
    for region in range(draw(st.integers(1, 4))):
        for location in range(draw(st.integers(1, 3))):
            for workshop in range(draw(st.integers(1, 3))):
                value = draw(st.one_of(st.none(), COUNTS))
                rows.append((f"R{region}", f"l{region}{location}", f"w{region}{location}{workshop}", value))
    return workshop_rollup(rows)


@settings(max_examples=60)
@given(frame=workshop_rollups(), k=THRESHOLDS)
def test_no_blank_of_any_attendee_rollup_can_be_worked_out(frame, k):
    result = disclosure.suppress(frame, **attendees.PROTECTION, k=k)
    recorded = frame["attendees"].notna()
    hidden = {cell for cell in hidden_cells(result, ["attendees"]) if recorded.iat[cell[0]]}
    shown = result["attendees"].dropna()
    assert (shown >= k).all() and (shown == frame.loc[shown.index, "attendees"]).all()
    assert {(row, "attendees") for row in np.flatnonzero(frame["attendees"].fillna(k) < k)} <= hidden
    values = {cell: value for cell, value in cells_of(frame, ["attendees"]).items() if not np.isnan(value)}
    assert_protected(rollup_equations(frame), values, hidden)


@settings(max_examples=40)
@given(
    parts=st.lists(COUNTS, min_size=2, max_size=6),
    k=THRESHOLDS,
)
def test_no_blank_of_a_row_of_stages_can_be_worked_out(parts, k):
    # A funnel: the stages add up to the applications within the one row.
    names = [f"stage{index}" for index in range(len(parts))]
    frame = pd.DataFrame([[sum(parts), *parts]], columns=["applications", *names])
    columns = list(frame.columns)
    result = disclosure.suppress(frame, columns, sums={"applications": names}, k=k)
    hidden = hidden_cells(result, columns)
    assert {(0, column) for column in columns if frame.at[0, column] < k} <= hidden
    equations = [{(0, "applications"): -1, **{(0, name): 1 for name in names}}]
    assert_protected(equations, cells_of(frame, columns), hidden)


# Text a member could type, or a link could carry: formulas, control characters, spaces, other scripts.
AWKWARD = st.text(
    alphabet=st.one_of(
        st.sampled_from([*"=+-@\t\r\n \"',;|!", "\x00", "\x1b", "\u2028", "\x7f", "\x85"]),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=30,
)
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTEXT = exports.Context(title="Suggestions", filters="No filters: all data.", data_date=date(2025, 7, 9))


def expected_cell(text: str, xml: bool) -> str:
    """What a spreadsheet should read back: the text, control characters XML cannot hold as spaces, and an apostrophe
    before anything a spreadsheet would run as a formula (README "Downloads")."""
    if xml:
        text = XML_ILLEGAL.sub(" ", text)
    return "'" + text if text.lstrip(" ").startswith(DANGEROUS) else text


def frame_of(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"Suggestion": texts, "Count": list(range(len(texts)))})


def ods_rows(payload: bytes, sheet: str) -> list[list[str]]:
    """The text of every cell of a sheet, read from content.xml by the ODF rules for spaces, tabs and paragraphs."""
    ns = {
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    }
    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(payload)).read("content.xml"))

    def paragraph(element) -> str:
        parts = [element.text or ""]
        for child in element:
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "s":
                parts.append(" " * int(child.get(f"{{{ns['text']}}}c", "1")))
            elif tag == "tab":
                parts.append("\t")
            elif tag == "line-break":
                parts.append("\n")
            else:
                parts.append(paragraph(child))
            parts.append(child.tail or "")
        return "".join(parts)

    (table,) = [t for t in root.iter(f"{{{ns['table']}}}table") if t.get(f"{{{ns['table']}}}name") == sheet]
    return [
        ["\n".join(paragraph(p) for p in cell.findall("text:p", ns)) for cell in row.findall("table:table-cell", ns)]
        for row in table.findall("table:table-row", ns)
    ]


@settings(max_examples=80)
@given(texts=st.lists(AWKWARD, min_size=1, max_size=4))
def test_any_text_comes_back_from_the_csv_as_text_and_never_as_a_formula(texts):
    payload = exports.to_csv(frame_of(texts), CONTEXT)
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8").removeprefix("\ufeff"), newline="")))
    assert rows[0] == ["Suggestion", "Count"]
    assert [row[0] for row in rows[1:]] == [expected_cell(text, xml=False) for text in texts]
    assert len(rows) == len(texts) + 1, "no text breaks out of its cell into a row of its own"


@settings(max_examples=60)
@given(texts=st.lists(AWKWARD, min_size=1, max_size=4), title=AWKWARD, filters=AWKWARD)
def test_any_text_comes_back_from_the_xlsx_as_text_and_never_as_a_formula(texts, title, filters):
    context = exports.Context(title=title or "t", filters=filters, data_date=date(2025, 7, 9))
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame_of(texts), context)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    read = [cell.value for cell in book["Data"]["A"][1:]]
    assert [value or "" for value in read] == [expected_cell(text, xml=True) for text in texts]


@settings(max_examples=60)
@given(texts=st.lists(AWKWARD, min_size=1, max_size=4))
def test_any_text_comes_back_from_the_ods_as_text_and_never_as_a_formula(texts):
    payload = exports.to_ods(frame_of(texts), CONTEXT)
    content = zipfile.ZipFile(io.BytesIO(payload)).read("content.xml").decode()
    assert "table:formula" not in content and "<text:a" not in content
    rows = ods_rows(payload, exports.DATA_SHEET)
    assert [row[0] for row in rows[1:]] == [expected_cell(text, xml=True) for text in texts]


@settings(max_examples=60)
@given(rows=st.lists(st.lists(st.one_of(AWKWARD, st.integers(-5, 5), st.none()), min_size=1, max_size=3), max_size=4))
def test_any_chart_data_embedded_in_the_pack_is_inert(rows):
    # boardpack embeds each chart's numbers as such a workbook: no cell may become a formula or a link.
    book = openpyxl.load_workbook(io.BytesIO(exports.sheet_xlsx(rows)))
    assert book.sheetnames == ["Sheet1"]
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert not cell.value.lstrip(" ").startswith(DANGEROUS), cell.value
    assert not book.active._hyperlinks
    # Each value reads back as written (text made safe as in every download); an empty text cell reads back empty.
    read = [[cell.value for cell in row] for row in book.active.iter_rows(max_col=max(map(len, rows), default=1))]
    for written, got in zip(rows, read, strict=False):
        for value, cell in zip(written, got, strict=False):
            if value is None or value == "":
                assert cell is None, (value, cell)
            elif isinstance(value, str):
                assert cell == expected_cell(value, xml=True), (value, cell)
            else:
                assert cell == value, (value, cell)


LINK_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)


@st.composite
def links(draw, choices: dict[str, list[str]]):
    """A link's shared filter parameters: each a list of values, valid ones mixed with anything at all."""
    return {
        key: draw(st.lists(st.one_of(st.sampled_from(valid), LINK_TEXT), max_size=3))
        for key, valid in choices.items()
        if draw(st.booleans())
    }


def link_choices(csvs: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """What each sidebar parameter may hold, read from the fixture CSVs: the labels a widget writes into a link."""
    return {
        "theme": csvs["themes"]["label"].tolist(),
        "nation": ["England", "Scotland", "Wales", "Northern Ireland"],
        "location": csvs["locations"]["name"].tolist(),
        "department": csvs["departments"]["name"].tolist(),
    }


def test_any_link_keeps_only_valid_values_and_names_every_dropped_one(fixture_db, fixture_csvs, use_db, open_page):
    use_db(fixture_db)
    choices = link_choices(fixture_csvs)
    ids = {
        "theme": dict(zip(fixture_csvs["themes"]["label"], fixture_csvs["themes"]["theme_id"], strict=True)),
        "location": dict(zip(fixture_csvs["locations"]["name"], fixture_csvs["locations"]["location_id"], strict=True)),
        "department": dict(
            zip(fixture_csvs["departments"]["name"], fixture_csvs["departments"]["department_id"], strict=True)
        ),
    }
    nation_of = dict(zip(fixture_csvs["locations"]["name"], fixture_csvs["locations"]["nation"], strict=True))

    # No shrinking: each example is a whole app run, and shrinking a failure took minutes.
    @settings(max_examples=12, phases=[Phase.explicit, Phase.reuse, Phase.generate])
    @given(query=links(choices))
    def check(query):
        app = open_page(query=query)
        assert not app.exception, query
        warnings = [warning.value for warning in app.warning]
        active = app.session_state["active_filters"]
        for key, values in query.items():
            dropped = [value for value in values if value and value not in choices[key]]
            notice = f"Ignored {len(dropped)} unknown {key} value(s) in the link."
            assert (notice in warnings) == bool(dropped), (query, warnings)
        chosen_nations = [value for value in query.get("nation", []) if value in choices["nation"]]
        assert set(active.nations) == set(chosen_nations)
        assert set(active.theme_ids) == {
            ids["theme"][value] for value in query.get("theme", []) if value in ids["theme"]
        }
        assert set(active.department_ids) == {
            ids["department"][value] for value in query.get("department", []) if value in ids["department"]
        }
        assert set(active.location_ids) == {
            ids["location"][value]
            for value in query.get("location", [])
            if value in ids["location"] and (not chosen_nations or nation_of[value] in chosen_nations)
        }

    check()


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Themes by location", "gse-themes-by-location-2025-07-09"),
        ("  Suggestions: CPD & Skills (2025)! ", "gse-suggestions-cpd-skills-2025-2025-07-09"),
        ('=HYPERLINK("x")', "gse-hyperlink-x-2025-07-09"),
    ],
)
def test_a_download_is_named_after_its_table_and_the_data_date(title, stem):
    assert exports.Context(title=title, filters="", data_date=date(2025, 7, 9)).file_stem() == stem
