"""The board pack: a PowerPoint file with native, editable charts, built from the story's slides."""

import io
import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_MARK
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard import charts, disclosure, exports
from dashboard.story import mapimage
from dashboard.story.slides import Series, Slide

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_WIDTH = WIDTH - 2 * MARGIN
# Everything a slide says sits between the headline and this line; the footer sits below it.
CONTENT_BOTTOM = Inches(6.8)
FOOTER_TOP = Inches(6.98)
GUTTER = Inches(0.4)
# Arial (GOV.UK and Analysis Function guidance); LibreOffice draws it with the metric-compatible Liberation Sans.
FONT = "Arial"
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
MUTED = RGBColor(0x50, 0x5A, 0x5F)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LIGHT_GREY = RGBColor(0xF3, 0xF2, 0xF1)
MID_GREY = RGBColor(0xB1, 0xB4, 0xB6)
SMALLEST = 12  # points: nothing in the pack is set smaller
HEADLINE_SIZES = (28, 26, 24, 22, 20)
HEADLINE_TOP = Inches(0.68)
LINE_SPACING = 1.2
# The room each bar takes, when a chart has only a few bars.
BAR_PITCH = Inches(0.5)
CELL_PADDING_X, CELL_PADDING_Y = Inches(0.08), Inches(0.04)
# PowerPoint's mark for a decorative shape (Office 2019 and later), which screen readers and its checker skip.
DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
TITLE_ONLY = 5  # the default template's "Title Only" layout: a title placeholder and nothing else
MAP_PIXELS = 800  # the map picture's height: 150 dots an inch at the height a slide gives it
MAP_SHARE = 0.58  # of the content's width, beside the map's key and findings  # the map picture's height: 200 dots an inch at the height a slide gives it

# Arial advance widths in thousandths of an em (the Helvetica metrics Arial copies), to lay tables and headlines out
# without a font file: a slide is laid out the same on every machine.
_WIDTHS = {
    222: "ijl'",
    278: " !,./:;I[]ft|",
    333: '()-r"',
    500: "cksvxyzJ*",
    556: "0123456789abdeghnopqu?$#L_",
    584: "+<=>",
    611: "FTZ",
    667: "ABEKPSVXY&",
    722: "CDHNRUw",
    778: "GOQ",
    833: "mM",
    889: "%",
    944: "W",
    1015: "@",
}
CHAR_WIDTH = {char: width / 1000 for width, chars in _WIDTHS.items() for char in chars}
# Bold Arial is about 7% wider; the margin on top keeps estimates on the safe side of a wrap.
BOLD_FACTOR, SAFETY = 1.08, 1.04


def text_width(text: str, size: float, *, bold: bool = False) -> int:
    """The estimated width of one line of Arial text, in EMU."""
    ems = sum(CHAR_WIDTH.get(char, 0.6) for char in text) * (BOLD_FACTOR if bold else 1) * SAFETY
    return int(Pt(size) * ems)


def line_count(text: str, width: int, size: float, *, bold: bool = False) -> int:
    """How many lines `text` takes when word-wrapped into `width` EMU."""
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split(" "):
            word_width = text_width(word, size, bold=bold)
            space = text_width(" ", size, bold=bold) if used else 0
            if used and used + space + word_width > width:
                lines += 1
                used = 0
                space = 0
            used += space + word_width
            if used > width:  # a word wider than the box breaks across lines
                extra = math.ceil(used / width) - 1
                lines += extra
                used -= extra * width
    return lines


def text_height(lines: int, size: float) -> int:
    """The height of `lines` lines of text at `size` points, in EMU."""
    return int(Pt(size) * LINE_SPACING * lines)


def _rgb(colour: str) -> RGBColor:
    return RGBColor(*charts.hex_to_rgb(colour))


def _style(font, size: float, *, bold=False, colour=TEXT) -> None:
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = colour


def _text(slide, lines, left, top, width, height, size: float, *, bold=False, colour=TEXT, align=None):
    """A text box with one paragraph per line, the style set on every run (not every viewer honours paragraph defaults)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    for index, line in enumerate([lines] if isinstance(lines, str) else lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if index:
            paragraph.space_before = Pt(size * 0.6)
        run = paragraph.add_run()
        run.text = line
        _style(run.font, size, bold=bold, colour=colour)
    return box


def _title_text(slide, text: str, left, top, width, height, size: float, *, colour=TEXT) -> None:
    """The slide's title, in its title placeholder: what PowerPoint's outline, its accessibility checker and screen
    readers take as the slide's title. The layout puts it first in the reading order."""
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = left, top, width, height
    frame = title.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    paragraph.line_spacing = 1.0
    run = paragraph.add_run()
    run.text = text
    _style(run.font, size, bold=True, colour=colour)


def _rectangle(slide, left, top, width, height, colour: RGBColor):
    """A filled rectangle, marked decorative: it only frames or colours what the text says."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    decorative(shape)
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    shape.line.fill.background()
    # The theme's shape style adds a drop shadow that LibreOffice draws even under an empty effect list.
    style = shape.element.find(qn("p:style"))
    if style is not None:
        shape.element.remove(style)
    return shape


def fitted_size(lines: list[str], width: int, height: int, sizes, *, bold=False) -> float:
    """The largest of `sizes` at which `lines` (as paragraphs) fit the box; the smallest if none does."""
    for size in sizes:
        needed = sum(text_height(line_count(line, width, size, bold=bold), size) for line in lines)
        needed += int(Pt(size * 0.6)) * (len(lines) - 1)
        if needed <= height:
            return size
    return sizes[-1]


def headline_size(headline: str) -> float:
    """The largest headline size at which the headline takes at most two lines."""
    fits = (size for size in HEADLINE_SIZES if line_count(headline, CONTENT_WIDTH, size, bold=True) <= 2)
    return next(fits, HEADLINE_SIZES[-1])


def content_top(headline: str) -> int:
    """Where a slide's content starts under its headline (EMU from the top)."""
    size = headline_size(headline)
    return HEADLINE_TOP + text_height(line_count(headline, CONTENT_WIDTH, size, bold=True), size) + Inches(0.3)


def _headline(slide, section: str, headline: str) -> int:
    """The section label and the headline; returns where the content starts."""
    _rectangle(slide, 0, 0, WIDTH, Inches(0.12), _rgb(charts.DARK_BLUE))
    _text(
        slide,
        section.upper(),
        MARGIN,
        Inches(0.3),
        CONTENT_WIDTH,
        Inches(0.3),
        14,
        bold=True,
        colour=_rgb(charts.DARK_BLUE),
    )
    size = headline_size(headline)
    height = text_height(line_count(headline, CONTENT_WIDTH, size, bold=True), size)
    _title_text(slide, headline, MARGIN, HEADLINE_TOP, CONTENT_WIDTH, height, size)
    return content_top(headline)


def shortened(text: str, width: int, size: float, lines: int = 1) -> str:
    """`text` cut at a word and ended with '…' so that it takes at most `lines` lines of `width`."""
    if line_count(text, width, size) <= lines:
        return text
    words = text.split(" ")
    while len(words) > 1 and line_count(" ".join(words) + "…", width, size) > lines:
        words.pop()
    return " ".join(words).rstrip(",;:.") + "…"


def _footer(slide, text: str, number: int, total: int) -> None:
    _rectangle(slide, MARGIN, FOOTER_TOP, CONTENT_WIDTH, Pt(0.75), MID_GREY)
    number_width = Inches(1.0)
    width = CONTENT_WIDTH - number_width - Inches(0.2)
    top, height = FOOTER_TOP + Inches(0.08), Inches(0.3)
    _text(slide, shortened(text, width, SMALLEST), MARGIN, top, width, height, SMALLEST, colour=MUTED)
    _text(
        slide, f"{number} / {total}", WIDTH - MARGIN - number_width, top, number_width, height, SMALLEST,
        colour=MUTED, align=PP_ALIGN.RIGHT,
    )  # fmt: skip


def charted(series: Series) -> tuple[list[tuple[str, float]], list[str]]:
    """The (category, value) pairs a chart may show, and the categories left out because they are suppressed."""
    shown, left_out = [], []
    for category, value in zip(series.categories, series.values, strict=True):
        if value is None or pd.isna(value):
            left_out.append(category)
        else:
            shown.append((category, value))
    return shown, left_out


@dataclass(frozen=True)
class Bar:
    """One bar of a native chart: its category as written on the axis, value, interval and mark."""

    category: str
    value: float
    minus: float | None = None
    plus: float | None = None
    marked: bool = False


def bars(series: Series) -> list[Bar]:
    """The bars a chart shows, top first: suppressed values left out, marked ones named so (colour is not enough)."""
    found = []
    for index, (category, value) in enumerate(zip(series.categories, series.values, strict=True)):
        if value is None or pd.isna(value):
            continue
        marked = bool(series.marked[index]) if series.marked else False
        found.append(
            Bar(
                f"{category} ({series.marked_label})" if marked and series.marked_label else category,
                value,
                _blank_none(series.minus[index]) if series.minus else None,
                _blank_none(series.plus[index]) if series.plus else None,
                marked,
            )
        )
    return found


def _blank_none(value):
    return None if value is None or pd.isna(value) else float(value)


def _number(value: float, number_format: str) -> str:
    return f"{value:,.1f}" if "." in number_format else f"{value:,.0f}"


def chart_alt(series: Series) -> str:
    """What a chart shows, in words, for readers who cannot see it: its title, then every bar's value."""
    parts = []
    for bar in bars(series):
        text = f"{bar.category} {_number(bar.value, series.number_format)}"
        if bar.minus is not None and bar.plus is not None:
            low = _number(bar.value - bar.minus, series.number_format)
            high = _number(bar.value + bar.plus, series.number_format)
            text += f" (95% interval {low} to {high})"
        parts.append(text)
    _, left_out = charted(series)
    alt = f"Bar chart: {series.title or series.name}. {series.name}: {'; '.join(parts)}."
    if series.reference is not None:
        alt += f" Reference line: {series.reference_label or _number(series.reference, series.number_format)}."
    if left_out:
        alt += f" Not charted, as too small to show: {', '.join(left_out)}."
    return alt


def wrapped(text: str, width: int, size: float, *, bold: bool = False) -> list[str]:
    """`text` broken into lines that fit `width` EMU at `size` points (a chart title does not wrap itself everywhere)."""
    lines, line = [], ""
    for word in text.split(" "):
        trial = f"{line} {word}".strip()
        if line and text_width(trial, size, bold=bold) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line]


def decorative(shape) -> None:
    """Mark a shape as decorative, so screen readers and the accessibility checker pass over it."""
    properties = _properties(shape)
    extensions = properties.find(qn("a:extLst"))
    if extensions is None:
        extensions = etree.SubElement(properties, qn("a:extLst"))
    extension = etree.SubElement(extensions, qn("a:ext"), uri=DECORATIVE_URI)
    etree.SubElement(extension, f"{{{DECORATIVE_NS}}}decorative", nsmap={"adec": DECORATIVE_NS}, val="1")


def describe(shape, text: str) -> None:
    """Alt text for a picture, chart or table (python-pptx has no API for it yet)."""
    _properties(shape).set("descr", text)


def _properties(shape):
    """The shape's cNvPr element, where its name, alt text and decorative mark live."""
    return shape._element.xpath("./*[1]/p:cNvPr")[0]


def chart_caption(series: Series) -> str:
    """What the chart's marks mean, and which categories it leaves out as suppressed."""
    notes = [series.key] if series.key else []
    left_out = charted(series)[1]
    if left_out:
        notes.append(f"Not charted ({disclosure.SUPPRESSED}, suppressed): {', '.join(left_out)}.")
    return " ".join(notes)


def _chart(slide, series: Series, left, top, width, height, *, caption: bool = True) -> int:
    """A native bar chart, no taller than its bars need; returns where it (and its caption) ends.

    It carries what the screen's chart shows: a title stating the finding, each value's 95% interval as error bars,
    marked bars in another colour and named so, and a dashed reference line with its label.
    """
    # Suppressed values ([c]) are left out of the chart and named under it; the table shows them as [c].
    shown, left_out = bars(series), charted(series)[1]
    if not shown:  # PowerPoint cannot draw a chart of nothing: say why there is none
        reason = f"every value is suppressed ({disclosure.SUPPRESSED})" if left_out else "nothing matches the filters"
        _text(slide, f"{series.name}: no chart, as {reason}.", left, top, width, Inches(0.6), 16, colour=MUTED)
        return top + Inches(0.6)
    # The caption goes under the chart, unless the slide sets it beside the chart (`caption=False`).
    caption = chart_caption(series) if caption else ""
    caption_height = text_height(line_count(caption, width, SMALLEST), SMALLEST) + Inches(0.15) if caption else 0
    # Narrower than the chart: LibreOffice wraps a chart title well inside the chart's width.
    title_lines = wrapped(series.title or series.name, int(width * 0.75), 14, bold=True)
    title_height = text_height(len(title_lines), 14) + Inches(0.2)
    # Room above the plot for the reference line's label.
    reference_room = Inches(0.35) if series.reference is not None else 0
    chrome = title_height + reference_room + Inches(0.2)
    # A few bars are drawn at a bar's natural thickness, not stretched to fill the slide.
    height = min(height - caption_height, chrome + BAR_PITCH * len(shown))
    if caption:
        _text(slide, caption, left, top + height + Inches(0.15), width, caption_height, SMALLEST, colour=MUTED)
    intervals = any(bar.minus is not None for bar in shown)
    # Bottom bar first: PowerPoint draws the first category at the bottom.
    ordered = list(reversed(shown))
    data = CategoryChartData(number_format=series.number_format)
    data.categories = [bar.category for bar in ordered]
    data.add_series(series.name, [bar.value for bar in ordered])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, height, data)
    frame.name = "Chart"
    describe(frame, chart_alt(series))
    # "Edit Data" opens the embedded workbook, where a category such as `=HYPERLINK(...)` must stay text: replace
    # python-pptx's workbook with one written by the downloads' neutraliser (same sheet, same cells).
    header = [None, series.name, *(["Below (95% interval)", "Above (95% interval)"] if intervals else [])]
    rows = [[bar.category, bar.value, *([bar.minus, bar.plus] if intervals else [])] for bar in ordered]
    frame.chart_part.chart_workbook.update_from_xlsx_blob(exports.sheet_xlsx([header, *rows]))
    chart = frame.chart
    chart.has_legend = False
    chart.font.name = FONT
    chart.font.size = Pt(14)
    chart.font.color.rgb = TEXT
    chart.has_title = True
    title = chart.chart_title.text_frame
    title.text = "\n".join(title_lines)
    for paragraph in title.paragraphs:
        for run in paragraph.runs:
            _style(run.font, 14, bold=True)
    plot = chart.plots[0]
    plot.gap_width = 50
    pitch = (height - chrome) / len(shown)
    # The interval's line runs past a bar's end, where its label would sit: the label goes inside the bar's base, when
    # the bar is thick enough to hold it (the table has every value either way).
    plot.has_data_labels = not intervals or pitch >= Inches(0.3)
    if plot.has_data_labels:
        labels = plot.data_labels
        labels.number_format = series.number_format
        labels.number_format_is_linked = False
        if intervals:
            labels.position = XL_LABEL_POSITION.INSIDE_BASE
            _style(labels.font, SMALLEST, bold=True, colour=WHITE)
        else:
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            _style(labels.font, SMALLEST)
    bar_series = plot.series[0]
    fill = bar_series.format.fill
    fill.solid()
    fill.fore_color.rgb = _rgb(charts.DARK_BLUE)
    for index, bar in enumerate(ordered):
        if bar.marked:
            point = bar_series.points[index].format.fill
            point.solid()
            point.fore_color.rgb = _rgb(charts.DARK_PINK)
    if intervals:
        _error_bars(bar_series, ordered, series.number_format)
    top_value = series.maximum or max(bar.value + (bar.plus or 0) for bar in shown) * 1.15
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.visible = False
    chart.value_axis.maximum_scale = top_value
    chart.value_axis.minimum_scale = 0
    axis = chart.category_axis
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.format.line.color.rgb = MID_GREY
    label_size = 14 if len(shown) <= 12 else SMALLEST
    _style(axis.tick_labels.font, label_size)
    # Every bar named: a viewer left to itself drops every other name when the bars are close.
    skip = etree.Element(qn("c:tickLblSkip"), val="1")
    axis._element.find(qn("c:noMultiLvlLbl")).addprevious(skip)
    # The plot's place is fixed, not left to the viewer, so the reference line can be drawn where its value lies.
    label_width = max(text_width(bar.category, label_size) for bar in shown) + Inches(0.2)
    plot_left = min(label_width / width, 0.5)
    plot_top = (title_height + reference_room) / height
    plot_width = 1 - plot_left - (0.02 if intervals else 0.08)
    plot_height = 1 - plot_top - Inches(0.1) / height
    _plot_layout(chart, plot_left, plot_top, plot_width, plot_height)
    if series.reference is not None:
        x = left + int(width * (plot_left + plot_width * series.reference / top_value))
        line = slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT, x, top + int(height * plot_top) - Inches(0.05), x, top + height - Inches(0.05)
        )
        line.line.color.rgb = TEXT
        line.line.width = Pt(1.5)
        line.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        decorative(line)  # its value is in the label beside it and in the chart's alt text
        label = series.reference_label
        label_width = text_width(label, SMALLEST) + Inches(0.1)
        _text(
            slide, label, min(x + Inches(0.05), left + width - label_width),
            top + int(height * plot_top) - Inches(0.32), label_width, Inches(0.25), SMALLEST, bold=True,
        )  # fmt: skip
    return top + height + caption_height


def _plot_layout(chart, left: float, top: float, width: float, height: float) -> None:
    """Place the chart's plot area (inside its axes) at fractions of the chart's size."""
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    old = plot_area.find(qn("c:layout"))
    if old is not None:
        plot_area.remove(old)
    layout = etree.Element(qn("c:layout"))
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    etree.SubElement(manual, qn("c:layoutTarget"), val="inner")
    etree.SubElement(manual, qn("c:xMode"), val="edge")
    etree.SubElement(manual, qn("c:yMode"), val="edge")
    for name, value in (("x", left), ("y", top), ("w", width), ("h", height)):
        etree.SubElement(manual, qn(f"c:{name}"), val=f"{value:.4f}")
    plot_area.insert(0, layout)


def _error_bars(bar_series, ordered: list[Bar], number_format: str) -> None:
    """Each bar's 95% interval as custom error bars, read from the embedded workbook's columns C and D."""
    error_bars = etree.Element(qn("c:errBars"))
    etree.SubElement(error_bars, qn("c:errBarType"), val="both")
    etree.SubElement(error_bars, qn("c:errValType"), val="cust")
    etree.SubElement(error_bars, qn("c:noEndCap"), val="0")
    for tag, column, values in (
        ("c:plus", "D", [bar.plus for bar in ordered]),
        ("c:minus", "C", [bar.minus for bar in ordered]),
    ):
        reference = etree.SubElement(etree.SubElement(error_bars, qn(tag)), qn("c:numRef"))
        etree.SubElement(reference, qn("c:f")).text = f"Sheet1!${column}$2:${column}${len(values) + 1}"
        cache = etree.SubElement(reference, qn("c:numCache"))
        etree.SubElement(cache, qn("c:formatCode")).text = number_format
        etree.SubElement(cache, qn("c:ptCount"), val=str(len(values)))
        for index, value in enumerate(values):
            point = etree.SubElement(cache, qn("c:pt"), idx=str(index))
            etree.SubElement(point, qn("c:v")).text = repr(float(value or 0))
    line = etree.SubElement(etree.SubElement(error_bars, qn("c:spPr")), qn("a:ln"), w=str(Pt(1.5)))
    etree.SubElement(etree.SubElement(line, qn("a:solidFill")), qn("a:srgbClr"), val="0B0C0C")
    # The schema puts error bars after the data labels and trendlines, before the categories.
    bar_series._element.find(qn("c:cat")).addprevious(error_bars)


def cell_text(value, column: pd.Series) -> str:
    """A table value as the pack writes it: whole numbers without '.0', dates as '5 Mar 2025', blanks empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (pd.api.types.is_integer_dtype(column.dtype) and not isinstance(value, str)):
        return f"{int(value):,}"
    if isinstance(value, float):
        whole = all(float(v).is_integer() for v in column.dropna() if isinstance(v, float))
        return f"{value:,.0f}" if whole else f"{value:,.1f}"
    return str(value)


def _is_number(text: str) -> bool:
    stripped = text.replace(",", "").replace("%", "").replace(".", "", 1).lstrip("-")
    return stripped.isdigit() or text == disclosure.SUPPRESSED


def is_numeric(cells) -> bool:
    """A column of numbers, [c] and words such as 'not recorded': right-aligned, so the digits line up."""
    filled = [cell for cell in cells if cell]
    numbers = [cell for cell in filled if _is_number(cell)]
    others_wordy = all(not any(char.isdigit() for char in cell) for cell in filled if not _is_number(cell))
    return bool(numbers) and 2 * len(numbers) >= len(filled) and others_wordy


def _water_fill(natural: list[int], narrowest: list[int], width: int) -> list[int]:
    """Cap the widest columns at one level, so that only they wrap, and the table is `width` wide."""
    low, high = 0, max(natural)
    while high - low > 1:
        cap = (low + high) // 2
        if sum(min(n, max(cap, w)) for n, w in zip(natural, narrowest, strict=True)) > width:
            high = cap
        else:
            low = cap
    return [min(n, max(low, w)) for n, w in zip(natural, narrowest, strict=True)]


@dataclass(frozen=True)
class TableLayout:
    """A table's text, column widths and row heights (EMU), all rows of it."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    header_height: int
    heights: tuple[int, ...]
    numeric: tuple[bool, ...]

    def pages(self, first: int, rest: int) -> list[range]:
        """The rows on each page: up to `first` EMU of table on the first page, `rest` on later ones."""
        pages, start, used, room = [], 0, self.header_height, first
        for index, height in enumerate(self.heights):
            if used + height > room and index > start:
                pages.append(range(start, index))
                start, used, room = index, self.header_height, rest
            used += height
        pages.append(range(start, len(self.heights)))
        return pages

    def height(self, rows: range) -> int:
        return self.header_height + sum(self.heights[index] for index in rows)


def table_layout(table: pd.DataFrame, width: int, size: float = SMALLEST) -> TableLayout:
    """Column widths that fit `width`: each column gets its longest word, the rest goes where text would wrap."""
    header = tuple(str(name) for name in table.columns)
    rows = tuple(
        tuple(cell_text(value, table[name]) for name, value in zip(table.columns, row, strict=True))
        for row in table.itertuples(index=False)
    )
    columns = list(zip(header, *rows, strict=True))
    padding = 2 * CELL_PADDING_X + Inches(0.02)

    def widest(texts, *, bold: bool, words: bool) -> int:
        pieces = [piece for text in texts for piece in (text.split(" ") if words else [text])]
        return max((text_width(piece, size, bold=bold) for piece in pieces), default=0) + padding

    # A header may wrap before any cell does; a cell wraps only when the table cannot fit otherwise.
    header_full = [widest(texts[:1], bold=True, words=False) for texts in columns]
    header_word = [widest(texts[:1], bold=True, words=True) for texts in columns]
    body = [widest(texts[1:], bold=False, words=False) for texts in columns]
    body_word = [widest(texts[1:], bold=False, words=True) for texts in columns]
    unwrapped = [max(b, h) for b, h in zip(body, header_word, strict=True)]
    full = [max(b, h) for b, h in zip(body, header_full, strict=True)]
    if sum(full) <= width:
        widths = [w + (width - sum(full)) * w // sum(full) for w in full]
    elif sum(unwrapped) <= width:
        wanted = [f - u for f, u in zip(full, unwrapped, strict=True)]
        widths = [u + (width - sum(unwrapped)) * w // sum(wanted) for u, w in zip(unwrapped, wanted, strict=True)]
    else:
        narrowest = [max(b, h) for b, h in zip(body_word, header_word, strict=True)]
        if sum(narrowest) > width:  # even one word a line is too wide: shrink all, and long words break
            narrowest = [w * width // sum(narrowest) for w in narrowest]
        widths = _water_fill(unwrapped, narrowest, width)
    widths[-1] += width - sum(widths)  # rounding: the columns add up to exactly the width asked for

    def row_height(texts, bold: bool) -> int:
        lines = max(line_count(text, w - padding, size, bold=bold) for text, w in zip(texts, widths, strict=True))
        return text_height(lines, size) + 2 * CELL_PADDING_Y

    numeric = tuple(is_numeric(texts[1:]) for texts in columns)
    return TableLayout(
        header, rows, tuple(widths), row_height(header, True), tuple(row_height(row, False) for row in rows), numeric
    )


def _table(slide, layout: TableLayout, rows: range, left, top) -> None:
    shape = slide.shapes.add_table(
        len(rows) + 1, len(layout.header), left, top, sum(layout.widths), layout.height(rows)
    )
    shape.name = "Table"
    describe(shape, f"Table of {len(rows)} rows, by {layout.header[0].lower()}: {', '.join(layout.header)}.")
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    for column, width in enumerate(layout.widths):
        table.columns[column].width = Emu(width)
    table.rows[0].height = Emu(layout.header_height)
    for position, index in enumerate(rows, start=1):
        table.rows[position].height = Emu(layout.heights[index])
    lines = [(layout.header, WHITE, _rgb(charts.DARK_BLUE), True)] + [
        (layout.rows[index], TEXT, LIGHT_GREY if position % 2 else WHITE, False) for position, index in enumerate(rows)
    ]
    for row, (texts, colour, background, bold) in enumerate(lines):
        for column, text in enumerate(texts):
            cell = table.cell(row, column)
            cell.fill.solid()
            cell.fill.fore_color.rgb = background
            cell.margin_left = cell.margin_right = CELL_PADDING_X
            cell.margin_top = cell.margin_bottom = CELL_PADDING_Y
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE if bold else MSO_ANCHOR.TOP
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if layout.numeric[column] else PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = text
            _style(run.font, SMALLEST, bold=bold, colour=colour)


def _kpis(slide, kpis: tuple[tuple[str, str], ...], top) -> int:
    per_row = 4
    gap = Inches(0.3)
    box_width = (CONTENT_WIDTH - gap * (per_row - 1)) // per_row
    box_height = Inches(1.3)
    for index, (label, value) in enumerate(kpis):
        left = MARGIN + (box_width + gap) * (index % per_row)
        box_top = top + (box_height + Inches(0.25)) * (index // per_row)
        _rectangle(slide, left, box_top, box_width, box_height, LIGHT_GREY)
        _rectangle(slide, left, box_top, Inches(0.08), box_height, _rgb(charts.DARK_BLUE))
        inner = box_width - Inches(0.45)
        # On one line, so a long label ("Miles travelled (reported)") never runs into its value.
        label_size = next((size for size in (16, 14) if line_count(label, inner, size) == 1), SMALLEST)
        _text(slide, label, left + Inches(0.25), box_top + Inches(0.15), inner, Inches(0.3), label_size, colour=MUTED)
        size = fitted_size([value], inner, Inches(0.7), (36, 32, 28, 24), bold=True)
        _text(slide, value, left + Inches(0.25), box_top + Inches(0.5), inner, Inches(0.7), size, bold=True)
    rows = math.ceil(len(kpis) / per_row)
    return top + rows * box_height + (rows - 1) * Inches(0.25)


def _findings(slide, findings: list[str], left, top, width, height, *, sizes=(18, 16, 14)) -> None:
    """'Key findings' and a bullet for each finding that fits the box (the speaker notes have them all)."""
    heading = Inches(0.5)
    bullets = [f"• {finding}" for finding in findings]
    while bullets:
        size = fitted_size(bullets, width, height - heading, sizes)
        needed = sum(text_height(line_count(bullet, width, size), size) for bullet in bullets)
        if needed + int(Pt(size * 0.6)) * (len(bullets) - 1) <= height - heading:
            break
        bullets.pop()
    if not bullets:
        return
    _text(slide, "Key findings", left, top, width, Inches(0.4), 18, bold=True, colour=_rgb(charts.DARK_BLUE))
    _text(slide, bullets, left, top + heading, width, height - heading, size)


def _notes(slide, item: Slide) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(dict.fromkeys([item.headline, *item.notes]))


def _story_slides(deck, item: Slide) -> None:
    """One story slide, and continuation slides when its table is too long to sit on it."""
    blank = deck.slide_layouts[TITLE_ONLY]
    slide = deck.slides.add_slide(blank)
    top = _headline(slide, item.section, item.headline)
    room = CONTENT_BOTTOM - top
    findings = [note for note in item.notes if note != item.headline]
    _notes(slide, item)
    if item.kpis:
        bottom = _kpis(slide, item.kpis, top)
        _findings(slide, findings, MARGIN, bottom + Inches(0.35), CONTENT_WIDTH, CONTENT_BOTTOM - bottom - Inches(0.35))
        return
    layout, pages = None, []
    if item.series is not None:
        half = (CONTENT_WIDTH - GUTTER) // 2
        beside = table_layout(item.table, half) if not item.table.empty else None
        if beside is None or len(beside.pages(room, room)) == 1:
            bottom = _chart(slide, item.series, MARGIN, top, half, room)
            if beside is not None:
                _table(slide, beside, range(len(beside.rows)), MARGIN + half + GUTTER, top)
                bottom = max(bottom, top + beside.height(range(len(beside.rows))))
            below = bottom + Inches(0.35)
            _findings(slide, findings, MARGIN, below, CONTENT_WIDTH, CONTENT_BOTTOM - below)
            return
    if item.series is not None or item.deck is not None:
        # A chart with a long table, or a map: the picture takes the slide's height, its key and the findings stand
        # beside it, and the whole table follows on the next slides.
        if item.series is not None:
            width = (CONTENT_WIDTH - GUTTER) * 3 // 5
            _chart(slide, item.series, MARGIN, top, width, room, caption=False)
        else:
            width = _map(slide, item, top, room)
        if not item.table.empty:
            layout = table_layout(item.table, CONTENT_WIDTH)
            later = CONTENT_BOTTOM - content_top(_continued(item, layout, WIDEST_PART))
            pages = layout.pages(later, later)
            rows = "The table" if len(layout.rows) == 1 else f"The table of all {len(layout.rows):,} rows"
            findings.append(f"{rows} follows on the next {_slides(len(pages))}.")
        key = item.deck_key if item.series is None else chart_caption(item.series)
        _aside(slide, key, findings, MARGIN + width + GUTTER, top, CONTENT_WIDTH - width - GUTTER, room)
    elif not item.table.empty:
        layout = table_layout(item.table, CONTENT_WIDTH)
        pages = layout.pages(room, CONTENT_BOTTOM - content_top(_continued(item, layout, WIDEST_PART)))
        _table(slide, layout, pages.pop(0), MARGIN, top)
    for number, rows in enumerate(pages, start=1):
        slide = deck.slides.add_slide(blank)
        part = f" ({number} of {len(pages)})" if len(pages) > 1 else ""
        # Each continuation's title is its own ("... (2 of 3)"): the outline and the checker tell slides apart by title.
        top = _headline(slide, f"{item.section}: table{part}", _continued(item, layout, part))
        _table(slide, layout, rows, MARGIN, top)
        _notes(slide, item)


def _aside(slide, key: str, findings: list[str], left, top, width, height) -> None:
    """Beside a picture or chart: its key (what the colours, sizes and lines mean), then the key findings."""
    if key:
        key_height = text_height(line_count(key, width, 14), 14)
        _text(slide, key, left, top, width, key_height, 14, colour=MUTED)
        top, height = top + key_height + Inches(0.35), height - key_height - Inches(0.35)
    _findings(slide, findings, left, top, width, height)


def _map(slide, item: Slide, top, height) -> int:
    """The slide's map as a picture drawn offline from its deck, described for screen readers; returns its width."""
    # The map takes more than half the slide's width, fitted to the tour's places (not the whole of the UK), so that
    # the places and their names are large.
    width = (CONTENT_WIDTH - GUTTER) * MAP_SHARE
    pixels = mapimage.png(
        item.deck, height=MAP_PIXELS, width=round(MAP_PIXELS * width / height), fit_points=True, padding=0.13
    )
    picture = slide.shapes.add_picture(io.BytesIO(pixels), MARGIN, top, width=width, height=height)
    picture.name = "Map"
    describe(picture, item.deck_alt)
    return picture.width


def _continued(item: Slide, layout: TableLayout, part: str = "") -> str:
    return f"{item.section} by {layout.header[0].lower()}{part}"


WIDEST_PART = " (88 of 88)"  # the room a continuation's part number may take in its title


def _slides(count: int) -> str:
    return "slide" if count == 1 else f"{count} slides"


def _title(deck, filters: str, data_date: date, about: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    # The title is the blue band itself, its text inset: a rectangle behind it would come before it in reading order.
    _title_text(slide, "GSE Insight", 0, 0, WIDTH, Inches(3.6), 44, colour=WHITE)
    band = slide.shapes.title
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(charts.DARK_BLUE)
    band.text_frame.margin_left = band.text_frame.margin_right = MARGIN
    band.text_frame.margin_top = Inches(1.2)
    _text(
        slide, "Board pack: the Government Science and Engineering profession and its strategy tour",
        MARGIN, Inches(2.2), CONTENT_WIDTH, Inches(0.9), 24, colour=WHITE,
    )  # fmt: skip
    _text(slide, f"Data as of {data_date:%-d %B %Y}", MARGIN, Inches(4.0), CONTENT_WIDTH, Inches(0.45), 22, bold=True)
    _text(slide, "Filters", MARGIN, Inches(4.7), CONTENT_WIDTH, Inches(0.35), 16, bold=True, colour=MUTED)
    room = Inches(1.0)
    size = fitted_size([filters], CONTENT_WIDTH, room, (18, 16, 14, SMALLEST))
    # A very long list of filters is cut here; the speaker notes keep it whole.
    lines = room // text_height(1, size)
    _text(slide, shortened(filters, CONTENT_WIDTH, size, lines), MARGIN, Inches(5.05), CONTENT_WIDTH, room, size)
    stamp = shortened(f"{about} {disclosure.note()}", CONTENT_WIDTH, 12, 3)
    _text(slide, stamp, MARGIN, Inches(6.2), CONTENT_WIDTH, Inches(0.8), 12, colour=MUTED)
    slide.notes_slide.notes_text_frame.text = (
        f"Data as of {data_date:%-d %B %Y}. Filters: {filters}\n{about}\n{disclosure.note()}"
    )


def build(
    slides: list[Slide], *, filters: str, data_date: date, status: str = "", source: str = "GSE Insight."
) -> bytes:
    """The board pack as .pptx bytes: a title slide, then one slide per story slide (and its table's continuations)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = f"GSE Insight board pack, data as of {data_date.isoformat()}"
    deck.core_properties.author = "GSE Insight"
    _title(deck, filters, data_date, f"Status: {status} Source: {source} See About this data in GSE Insight.")
    for item in slides:
        _story_slides(deck, item)
    source = f"Source: GSE Insight. Data as of {data_date:%-d %B %Y}. {filters}"
    for number, slide in enumerate(deck.slides, start=1):
        _footer(slide, source, number, len(deck.slides))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
