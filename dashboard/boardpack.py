"""The board pack: a PowerPoint file with native, editable charts, built from the story's slides."""

import io
from datetime import date

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.util import Inches, Pt

from dashboard import charts, disclosure
from dashboard.slides import Series, Slide

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
MUTED = RGBColor(0x50, 0x5A, 0x5F)
MAX_TABLE_ROWS = 16


def _rgb(colour: str) -> RGBColor:
    return RGBColor(*charts.hex_to_rgb(colour))


def _text(slide, text: str, left, top, width, height, size: int, *, bold=False, colour=TEXT) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.text = text
    paragraph.font.size = Pt(size)
    paragraph.font.bold = bold
    paragraph.font.color.rgb = colour


def _headline(slide, item: Slide) -> None:
    _text(slide, item.section.upper(), MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.4), 14, colour=MUTED)
    _text(slide, item.headline, MARGIN, Inches(0.65), WIDTH - 2 * MARGIN, Inches(1.1), 26, bold=True)


def _chart(slide, series: Series, left, top, width, height) -> None:
    # Suppressed values ([c]) are left out of the chart; the table beside it shows them as [c].
    shown = [(c, v) for c, v in zip(series.categories, series.values, strict=True) if v is not None and not pd.isna(v)]
    data = CategoryChartData(number_format=series.number_format)
    data.categories = [category for category, _ in reversed(shown)]
    data.add_series(series.name, [value for _, value in reversed(shown)])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, height, data).chart
    chart.has_legend = False
    chart.font.size = Pt(14)
    chart.font.color.rgb = TEXT
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.has_data_labels = True
    plot.data_labels.number_format = series.number_format
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    plot.data_labels.font.size = Pt(12)
    fill = plot.series[0].format.fill
    fill.solid()
    fill.fore_color.rgb = _rgb(charts.DARK_BLUE)
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.visible = False
    chart.category_axis.tick_labels.font.size = Pt(13)


def _table(slide, table: pd.DataFrame, left, top, width, height) -> None:
    rows = table.head(MAX_TABLE_ROWS)
    shape = slide.shapes.add_table(len(rows) + 1, len(rows.columns), left, top, width, height).table
    for column, name in enumerate(rows.columns):
        shape.cell(0, column).text = str(name)
    for row, values in enumerate(rows.itertuples(index=False), start=1):
        for column, value in enumerate(values):
            shape.cell(row, column).text = (
                "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            )
    size = Pt(12 if len(rows) <= 10 else 10)
    for row in shape.rows:
        for cell in row.cells:
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = size


def _kpis(slide, kpis: tuple[tuple[str, str], ...]) -> None:
    per_row = 4
    box_width = (WIDTH - 2 * MARGIN - Inches(0.3) * (per_row - 1)) / per_row
    for index, (label, value) in enumerate(kpis):
        left = MARGIN + (box_width + Inches(0.3)) * (index % per_row)
        top = Inches(2.0) + Inches(2.2) * (index // per_row)
        box = slide.shapes.add_shape(1, left, top, box_width, Inches(1.9))
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xF3, 0xF2, 0xF1)
        box.line.color.rgb = RGBColor(0xB1, 0xB4, 0xB6)
        _text(
            slide, label, left + Inches(0.2), top + Inches(0.15), box_width - Inches(0.4), Inches(0.5), 16, colour=MUTED
        )
        _text(slide, value, left + Inches(0.2), top + Inches(0.7), box_width - Inches(0.4), Inches(1.0), 36, bold=True)


def _content(slide, item: Slide) -> None:
    top, height = Inches(1.9), HEIGHT - Inches(2.4)
    if item.kpis:
        _kpis(slide, item.kpis)
    elif item.series is not None:
        half = (WIDTH - 2 * MARGIN - Inches(0.4)) / 2
        _chart(slide, item.series, MARGIN, top, half, height)
        _table(
            slide,
            item.table,
            MARGIN + half + Inches(0.4),
            top,
            half,
            Inches(0.4) * (min(len(item.table), MAX_TABLE_ROWS) + 1),
        )
    else:
        _table(
            slide,
            item.table,
            MARGIN,
            top,
            WIDTH - 2 * MARGIN,
            Inches(0.35) * (min(len(item.table), MAX_TABLE_ROWS) + 1),
        )
    notes = [item.headline, *item.notes]
    slide.notes_slide.notes_text_frame.text = "\n".join(dict.fromkeys(notes))


def build(slides: list[Slide], *, filters: str, data_date: date) -> bytes:
    """The board pack as .pptx bytes: a title slide, then one slide per story slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    blank = deck.slide_layouts[6]
    title = deck.slides.add_slide(blank)
    _text(title, "GSE Insight: board pack", MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(1.2), 40, bold=True)
    _text(title, f"Data as of {data_date:%-d %B %Y}", MARGIN, Inches(3.5), WIDTH - 2 * MARGIN, Inches(0.6), 20)
    _text(title, f"Filters: {filters}", MARGIN, Inches(4.1), WIDTH - 2 * MARGIN, Inches(1.0), 16, colour=MUTED)
    _text(title, disclosure.note(), MARGIN, Inches(5.2), WIDTH - 2 * MARGIN, Inches(0.8), 14, colour=MUTED)
    for item in slides:
        slide = deck.slides.add_slide(blank)
        _headline(slide, item)
        _content(slide, item)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
