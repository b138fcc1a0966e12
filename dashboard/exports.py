"""Downloads that carry their context: CSV and XLSX of a table, safe to open in Excel."""

import io
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from dashboard import disclosure

# OWASP CSV injection: a cell starting with one of these is taken by Excel as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters (C0, DEL, C1) and Unicode line breaks. In a context line any of them could end the `# label:` row
# and start a row of its own, so they become spaces there.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A spreadsheet splits a comment row into cells at each comma (a semicolon in some locales); the separator is kept.
CELL_SEPARATORS = re.compile("([,;])")
# RFC 4180's line end. The writer quotes a cell that holds any character of it: with "\n" alone, a cell holding a bare
# "\r" went out unquoted, and a spreadsheet reads that "\r" as a new row whose first cell could be a formula.
CSV_LINE_END = "\r\n"


@dataclass(frozen=True)
class Context:
    """What a download says about itself: its title, the active filters and the data date."""

    title: str
    filters: str
    data_date: date

    def lines(self) -> list[tuple[str, str]]:
        """The facts as label and value pairs, each value on one line, for a cover sheet or comment rows."""
        facts = [
            ("Title", self.title),
            ("Filters", self.filters),
            ("Data as of", self.data_date.isoformat()),
            ("Disclosure control", disclosure.note()),
            ("Source", "GSE Insight (illustrative sample data unless an import says otherwise)"),
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


def comment_row(label: str, value: str) -> str:
    """`# label: value` as one CSV line that a spreadsheet cannot split into a cell it would run.

    Excel splits the row at commas (semicolons in some locales), so each piece after a separator is a cell of its own,
    and one that opens with a quote would start a quoted cell that could run on into the rows below. Such a piece
    gets the same apostrophe as a formula.
    """
    pieces = CELL_SEPARATORS.split(one_line(value))
    for index in range(2, len(pieces), 2):
        if neutralise(pieces[index]) != pieces[index] or pieces[index].lstrip(" ").startswith('"'):
            pieces[index] = "'" + pieces[index]
    return f"# {label}: {neutralise(''.join(pieces))}"


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
        buffer.write(comment_row(label, value) + CSV_LINE_END)
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


def to_xlsx(frame: pd.DataFrame, context: Context) -> bytes:
    """A workbook with a cover sheet of the context and a Data sheet with the table."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    (_, title), *facts = context.lines()
    cover.append([neutralise(title)])
    cover["A1"].font = Font(bold=True, size=14)
    for label, value in facts:
        cover.append([neutralise(label), neutralise(value)])
    cover.column_dimensions["A"].width = 20
    cover.column_dimensions["B"].width = 100
    sheet = workbook.create_sheet("Data")
    safe = safe_frame(frame)
    sheet.append([neutralise(xlsx_text(column)) for column in safe.columns])
    for row in safe.itertuples(index=False):
        sheet.append([None if pd.isna(value) else neutralise(xlsx_text(value)) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    _cells_as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
