"""The HTML report: one self-contained file (plotly.js inlined) with the story's slides, printable on A4 landscape."""

import base64
import os
import shutil
import subprocess
import tempfile
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from dashboard import charts, disclosure
from dashboard.story import mapimage
from dashboard.story.boardpack import cell_text, is_numeric
from dashboard.story.slides import Slide

# A4 landscape less 12 mm margins is 273 x 186 mm, about 1032 x 703 CSS pixels. Figures are drawn at a fixed size that
# fits it, so that printing never cuts one (a plot sized to a wide screen keeps that width on paper).
FIGURE_WIDTH = 1000
# Room for the section label and a two-line headline above the figure on the same page.
FIGURE_MAX_HEIGHT = 580
PAIRED_FIGURE_WIDTH = 620
# Pixels per category under which the axis and value labels are set smaller so that they do not overlap.
CROWDED_ROW_HEIGHT = 28
WHOLE_TABLE_ROWS = 20
MAP_HEIGHT = 540  # CSS pixels: the map and its key fit one printed page under the headline

# Debian's Chromium prints the PDF; GSE_CHROMIUM names another binary.
CHROMIUM = "/usr/bin/chromium"
PDF_TIMEOUT = 60  # seconds: a PDF that takes longer is an error, not a hung download
# Offline and quiet: no network, no first-run work, no background services; the sandbox needs a user namespace that
# containers often lack.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--proxy-server=127.0.0.1:9",  # a closed port: nothing the report asks for can reach the network
    "--no-pdf-header-footer",
)

MARGIN_FONT = "font: 10pt Arial, Helvetica, sans-serif; color: #505a5f;"
STYLE = """
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; margin: 0 auto; padding: 24px; max-width: 1080px;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.cover { border-top: 12px solid #12436d; padding-top: 32px; }
h1 { font-size: 40px; margin: 0 0 8px; color: #12436d; }
.subtitle { font-size: 22px; margin: 0 0 24px; }
.date { font-size: 20px; font-weight: bold; margin: 0 0 12px; }
.meta { color: #505a5f; font-size: 15px; margin: 4px 0; }
.contents { margin-top: 28px; padding-left: 0; list-style: none; counter-reset: item; }
.contents li { margin: 10px 0; font-size: 16px; }
.contents .name { color: #12436d; font-weight: bold; text-transform: uppercase; font-size: 13px; letter-spacing: 0.05em;
                  display: block; }
.slide { padding: 28px 0 8px; border-top: 6px solid #12436d; margin-top: 40px; }
.section { color: #12436d; font-weight: bold; text-transform: uppercase; font-size: 14px; letter-spacing: 0.05em; }
h2 { font-size: 26px; line-height: 1.25; margin: 6px 0 16px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; }
.kpi { background: #f3f2f1; border-left: 6px solid #12436d; padding: 12px 16px; }
.kpi .label { color: #505a5f; font-size: 15px; }
.kpi .value { font-size: 32px; font-weight: bold; margin-top: 6px; }
.figure { max-width: 100%; break-inside: avoid; margin: 8px 0 12px; }
h3 { font-size: 18px; color: #12436d; margin: 16px 0 6px; }
ul.notes { font-size: 16px; line-height: 1.4; margin: 0 0 12px; padding-left: 22px; }
table { border-collapse: collapse; font-size: 14px; margin-top: 12px; }
th { background: #12436d; color: #ffffff; text-align: left; vertical-align: bottom; }
th, td { padding: 5px 10px; border-bottom: 1px solid #b1b4b6; }
tbody tr:nth-child(even) td { background: #f3f2f1; }
th.number, td.number { text-align: right; }
tr, table.whole, .findings { break-inside: avoid; }
.nowrap { white-space: nowrap; }
.pair { display: flex; gap: 24px; align-items: flex-start; }
.pair table { margin-top: 40px; }
.map { display: block; width: auto; }
.key { color: #505a5f; font-size: 16px; line-height: 1.4; max-width: 420px; margin: 0; }
@page { size: A4 landscape; margin: 12mm 12mm 14mm; }
@page { @bottom-right { content: counter(page) " / " counter(pages); font: 10pt Arial, Helvetica, sans-serif; color: #505a5f; } }
@media print {
  body { padding: 0; max-width: none; }
  .modebar-container { display: none !important; }
  .slide { break-before: page; margin-top: 0; padding-top: 10px; border-top-width: 4px; }
  h2 { font-size: 22px; margin-bottom: 10px; }
}
"""


def _figure(item: Slide, index: int, width: int = FIGURE_WIDTH) -> str:
    figure = go.Figure(item.figure)  # a copy: the slide's figure is shared with the screen
    # The headline above already states the finding; a chart title saying it again is dropped.
    if figure.layout.title.text == item.headline:
        figure.update_layout(title=None, margin={"t": 30})
    elif figure.layout.title.text:
        figure.update_layout(title_font_size=18)  # plotly does not wrap titles: keep one on one line
    height = min(figure.layout.height or FIGURE_MAX_HEIGHT, FIGURE_MAX_HEIGHT)
    figure.update_layout(width=width, height=height, autosize=False)
    categories = charts.categories(figure)
    if categories:  # squeezed to fit the page, plotly would otherwise drop every other category name
        names = categories
        lines = max(name.count("<br>") + 1 for name in categories)
        if height / len(categories) < CROWDED_ROW_HEIGHT * lines:
            # A name wrapped for a phone takes two or three rows' height and runs into its neighbours: on the page's
            # width it fits on one line.
            names = [name.replace("<br>", " ") for name in categories]
        figure.update_yaxes(tickmode="array", tickvals=categories, ticktext=names, automargin=True)
        if height / len(categories) < CROWDED_ROW_HEIGHT:
            figure.update_yaxes(tickfont_size=12 if len(categories) * 14 <= height else 11)
            figure.update_traces(textfont_size=12)
    # Room on the right for the value written beyond the longest bar.
    figure.update_layout(margin={"r": max(figure.layout.margin.r or 0, 60)})
    html = figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"figure-{index}",
        config={"displaylogo": False, "responsive": False},
    )
    return f'<div class="figure" style="width: {width}px">{html}</div>'


def table_html(table: pd.DataFrame) -> str:
    """The table as HTML, its cells written as the board pack writes them, numbers right-aligned."""
    columns = [[cell_text(value, table[name]) for value in table[name]] for name in table.columns]
    numeric = [is_numeric(cells) for cells in columns]

    def cell(tag: str, text: str, number: bool) -> str:
        # Short cells (dates, numbers, names) stay on one line; only long text wraps.
        classes = " ".join(name for name, wanted in (("number", number), ("nowrap", len(text) <= 20)) if wanted)
        return f'<{tag} class="{classes}">{escape(text)}</{tag}>' if classes else f"<{tag}>{escape(text)}</{tag}>"

    head = "".join(cell("th", str(name), number) for name, number in zip(table.columns, numeric, strict=True))
    rows = "".join(
        "<tr>"
        + "".join(cell("td", column[row], number) for column, number in zip(columns, numeric, strict=True))
        + "</tr>"
        for row in range(len(table))
    )
    # A table that fits on a page is kept whole; a longer one breaks between rows, its header repeated.
    whole = ' class="whole"' if len(table) <= WHOLE_TABLE_ROWS else ""
    return f"<table{whole}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _slide(item: Slide, index: int) -> str:
    parts = [
        f'<section class="slide" id="slide-{index}"><div class="section">{escape(item.section)}</div>'
        f"<h2>{escape(item.headline)}</h2>"
    ]
    if item.kpis:
        cells = "".join(
            f'<div class="kpi"><div class="label">{escape(label)}</div><div class="value">{escape(value)}</div></div>'
            for label, value in item.kpis
        )
        parts.append(f'<div class="kpis">{cells}</div>')
    table = "" if item.table.empty or item.kpis else table_html(item.table)  # KPI boxes are already text
    if item.deck is not None:
        # The map as a picture (deck.gl would need a script from the internet), its key beside it.
        picture = base64.b64encode(mapimage.png(item.deck, height=2 * MAP_HEIGHT)).decode()
        parts.append(
            f'<div class="pair"><img class="map" src="data:image/png;base64,{picture}" alt="{escape(item.deck_alt)}" '
            f'height="{MAP_HEIGHT}"><p class="key">{escape(item.deck_key)}</p></div>'
        )
    narrow = table and len(item.table.columns) <= 3 and len(item.table) <= WHOLE_TABLE_ROWS
    if item.figure is not None and item.deck is None and narrow:
        # A short, narrow table sits beside its chart, as on the board pack's slide.
        parts.append(f'<div class="pair">{_figure(item, index, PAIRED_FIGURE_WIDTH)}{table}</div>')
        table = ""
    elif item.figure is not None:
        parts.append(_figure(item, index))
    notes = [note for note in item.notes if note != item.headline]
    if notes:
        items = "".join(f"<li>{escape(note)}</li>" for note in notes)
        parts.append(f'<div class="findings"><h3>Key findings</h3><ul class="notes">{items}</ul></div>')
    parts.append(table)
    parts.append("</section>")
    return "".join(parts)


def build(
    slides: list[Slide], *, filters: str, data_date: date, status: str = "", source: str = "GSE Insight."
) -> bytes:
    """The report as UTF-8 HTML bytes that open offline in any browser."""
    when = f"{data_date:%-d %B %Y}"
    contents = "".join(
        f'<li><a href="#slide-{index}"><span class="name">{escape(item.section)}</span></a>{escape(item.headline)}</li>'
        for index, item in enumerate(slides)
    )
    body = "".join(_slide(item, index) for index, item in enumerate(slides))
    # The printed page footer; the date is the only value in this CSS string, and it is a formatted date.
    footer = f'@page {{ @bottom-left {{ content: "Source: GSE Insight. Data as of {when}."; {MARGIN_FONT} }} }}'
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>GSE Insight report, data as of {data_date.isoformat()}</title>
<style>{STYLE}{footer}</style><script>{get_plotlyjs()}</script></head>
<body><header class="cover"><h1>GSE Insight report</h1>
<p class="subtitle">The Government Science and Engineering profession and its strategy tour</p>
<p class="date">Data as of {when}</p>
<p class="meta">Filters: {escape(filters)}</p>
<p class="meta">Status: {escape(status)}</p>
<p class="meta">Source: {escape(source)} Sources, coverage, methods and a glossary: About this data, in GSE Insight.</p>
<p class="meta">{escape(disclosure.note())}</p>
<ol class="contents">{contents}</ol></header>
{body}
</body></html>"""
    return page.encode("utf-8")


class PdfUnavailable(RuntimeError):
    """The PDF cannot be made here: Chromium is missing or failed."""


def chromium() -> str | None:
    """The Chromium that prints the PDF, or None when there is none."""
    wanted = os.environ.get("GSE_CHROMIUM", CHROMIUM)
    found = shutil.which(wanted)
    return found if found and Path(found).is_file() else None


def pdf(html: bytes) -> bytes:
    """The report printed to PDF by headless Chromium, offline, on A4 landscape pages as its CSS asks.

    Raises PdfUnavailable, with a message a reader can act on, when Chromium is missing or fails.
    """
    binary = chromium()
    if binary is None:
        raise PdfUnavailable(
            f"The PDF report needs Chromium, which is not installed on this server "
            f"({os.environ.get('GSE_CHROMIUM', CHROMIUM)} not found). Download the HTML report and print it to PDF "
            "from your browser instead, or ask the administrator to install Debian's chromium package."
        )
    with tempfile.TemporaryDirectory(prefix="gse-pdf-") as folder:
        page, out = Path(folder, "report.html"), Path(folder, "report.pdf")
        page.write_bytes(html)
        command = [binary, *CHROMIUM_ARGS, f"--user-data-dir={folder}/profile", f"--print-to-pdf={out}", page.as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=True, cwd=folder)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            raise PdfUnavailable(f"Chromium could not print the PDF report ({type(error).__name__}).") from error
        if not out.exists() or not out.read_bytes().startswith(b"%PDF"):
            raise PdfUnavailable("Chromium did not write the PDF report.")
        return out.read_bytes()
