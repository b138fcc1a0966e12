"""Downloads that carry their context: CSV and XLSX of a table, safe to open in Excel."""

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from dashboard import disclosure

# OWASP CSV injection: a cell starting with one of these is taken by Excel as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Context:
    """What a download says about itself: its title, the active filters and the data date."""

    title: str
    filters: str
    data_date: date

    def lines(self) -> list[tuple[str, str]]:
        """The facts as label and value pairs, for a cover sheet or comment rows."""
        return [
            ("Title", self.title),
            ("Filters", self.filters),
            ("Data as of", self.data_date.isoformat()),
            ("Disclosure control", disclosure.note()),
            ("Source", "GSE Insight (illustrative sample data unless an import says otherwise)"),
        ]

    def file_stem(self) -> str:
        """A file name that names the table and the data date."""
        slug = "".join(ch if ch.isalnum() else "-" for ch in self.title.lower()).strip("-")
        return f"gse-{'-'.join(part for part in slug.split('-') if part)}-{self.data_date.isoformat()}"


def neutralise(value):
    """Make a text cell that Excel would run as a formula show as text, by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell and header neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(column)) for column in safe.columns]
    return safe


def to_csv(frame: pd.DataFrame, context: Context) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel reads it right), led by `# label: value` comment rows."""
    buffer = io.StringIO()
    for label, value in context.lines():
        buffer.write(f"# {label}: {neutralise(value)}\n")
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, context: Context) -> bytes:
    """A workbook with a cover sheet of the context and a Data sheet with the table."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover.append([context.title])
    cover["A1"].font = Font(bold=True, size=14)
    for label, value in context.lines()[1:]:
        cover.append([label, neutralise(value)])
    cover.column_dimensions["A"].width = 20
    cover.column_dimensions["B"].width = 100
    sheet = workbook.create_sheet("Data")
    safe = safe_frame(frame)
    sheet.append(list(safe.columns))
    for row in safe.itertuples(index=False):
        sheet.append([None if pd.isna(value) else value for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            # Text cells are stored as text, never as formulas, whatever they start with.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
