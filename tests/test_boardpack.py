"""The board pack and HTML report builders, on hand-made slides."""

from datetime import date
from io import BytesIO

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation

from dashboard import boardpack, report
from dashboard.slides import Series, Slide

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
    from dashboard import story
    from dashboard.filters import Filters

    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "10")
    use_db(bundled_db)
    return Presentation(BytesIO(story.board_pack(Filters(**filters))))


def test_board_pack_on_the_bundled_data_matches_the_pages(bundled_db, bundled_csvs, use_db, monkeypatch):
    deck = _pack(bundled_db, use_db, monkeypatch)
    assert len(deck.slides) == 1 + 4
    kpi_text = " ".join(shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame)
    assert f"{len(bundled_csvs['members']):,}" in kpi_text
    stops = next(shape.table for shape in deck.slides[2].shapes if shape.has_table)
    header = [cell.text for cell in stops.rows[0].cells]
    miles_column = header.index("Miles travelled (reported)")
    miles = [float(row.cells[miles_column].text or 0) for row in list(stops.rows)[1:]]
    assert sum(miles) == bundled_csvs["workshops"]["miles_travelled"].sum()
    theme_chart = next(shape.chart for shape in deck.slides[3].shapes if shape.has_chart)
    with_theme = bundled_csvs["suggestions"]
    assert sum(theme_chart.plots[0].series[0].values) == len(with_theme)
    notes = deck.slides[4].notes_slide.notes_text_frame.text
    assert "acceptance rate" in notes


def test_board_pack_shows_no_count_below_the_threshold(bundled_db, use_db, monkeypatch):
    deck = _pack(bundled_db, use_db, monkeypatch)
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
    theme_chart = next(shape.chart for shape in deck.slides[3].shapes if shape.has_chart)
    assert list(theme_chart.plots[0].categories) == ["CPD"]
    title_text = " ".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert "Themes: CPD" in title_text
