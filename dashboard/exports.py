"""Downloads that open clean: a CSV that is the table alone, and XLSX and ODS with the table first and a cover sheet."""

import io
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboard import disclosure, ods

# OWASP CSV injection: a cell starting with one of these is taken by Excel as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters (C0, DEL, C1) and Unicode line breaks: a cover-sheet fact is kept to one line.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# RFC 4180's line end. The writer quotes a cell that holds any character of it: with "\n" alone, a cell holding a bare
# "\r" went out unquoted, and a spreadsheet reads that "\r" as a new row whose first cell could be a formula.
CSV_LINE_END = "\r\n"
# Decimal places a download keeps, as the pages show them: a share is a fraction shown as a percentage to one place, so
# it keeps three; a percentage ("(%)") and every other rate or ratio is shown to one place.
SHARE_DECIMALS = 3
DEFAULT_DECIMALS = 1
SHARE_WORDS = ("share", "proportion")
DATA_SHEET = "Data"
COVER_SHEET = "Cover"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE = ods.MIME
MAX_COLUMN_WIDTH = 60


@dataclass(frozen=True)
class Context:
    """What a download says about itself: title, filters, data date, status and source (see about.py)."""

    title: str
    filters: str
    data_date: date
    status: str = "Not stated."
    source: str = "GSE Insight."
    about: str = "About this data: the page of that name in GSE Insight (/about)."

    def lines(self) -> list[tuple[str, str]]:
        """The facts as label and value pairs, each value on one line, for the cover sheet."""
        facts = [
            ("Title", self.title),
            ("Filters", self.filters),
            ("Data as of", self.data_date.isoformat()),
            ("Status", self.status),
            ("Disclosure control", disclosure.note()),
            ("Source", self.source),
            ("More", self.about),
        ]
        # The title can hold a user's search text, taken from the link, so none of these is trusted.
        return [(label, one_line(value)) for label, value in facts]

    def file_stem(self) -> str:
        """A file name that names the table and the data date."""
        slug = "".join(ch if ch.isalnum() else "-" for ch in self.title.lower()).strip("-")
        return f"gse-{'-'.join(part for part in slug.split('-') if part)}-{self.data_date.isoformat()}"


def one_line(text: str) -> str:
    """The text with every control character and line break replaced by a space."""
    return CONTROL_CHARACTERS.sub(" ", str(text))


def neutralise(value):
    """Make a text cell that Excel would run as a formula show as text, by prefixing an apostrophe.

    Leading spaces are looked through: some spreadsheet imports trim them, and then ` =1+1` is a formula.
    """
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def decimals_for(column) -> int:
    """How many decimal places a column's fractional numbers keep in a download."""
    name = str(column).lower()
    if "%" not in name and any(word in name for word in SHARE_WORDS):
        return SHARE_DECIMALS
    return DEFAULT_DECIMALS


def _rounded_value(value, places: int):
    # A float that is a whole number (a count that went through pandas as 210.0) is written as 210.
    if isinstance(value, bool | np.bool_) or not isinstance(value, float | np.floating):
        return value
    if np.isnan(value):
        return None
    value = round(float(value), places)
    return int(value) if value.is_integer() else value


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with fractional numbers rounded as the pages show them and whole floats made integers."""
    result = frame.copy()
    for column in result.columns:
        series = result[column]
        if pd.api.types.is_bool_dtype(series) or not (pd.api.types.is_float_dtype(series) or series.dtype == object):
            continue
        values = [_rounded_value(value, decimals_for(column)) for value in series]
        if pd.api.types.is_float_dtype(series) and all(value is None or isinstance(value, int) for value in values):
            result[column] = pd.array(values, dtype="Int64")
        else:
            result[column] = pd.Series(values, index=series.index, dtype=object)
    return result


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A rounded copy of the frame with every text cell and header neutralised."""
    safe = rounded(frame)
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(column)) for column in safe.columns]
    return safe


def to_csv(frame: pd.DataFrame, context: Context | None = None) -> bytes:
    """The table alone, header first, in UTF-8 with a BOM (so Excel reads it right); the context goes in XLSX and ODS."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator=CSV_LINE_END)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_text(value):
    """Text with the control characters XML cannot hold (all but tab and line breaks) made spaces; others unchanged."""
    return ILLEGAL_CHARACTERS_RE.sub(" ", value) if isinstance(value, str) else value


def _cells_as_text(workbook: Workbook) -> None:
    """Store every text cell as text, never as a formula, whatever it starts with."""
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def sheet_xlsx(rows: list[list], sheet: str = "Sheet1") -> bytes:
    """A one-sheet workbook of plain rows, every text cell neutralised and stored as text.

    The board pack's charts embed their data as such a workbook. No cell becomes a formula or a hyperlink: the writer
    PowerPoint's library uses would make `=HYPERLINK(...)` a formula and `http://...` a live link.
    """
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append([None if value is None else neutralise(xlsx_text(value)) for value in row])
    _cells_as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(frame: pd.DataFrame) -> list[list]:
    """The Data sheet's rows, header first: neutralised, rounded, spreadsheet-safe cells, missing values empty."""
    safe = safe_frame(frame)
    rows = [[neutralise(xlsx_text(column)) for column in safe.columns]]
    for row in safe.itertuples(index=False):
        rows.append([None if value is None or pd.isna(value) else neutralise(xlsx_text(value)) for value in row])
    return rows


def cover_rows(context: Context) -> list[list]:
    """The cover sheet's rows: the title, then one row per fact."""
    (_, title), *facts = context.lines()
    return [[neutralise(xlsx_text(title))]] + [
        [neutralise(label), neutralise(xlsx_text(value))] for label, value in facts
    ]


def column_widths(rows: list[list]) -> list[int]:
    """A width per column that fits its longest cell, within limits."""
    widths = [0] * max((len(row) for row in rows), default=0)
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    return [min(max(width + 2, 8), MAX_COLUMN_WIDTH) for width in widths]


def to_xlsx(frame: pd.DataFrame, context: Context) -> bytes:
    """A workbook whose first sheet is the table (frozen header, filters, fitted widths) and whose second is the cover."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    rows = sheet_rows(frame)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if rows[0]:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
    for index, width in enumerate(column_widths(rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    cover = workbook.create_sheet(COVER_SHEET)
    for row in cover_rows(context):
        cover.append(row)
    cover["A1"].font = Font(bold=True, size=14)
    cover.column_dimensions["A"].width = 20
    cover.column_dimensions["B"].width = 100
    _cells_as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_ods(frame: pd.DataFrame, context: Context) -> bytes:
    """An OpenDocument spreadsheet with the same two sheets as the XLSX (the table first, frozen header, then the cover)."""
    return ods.workbook(
        [(DATA_SHEET, sheet_rows(frame)), (COVER_SHEET, cover_rows(context))], frozen_header=(DATA_SHEET,)
    )
