"""The HTML report: one self-contained file (plotly.js inlined) with the story's slides, printable on A4 landscape."""

from datetime import date
from html import escape

from plotly.offline import get_plotlyjs

from dashboard import disclosure
from dashboard.slides import Slide

STYLE = """
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; margin: 24px; }
h1 { font-size: 32px; margin-bottom: 4px; }
h2 { font-size: 24px; margin: 4px 0 12px; }
.section { color: #505a5f; text-transform: uppercase; font-size: 14px; letter-spacing: 0.05em; }
.meta { color: #505a5f; }
.slide { padding: 16px 0; border-top: 1px solid #b1b4b6; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.kpi { background: #f3f2f1; border: 1px solid #b1b4b6; padding: 12px; }
.kpi .label { color: #505a5f; font-size: 14px; }
.kpi .value { font-size: 30px; font-weight: bold; }
table { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
th, td { border: 1px solid #b1b4b6; padding: 4px 8px; text-align: left; }
th { background: #f3f2f1; }
ul.notes { color: #0b0c0c; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; }
  .slide { break-before: page; border-top: none; }
  .figure { width: 100%; }
}
"""


def _slide(item: Slide, index: int) -> str:
    parts = [
        f'<section class="slide"><div class="section">{escape(item.section)}</div><h2>{escape(item.headline)}</h2>'
    ]
    if item.kpis:
        cells = "".join(
            f'<div class="kpi"><div class="label">{escape(label)}</div><div class="value">{escape(value)}</div></div>'
            for label, value in item.kpis
        )
        parts.append(f'<div class="kpis">{cells}</div>')
    if item.figure is not None:
        figure = item.figure.to_html(
            full_html=False, include_plotlyjs=False, div_id=f"figure-{index}", config={"displaylogo": False}
        )
        parts.append(f'<div class="figure">{figure}</div>')
    if not item.table.empty and not item.kpis:  # KPI boxes are already text
        parts.append(item.table.to_html(index=False, escape=True, border=0, na_rep=disclosure.SUPPRESSED))
    notes = [note for note in item.notes if note != item.headline]
    if notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{escape(note)}</li>" for note in notes) + "</ul>")
    parts.append("</section>")
    return "".join(parts)


def build(slides: list[Slide], *, filters: str, data_date: date) -> bytes:
    """The report as UTF-8 HTML bytes that open offline in any browser."""
    body = "".join(_slide(item, index) for index, item in enumerate(slides))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>GSE Insight report, data as of {data_date.isoformat()}</title>
<style>{STYLE}</style><script>{get_plotlyjs()}</script></head>
<body><h1>GSE Insight report</h1>
<p class="meta">Data as of {data_date:%-d %B %Y}. Filters: {escape(filters)}</p>
<p class="meta">{escape(disclosure.note())}</p>
{body}
</body></html>"""
    return page.encode("utf-8")
