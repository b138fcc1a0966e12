"""The board pack and HTML report builders, on hand-made slides."""

import base64
import re
import zipfile
from datetime import date
from io import BytesIO

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.util import Inches, Pt

from dashboard import charts
from dashboard.story import boardpack, report
from dashboard.story.slides import Series, Slide
from tests import hostile_data

SLIDES = [
    Slide(
        section="At a glance",
        headline="The tour held 14 workshops",
        table=pd.DataFrame({"KPI": ["Members"], "Value": ["11,145"]}),
        kpis=(("Members", "11,145"), ("Workshops", "14")),
        notes=("The tour held 14 workshops", "CPD is the most common theme"),
    ),
    Slide(
        section="Leadership access",
        headline="EA lags behind",
        table=pd.DataFrame({"Department": ["EA", "IPO", "MOD"], "Participants": ["40", "[c]", "=cmd"]}),
        figure=go.Figure(go.Bar(x=[40, 90], y=["EA", "MOD"], orientation="h")),
        series=Series(categories=("EA", "IPO", "MOD"), values=(40, None, 90), name="Participants"),
        notes=("<script>alert(1)</script>",),
    ),
]


def test_board_pack_has_native_charts_and_no_suppressed_values():
    deck = Presentation(BytesIO(boardpack.build(SLIDES, filters="No filters", data_date=date(2025, 7, 9))))
    assert len(deck.slides) == 3
    title_text = " ".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert "9 July 2025" in title_text and "No filters" in title_text
    charts = [shape.chart for shape in deck.slides[2].shapes if shape.has_chart]
    assert len(charts) == 1
    plot = charts[0].plots[0]
    assert list(plot.categories) == ["MOD", "EA"]
    assert list(plot.series[0].values) == [90, 40]
    notes = deck.slides[2].notes_slide.notes_text_frame.text
    assert "EA lags behind" in notes


def test_report_is_self_contained_and_escapes_text():
    html = report.build(SLIDES, filters="Themes: <b>CPD</b>", data_date=date(2025, 7, 9)).decode()
    assert "<script src=" not in html
    assert "Plotly" in html and 'id="figure-1"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;CPD&lt;/b&gt;" in html
    assert "@page { size: A4 landscape" in html


def _pack(bundled_db, use_db, monkeypatch, **filters):
    from dashboard.filters import Filters
    from dashboard.story import standard

    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    use_db(bundled_db)
    return Presentation(BytesIO(standard.board_pack(Filters(**filters))))


def _sections(deck) -> dict[str, list]:
    """The pack's slides after the title, by their section label."""
    sections: dict[str, list] = {}
    for slide in list(deck.slides)[1:]:
        sections.setdefault(_section(slide), []).append(slide)
    return sections


def test_board_pack_on_the_bundled_data_matches_the_pages(bundled_db, bundled_csvs, use_db, monkeypatch):
    deck = _pack(bundled_db, use_db, monkeypatch)
    # The title, the five story slides; the roadtrip's and the leadership's tables follow on continuation slides.
    order = [_section(slide) for slide in list(deck.slides)[1:]]
    assert order[:5] == ["AT A GLANCE", "ROADTRIP", "ROADTRIP: TABLE", "SUGGESTION THEMES", "LEADERSHIP ACCESS"]
    profession_at = order.index("PROFESSION")
    assert profession_at > 5 and all(
        section.startswith("LEADERSHIP ACCESS: TABLE") for section in order[5:profession_at]
    )
    sections = _sections(deck)
    # The Profession finding, counted from the CSVs: a region is under-represented when its share of suggestions
    # (by the region of the workshop) is below 0.8 of its share of members.
    csvs = bundled_csvs
    member_share = csvs["members"]["region"].value_counts(normalize=True)
    heard = csvs["suggestions"].merge(csvs["workshops"], on="workshop_id").merge(csvs["locations"], on="location_id")
    ratio = heard["region"].value_counts(normalize=True).reindex(member_share.index).fillna(0) / member_share
    expected = f"{int((ratio < 0.8).sum())} of {len(member_share)} regions and nations are under-represented"
    assert expected in " ".join(_texts(sections["PROFESSION"][0]))
    leadership_tables = [
        slide for name, slides in sections.items() if name.startswith("LEADERSHIP ACCESS: TABLE") for slide in slides
    ]
    departments = [row.cells[0].text for slide in leadership_tables for row in list(_only_table(slide).rows)[1:]]
    assert sorted(departments) == sorted(bundled_csvs["departments"]["name"])
    kpi_text = " ".join(_texts(sections["AT A GLANCE"][0]))
    assert f"{len(bundled_csvs['members']):,}" in kpi_text
    # The roadtrip slide has the map as a picture with its description, and its key beside it.
    (roadtrip_slide,) = sections["ROADTRIP"]
    (picture,) = [shape for shape in roadtrip_slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert picture.image.content_type == "image/png" and picture.height > Inches(4)
    description = picture._element.nvPicPr.cNvPr.get("descr")
    assert description.startswith("Map of the UK with 12 tour locations, numbered in date order from York")
    assert any(
        text.startswith("Numbers before the names are the stops in date order") for text in _texts(roadtrip_slide)
    )
    stops = _only_table(sections["ROADTRIP: TABLE"][0])
    header = [cell.text for cell in stops.rows[0].cells]
    miles_column = header.index("Miles travelled (reported)")
    miles = [float(row.cells[miles_column].text.replace(",", "") or 0) for row in list(stops.rows)[1:]]
    assert len(miles) == len(bundled_csvs["workshops"])
    assert sum(miles) == bundled_csvs["workshops"]["miles_travelled"].sum()
    theme_chart = next(shape.chart for shape in sections["SUGGESTION THEMES"][0].shapes if shape.has_chart)
    with_theme = bundled_csvs["suggestions"]
    assert sum(theme_chart.plots[0].series[0].values) == len(with_theme)
    (leadership_slide,) = sections["LEADERSHIP ACCESS"]
    assert "acceptance rate" in leadership_slide.notes_slide.notes_text_frame.text
    # The leadership chart shows exactly the departments whose rate the table does not suppress.
    leadership_chart = next(shape.chart for shape in leadership_slide.shapes if shape.has_chart)
    rates = {
        row.cells[0].text: row.cells[3].text for slide in leadership_tables for row in list(_only_table(slide).rows)[1:]
    }
    assert len(list(leadership_chart.plots[0].categories)) == sum(rate != "[c]" for rate in rates.values())


def test_the_pack_and_the_report_state_the_data_status_and_source(bundled_db, use_db, monkeypatch):
    from dashboard.filters import Filters
    from dashboard.story import standard

    deck = _pack(bundled_db, use_db, monkeypatch)
    title = " ".join(_texts(deck.slides[0]))
    notes = deck.slides[0].notes_slide.notes_text_frame.text
    for text in (title, notes):
        assert "Status: Illustrative" in text
        assert "About this data" in text
    assert "Source: GSE Insight's bundled sample files (data/*.csv)" in notes
    html = standard.html_report(Filters()).decode()
    assert "Status: Illustrative: synthetic sample data" in html
    assert "Source: GSE Insight&#x27;s bundled sample files" in html and "About this data" in html


def test_board_pack_shows_no_count_below_the_threshold(bundled_db, use_db, monkeypatch):
    deck = _pack(bundled_db, use_db, monkeypatch)
    _assert_presentable(deck)
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                header = [cell.text for cell in shape.table.rows[0].cells]
                for row in list(shape.table.rows)[1:]:
                    for name, cell in zip(header, row.cells, strict=True):
                        if name in {"Participants", "Applications", "Members"} and cell.text != "[c]":
                            assert int(cell.text.replace(",", "")) >= 10, (name, cell.text)


def test_board_pack_follows_the_filters(bundled_db, bundled_csvs, use_db, monkeypatch):
    deck = _pack(bundled_db, use_db, monkeypatch, theme_ids=("cpd",))
    theme_chart = next(shape.chart for shape in _sections(deck)["SUGGESTION THEMES"][0].shapes if shape.has_chart)
    assert list(theme_chart.plots[0].categories) == ["CPD"]
    title_text = " ".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert "Themes: CPD" in title_text


def _texts(slide) -> list[str]:
    """The non-empty text boxes of a slide, top to bottom as they were added."""
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text]


def _section(slide) -> str:
    """The slide's section label: its first text after the title (the title placeholder holds the headline)."""
    return next(
        shape.text_frame.text
        for shape in slide.shapes
        if shape.has_text_frame and shape.text_frame.text and not shape.is_placeholder
    )


def _only_table(slide):
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    return table


def _runs(slide):
    """Every run of text on a slide, in text boxes and table cells."""
    for shape in slide.shapes:
        frames = [shape.text_frame] if shape.has_text_frame else []
        if shape.has_table:
            frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
        for frame in frames:
            for paragraph in frame.paragraphs:
                yield from paragraph.runs


def _assert_presentable(deck) -> None:
    """Inside the slide, nothing under 12 pt, a footer with the source and the slide number on every slide."""
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= deck.slide_width, (number, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (number, shape.name)
            if shape.has_table:
                # The table's rows end above the footer rule, and its columns add up to its frame.
                assert shape.top + sum(row.height for row in shape.table.rows) <= boardpack.FOOTER_TOP, number
                assert sum(column.width for column in shape.table.columns) == shape.width, number
            if shape.has_chart:
                chart = shape.chart
                plot = chart.plots[0]
                assert chart.font.size >= Pt(12)
                assert not plot.has_data_labels or plot.data_labels.font.size >= Pt(12)
                assert chart.category_axis.tick_labels.font.size >= Pt(12)
                assert None not in list(plot.series[0].values)
                assert plot.series[0].format.fill.fore_color.rgb == RGBColor.from_string(charts.DARK_BLUE[1:])
        runs = [run for run in _runs(slide) if run.text.strip()]
        assert runs, number
        for run in runs:
            assert run.font.size is not None and run.font.size >= Pt(12), (number, run.text, run.font.size)
            assert run.font.name == "Arial", (number, run.text)
        texts = _texts(slide)
        assert any(text.startswith("Source: GSE Insight. Data as of ") for text in texts), number
        assert f"{number} / {total}" in texts, number


def test_every_slide_fits_has_readable_type_and_a_footer():
    long = Slide(
        section="Departments",
        headline="A very long headline that states the finding at length, " * 3,
        table=pd.DataFrame(
            {
                "Department": [f"Department for Long Names and Further Words number {i}" for i in range(40)],
                "Members": [f"{100 + i:,}" if i % 5 else "[c]" for i in range(40)],
            }
        ),
        series=Series(
            categories=tuple(f"D{i}" for i in range(40)),
            values=tuple(None if i % 5 == 0 else 100.0 + i for i in range(40)),
            name="Members",
        ),
        notes=("Department 39 has the most members.",),
    )
    wide = Slide(
        section="Stops",
        headline="Stops",
        table=pd.DataFrame(
            {f"Column with a long header {i}": ["A cell with several words in it"] * 14 for i in range(8)}
        ),
    )
    deck = Presentation(
        BytesIO(boardpack.build([*SLIDES, long, wide], filters="No filters: all data.", data_date=date(2025, 7, 9)))
    )
    _assert_presentable(deck)
    # The 40-row table is too long to sit beside its chart: it follows whole on continuation slides.
    continued = [slide for slide in deck.slides if _section(slide).startswith("DEPARTMENTS: TABLE")]
    assert len(continued) >= 2
    rows = [row.cells[0].text for slide in continued for row in list(_only_table(slide).rows)[1:]]
    assert rows == list(long.table["Department"])
    (chart,) = [
        shape.chart
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart and shape.chart.plots[0].categories[0].startswith("D")
    ]
    assert "D0" not in list(chart.plots[0].categories) and len(list(chart.plots[0].categories)) == 32
    assert any("Not charted ([c], suppressed): D0, D5," in text for slide in deck.slides for text in _texts(slide))


def test_headline_shrinks_to_two_lines_but_never_below_20pt():
    assert boardpack.headline_size("CPD is the most common theme") == 28
    long = "14 workshops in 12 locations over 4,739 reported miles (a 1,869-mile route as the crow flies); London produced the most suggestions (311)."
    assert 20 <= boardpack.headline_size(long) < 28
    size = boardpack.headline_size(long)
    assert boardpack.line_count(long, boardpack.CONTENT_WIDTH, size, bold=True) <= 2
    assert boardpack.headline_size(long * 3) == 20


def test_table_cells_are_written_as_a_reader_expects():
    table = pd.DataFrame(
        {
            "Date": [date(2025, 3, 5), date(2025, 7, 9)],
            "Miles": [210.0, 1855.0],
            "Rate": [47.5, 60.0],
            "Stop": [1, 2],
            "Attendees": ["38", "not recorded"],
            "Venue": ["1 Victoria Street", "Concept House"],
        }
    )
    layout = boardpack.table_layout(table, boardpack.CONTENT_WIDTH)
    assert layout.rows == (
        ("5 Mar 2025", "210", "47.5", "1", "38", "1 Victoria Street"),
        ("9 Jul 2025", "1,855", "60.0", "2", "not recorded", "Concept House"),
    )
    assert layout.numeric == (False, True, True, True, True, False)
    assert sum(layout.widths) == boardpack.CONTENT_WIDTH


# A4 landscape less the report's 12 mm side margins, in CSS pixels (96 a inch).
def test_report_tables_and_figures_are_laid_out_for_print():
    table = pd.DataFrame({"Venue": ["<b>Concept House</b>"], "Miles": [12.0], "Date": [date(2025, 4, 24)]})
    html = report.table_html(table)
    # Escaped, short cells kept on one line, numbers right-aligned and written as in the board pack.
    assert '<td class="nowrap">&lt;b&gt;Concept House&lt;/b&gt;</td>' in html
    assert '<td class="number nowrap">12</td>' in html and '<td class="nowrap">24 Apr 2025</td>' in html
    assert '<table class="whole">' in html
    tall = Slide(
        section="Departments",
        headline="EA lags behind",
        table=pd.DataFrame({"Department": [f"D{i}" for i in range(40)]}),
        figure=go.Figure(go.Bar(x=list(range(40)), y=[f"D{i}" for i in range(40)], orientation="h")).update_layout(
            title="EA lags behind", height=1200
        ),
    )
    html = report.build([tall], filters="No filters: all data.", data_date=date(2025, 7, 9)).decode()
    figure = html[html.index('id="figure-0"') :]
    # Fitted to the page: fixed width and capped height, every category named, the repeated title dropped.
    assert f'"width":{report.FIGURE_WIDTH}' in figure.replace(" ", "")
    assert f'"height":{report.FIGURE_MAX_HEIGHT}' in figure.replace(" ", "")
    assert '"tickvals":["D0","D1"' in figure.replace(" ", "")
    assert '"text":"EA lags behind"' not in figure.replace(" ", "")
    assert "<table>" in html  # 40 rows: allowed to break across pages


def test_report_shows_the_map_as_a_described_picture(bundled_db, use_db, monkeypatch):
    from dashboard.filters import Filters
    from dashboard.story import standard

    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    use_db(bundled_db)
    html = standard.html_report(Filters()).decode()
    (found,) = re.findall(r'<img class="map" src="data:image/png;base64,([^"]+)" alt="([^"]+)"', html)
    picture = Image.open(BytesIO(base64.b64decode(found[0])))
    assert picture.format == "PNG" and picture.height == 2 * report.MAP_HEIGHT
    assert found[1].startswith("Map of the UK with 12 tour locations")
    assert "Numbers before the names are the stops in date order" in html


def test_a_pack_for_any_one_department_builds_and_shows_no_small_count(bundled_db, bundled_csvs, use_db, monkeypatch):
    """Small departments have every acceptance rate suppressed: the slide says so instead of drawing an empty chart."""
    for department_id in bundled_csvs["departments"]["department_id"]:
        deck = _pack(bundled_db, use_db, monkeypatch, department_ids=(department_id,))
        _assert_presentable(deck)
        (leadership,) = _sections(deck)["LEADERSHIP ACCESS"]
        charts = [shape.chart for shape in leadership.shapes if shape.has_chart]
        texts = _texts(leadership)
        assert charts or "Acceptance rate (%): no chart, as every value is suppressed ([c])." in texts, department_id


def test_a_chart_of_nothing_says_why():
    empty = Slide(
        section="Suggestion themes",
        headline="No suggestions match the filters",
        table=pd.DataFrame({"Theme": [], "Suggestions": []}),
        series=Series(categories=(), values=(), name="Suggestions"),
    )
    deck = Presentation(BytesIO(boardpack.build([empty], filters="Dates: 2020", data_date=date(2025, 7, 9))))
    assert "Suggestions: no chart, as nothing matches the filters." in _texts(deck.slides[1])
    assert not any(shape.has_chart for shape in deck.slides[1].shapes)


def test_pack_charts_hold_the_numbers_the_pages_draw(bundled_db, use_db, monkeypatch):
    from dashboard import data, leadership, theme_views
    from dashboard.filters import Filters

    for filters in (Filters(), Filters(nations=("Scotland",), department_ids=("EA", "MOD", "DSTL"))):
        sections = _sections(_pack(bundled_db, use_db, monkeypatch, **vars(filters)))
        # The Themes page's bar chart, built as the page builds it.
        # Its bars are stacked by how each theme's suggestions got their theme: a bar's length is the sum of its parts.
        page_bars: dict[str, float] = {}
        for part in theme_views.theme_bar(data.query("theme_counts", **filters.params())).data:
            for label, count in zip(part.y, part.x, strict=True):
                page_bars[label] = page_bars.get(label, 0) + count
        pack_chart = next(shape.chart for shape in sections["SUGGESTION THEMES"][0].shapes if shape.has_chart)
        plot = pack_chart.plots[0]
        assert page_bars and dict(zip(plot.categories, plot.series[0].values, strict=True)) == page_bars
        # The Leadership page's access chart (all schemes, these departments): one dot per department it can show.
        params = {
            "department_ids": filters.department_ids or None,
            "grades": None,
            "cohort_years": None,
            "scheme_id": None,
        }
        tables = leadership.protected_tables(params)
        ref = leadership.reference(**_reference_inputs(params), scheme_id=None)
        view = leadership.department_view(
            tables["schemes"], tables["members"], data.query("department_options"), None, ref["acceptance_rate"]
        )
        dots = {
            department: round(100 * rate, 1)
            for trace in leadership.interval_chart(view, "department_id", ref, "", hover="name").data
            if trace.mode == "markers" and trace.error_x.array is not None
            for department, rate in zip(trace.y, trace.x, strict=True)
        }
        slide = sections["LEADERSHIP ACCESS"][0]
        frame = next(shape for shape in slide.shapes if shape.has_chart)
        plot = frame.chart.plots[0]
        bars = dict(zip(plot.categories, plot.series[0].values, strict=True))
        assert dots and {category.removesuffix(" (below)"): value for category, value in bars.items()} == dots
        # The page's highlighting: the departments drawn as pink triangles are the ones marked "(below)", in pink.
        below = {
            department
            for trace in leadership.interval_chart(view, "department_id", ref, "", hover="name").data
            if trace.mode == "markers" and trace.marker.color == charts.DARK_PINK
            for department in trace.y
        }
        marked = {category.removesuffix(" (below)") for category in bars if category.endswith(" (below)")}
        assert marked == below
        pink = {
            index
            for index, point in enumerate(plot.series[0].points)
            if point.format.fill.type is not None
            and point.format.fill.fore_color.rgb == RGBColor.from_string(charts.DARK_PINK[1:])
        }
        assert {list(bars)[index].removesuffix(" (below)") for index in pink} == below
        # The page's 95% intervals, as the chart's error bars (to the 0.1 the pack rounds to).
        intervals = {
            department: (round(100 * (rate - low), 1), round(100 * (high - rate), 1))
            for department, rate, low, high in zip(
                view["department_id"], view["acceptance_rate"], view["lower"], view["upper"], strict=True
            )
            if pd.notna(rate)
        }
        minus, plus = (_error_values(frame.chart, side) for side in ("minus", "plus"))
        for category, low, high in zip(bars, minus, plus, strict=True):
            expected = intervals[category.removesuffix(" (below)")]
            assert abs(low - expected[0]) <= 0.11 and abs(high - expected[1]) <= 0.11, category
        # The page's reference line: the profession-wide rate, drawn where that value lies on the chart's axis.
        rate = 100 * ref["acceptance_rate"]
        assert f"Profession-wide {ref['acceptance_rate']:.0%}" in _texts(slide)
        (line,) = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.LINE]
        layout = {
            name: float(frame.chart._chartSpace.xpath(f".//c:plotArea/c:layout/c:manualLayout/c:{name}/@val")[0])
            for name in ("x", "w")
        }
        axis_end = frame.chart.value_axis.maximum_scale
        expected_x = frame.left + frame.width * (layout["x"] + layout["w"] * rate / axis_end)
        assert abs(line.begin_x - expected_x) < Inches(0.02) and line.begin_x == line.end_x


def _error_values(chart, side: str) -> list[float]:
    """The chart's error bar lengths on one side, in category order (PowerPoint's: bottom bar first)."""
    points = chart._chartSpace.xpath(f".//c:ser/c:errBars/c:{side}/c:numRef/c:numCache/c:pt")
    return [float(point.xpath("./c:v")[0].text) for point in sorted(points, key=lambda p: int(p.get("idx")))]


def _reference_inputs(params: dict) -> dict:
    from dashboard import data, leadership

    profession = leadership.protected_tables({**params, "department_ids": None})
    return {
        "department_schemes": profession["schemes"],
        "department_members": profession["members"],
        "schemes": data.query("leadership_schemes"),
    }


# A count of people written in a sentence: "7 members", "11 of 110 members", "3 participants" (not the rate "11.9
# participants per 100 members").
PEOPLE_IN_WORDS = re.compile(
    r"(?<![\d.])\b(\d[\d,]*) (?:of [\d,]+ )?(?:members|participants|applications|people|attendees)\b"
)


@pytest.mark.parametrize("department_ids", [(), ("IPO",), ("GOSCIENCE", "MHCLG"), ("DSTL",)])
def test_no_slide_text_or_speaker_note_gives_a_count_below_the_threshold(
    bundled_db, use_db, monkeypatch, department_ids
):
    deck = _pack(bundled_db, use_db, monkeypatch, department_ids=department_ids)
    texts = []
    for slide in deck.slides:
        texts += [run.text for run in _runs(slide)]
        texts.append(slide.notes_slide.notes_text_frame.text)
    for text in texts:
        for count in PEOPLE_IN_WORDS.findall(text):
            assert int(count.replace(",", "")) >= 10, text


HOSTILE_CATEGORIES = (
    '=HYPERLINK("http://evil.example","CPD")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    " -2+3",
    "http://evil.example/x",
    "mailto:someone@evil.example",
    "Plain department",
)


def embedded_workbooks(pack: bytes) -> dict[str, bytes]:
    """Every workbook embedded in a .pptx (the data behind each native chart), by its part name."""
    with zipfile.ZipFile(BytesIO(pack)) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("ppt/embeddings/") and name.endswith(".xlsx")
        }


def assert_workbook_is_inert(name: str, blob: bytes) -> list[str]:
    """Fail if a cell of the workbook is a formula or a hyperlink; return its text cells."""
    with zipfile.ZipFile(BytesIO(blob)) as archive:
        for part in archive.namelist():
            text = archive.read(part).decode("utf-8", "replace")
            assert "<f>" not in text and "<f " not in text, f"{name}:{part} holds a formula"
            assert "<hyperlink" not in text and "relationships/hyperlink" not in text, f"{name}:{part}: a hyperlink"
    texts = []
    for sheet in openpyxl.load_workbook(BytesIO(blob)).worksheets:
        assert not sheet._hyperlinks, f"{name}: a hyperlink"  # openpyxl keeps them only here
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str):
                    assert not cell.value.lstrip(" ").startswith(("=", "+", "-", "@")), (name, cell.value)
                    texts.append(cell.value)
    return texts


def test_every_embedded_workbook_keeps_hostile_categories_as_text():
    hostile = Slide(
        section="Themes",
        headline="Hostile labels",
        table=pd.DataFrame({"Theme": list(HOSTILE_CATEGORIES)}),
        series=Series(
            categories=HOSTILE_CATEGORIES,
            values=tuple(range(10, 10 + len(HOSTILE_CATEGORIES))),
            name='=HYPERLINK("http://evil.example","Suggestions")',
        ),
    )
    pack = boardpack.build([*SLIDES, hostile], filters="No filters", data_date=date(2025, 7, 9))
    workbooks = embedded_workbooks(pack)
    assert len(workbooks) == 2, "one workbook per native chart"
    for name, blob in workbooks.items():
        assert_workbook_is_inert(name, blob)
    texts = set().union(*(assert_workbook_is_inert(name, blob) for name, blob in workbooks.items()))
    # The hostile labels are all there, as text: the formula ones behind an apostrophe, the rest unchanged.
    assert "'" + HOSTILE_CATEGORIES[0] in texts and "'" + HOSTILE_CATEGORIES[3] in texts
    assert "http://evil.example/x" in texts and "Plain department" in texts
    # The values stay numbers, so Edit Data still charts them.
    sheet = openpyxl.load_workbook(BytesIO(workbooks[max(workbooks)])).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == sorted(
        range(10, 10 + len(HOSTILE_CATEGORIES)), reverse=True
    )


def test_a_pack_built_from_hostile_data_has_only_inert_workbooks(tmp_path, use_db, monkeypatch):
    from dashboard.filters import Filters
    from dashboard.story import standard

    use_db(hostile_data.build_database(tmp_path))
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    pack = standard.board_pack(Filters())
    workbooks = embedded_workbooks(pack)
    assert workbooks, "the pack has native charts"
    texts = [text for name, blob in workbooks.items() for text in assert_workbook_is_inert(name, blob)]
    # The hostile labels reached the workbooks, the formula ones as text behind an apostrophe.
    assert any(text.startswith("'=HYPERLINK(") for text in texts), texts
    assert sum("evil.example" in text for text in texts) >= 3, texts
    # And no slide's text holds a live link (the pack's text runs are plain text; a hyperlink would be a relationship).
    with zipfile.ZipFile(BytesIO(pack)) as archive:
        relationships = [archive.read(name).decode() for name in archive.namelist() if name.endswith(".rels")]
    assert not [rels for rels in relationships if "relationships/hyperlink" in rels]


DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"


def assert_accessible(deck) -> None:
    """What PowerPoint's accessibility checker asks: every slide has a title, first in its reading order; every
    picture, chart and table has alt text; every other shape without text is marked decorative."""
    titles = []
    for number, slide in enumerate(deck.slides, start=1):
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip(), f"slide {number} has no title"
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE), number
        assert slide.shapes[0].shape_id == title.shape_id, f"slide {number}: the title is not read first"
        titles.append(title.text_frame.text)
        for shape in slide.shapes:
            properties = shape._element.xpath("./*[1]/p:cNvPr")[0]
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE or shape.has_chart or shape.has_table:
                assert (properties.get("descr") or "").strip(), f"slide {number}: {shape.name} has no alt text"
            elif not (shape.has_text_frame and shape.text_frame.text.strip()):
                assert properties.findall(f".//{DECORATIVE}"), (
                    f"slide {number}: {shape.name} is neither text nor decorative"
                )
    # Two slides with one title are told apart by PowerPoint's checker only if the titles differ.
    assert len(set(titles)) == len(titles), [title for title in titles if titles.count(title) > 1]


def test_hand_made_slides_are_accessible():
    long = Slide(
        section="Departments",
        headline="Department 39 has the most members",
        table=pd.DataFrame({"Department": [f"Department {i}" for i in range(40)], "Members": ["120"] * 40}),
        series=Series(categories=tuple(f"D{i}" for i in range(40)), values=(100.0,) * 40, name="Members"),
    )
    deck = Presentation(BytesIO(boardpack.build([*SLIDES, long], filters="No filters", data_date=date(2025, 7, 9))))
    assert_accessible(deck)
    # The headline is the title: the outline reads the story.
    assert [slide.shapes.title.text_frame.text for slide in list(deck.slides)[1:3]] == [
        "The tour held 14 workshops",
        "EA lags behind",
    ]
    chart = next(shape for shape in deck.slides[2].shapes if shape.has_chart)
    descr = chart._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    # The alt text gives every bar's value and names the suppressed one.
    assert "MOD 90" in descr and "EA 40" in descr and "IPO" in descr


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"theme_ids": ("cpd",), "location_ids": ("bournemouth",)},
        {"nations": ("Wales",)},
        {"department_ids": ("IPO",)},
        {"department_ids": ("EA", "MOD")},
        {"location_ids": ("belfast",)},
    ],
    ids=str,
)
def test_every_slide_of_the_exported_pack_has_a_title_and_alt_text(bundled_db, use_db, monkeypatch, filters):
    deck = _pack(bundled_db, use_db, monkeypatch, **filters)
    assert_accessible(deck)
    # Each story slide's title is its headline, which the speaker notes open with.
    for slide in list(deck.slides)[1:]:
        assert slide.notes_slide.notes_text_frame.text.startswith(slide.shapes.title.text_frame.text) or (
            ": table" in _section(slide).lower()
        )


def _choices() -> dict:
    return {
        "themes": pd.DataFrame(
            {"theme_id": ["cpd", "skills", "evil"], "label": ["CPD", "Skills and tools", "<b>=1+1"]}
        ),
        "locations": pd.DataFrame({"location_id": ["bournemouth", "ni"], "name": ["Bournemouth", "Dún Laoghaire / x"]}),
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, "gse-board-pack-2025-07-09.pptx"),
        ({"theme_ids": ("cpd",), "nations": ("Scotland",)}, "gse-board-pack-2025-07-09-cpd-scotland.pptx"),
        (
            {"theme_ids": ("cpd",), "location_ids": ("bournemouth",)},
            "gse-board-pack-2025-07-09-cpd-bournemouth.pptx",
        ),
        (
            {"theme_ids": ("skills", "evil"), "location_ids": ("ni",), "department_ids": ("EA", "MOD", "DSTL")},
            "gse-board-pack-2025-07-09-skills-and-tools-b-1-1-dun-laoghaire-x-3-departments.pptx",
        ),
        (
            {"nations": ("Wales",), "date_from": date(2025, 3, 1), "date_to": date(2025, 6, 30)},
            "gse-board-pack-2025-07-09-wales-from-2025-03-01-to-2025-06-30.pptx",
        ),
    ],
)
def test_a_download_is_named_for_its_date_and_filters_in_safe_characters(filters, expected):
    from dashboard.filters import Filters
    from dashboard.story import standard

    name = standard.file_name("board-pack", "pptx", Filters(**filters), date(2025, 7, 9), _choices())
    assert name == expected
    assert re.fullmatch(r"[a-z0-9-]+\.pptx", name) and len(name) <= 125


def test_a_meeting_names_the_download_instead_of_the_date():
    from dashboard.filters import Filters
    from dashboard.story import standard

    name = standard.file_name("report", "pdf", Filters(), date(2025, 7, 9), _choices(), meeting="Board, 12 March 2026")
    assert name == "gse-report-board-12-march-2026.pdf"


def test_the_pdf_report_is_printed_offline_on_a4_landscape(bundled_db, use_db, monkeypatch):
    from dashboard.filters import Filters
    from dashboard.story import standard

    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    use_db(bundled_db)
    pdf = standard.pdf_report(Filters(theme_ids=("cpd",), location_ids=("bournemouth",)))
    assert pdf.startswith(b"%PDF-")
    # Every page is A4 landscape (297 x 210 mm is 842 x 595 points), and there is a page per slide and the cover.
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) >= 5
    assert all(abs(float(width) - 841.9) < 1 and abs(float(height) - 595.3) < 1 for width, height in boxes)


def test_the_pdf_report_says_clearly_when_chromium_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("GSE_CHROMIUM", str(tmp_path / "no-chromium-here"))
    assert report.chromium() is None
    with pytest.raises(report.PdfUnavailable, match="needs Chromium, which is not installed"):
        report.pdf(b"<html></html>")


def test_the_sidebar_makes_the_pdf_on_request_and_then_offers_it(fixture_db, use_db, open_page):
    use_db(fixture_db)
    app = open_page(query={"theme": ["CPD"]})
    assert not app.exception
    make = app.button(key="present_pdf_make")
    assert not make.disabled
    make.click().run()
    assert not app.exception and not app.error
    # The PDF was made in that run: its download button now hands over the bytes.
    downloads = [element for element in app.get("download_button") if element.proto.id.endswith("present_pdf")]
    assert len(downloads) == 1 and downloads[0].proto.label == "Download report (PDF)"
    assert "present_pdf_make" not in [button.key for button in app.button]
    # Other filters: that PDF is not theirs, so it is offered to be made again.
    app.multiselect(key="theme").set_value([]).run()
    assert "present_pdf_make" in [button.key for button in app.button]


def test_the_sidebar_says_why_a_pdf_failed(fixture_db, use_db, open_page, monkeypatch):
    monkeypatch.setenv("GSE_CHROMIUM", "/bin/false")  # there, but prints nothing
    use_db(fixture_db)
    app = open_page()
    app.button(key="present_pdf_make").click().run()
    assert not app.exception
    assert [error.value for error in app.sidebar.error] == [
        "Chromium could not print the PDF report (CalledProcessError)."
    ]


def test_the_sidebar_says_why_there_is_no_pdf_without_chromium(fixture_db, use_db, open_page, monkeypatch, tmp_path):
    monkeypatch.setenv("GSE_CHROMIUM", str(tmp_path / "absent"))
    use_db(fixture_db)
    app = open_page()
    assert not app.exception
    assert app.button(key="present_pdf_make").disabled
    assert any("needs Chromium on the server" in caption.value for caption in app.sidebar.caption)
