"""Write the good-input variants (run from the repo root): the same data as plain/, saved the ways real exports save it.

plain/ is the fixture data with accented text added, as clean UTF-8 CSV: the tests read it with pandas for the expected
figures. Every other folder must import to exactly the same tables.
"""

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
TABLES = ("departments", "locations", "workshops", "members", "themes", "suggestions", "schemes", "participation")
DATE_COLUMNS = {"held_on", "joined_on"}
NUMBER_COLUMNS = {"latitude", "longitude", "attendees", "miles_travelled", "cohort_year"}
# Windows-1252 has these, so the cp1252 variant carries them (en dash, curly apostrophe, e acute).
ACCENTED = {
    ("departments", "METOFFICE", "name"): "Met Office (Météo)",
    ("suggestions", "S03", "text"): "Nobody upstairs knows what our scientists do – it’s a shame",
}


def plain_rows(table: str) -> list[list[str]]:
    """The fixture table with the accented values, as rows of text (header first)."""
    rows = list(csv.reader((FIXTURES / f"{table}.csv").read_text().splitlines()))
    header = rows[0]
    for (name, key, column), value in ACCENTED.items():
        if name == table:
            row = next(row for row in rows[1:] if row[0] == key)
            row[header.index(column)] = value
    return rows


def csv_text(rows: list[list[str]], newline: str = "\n") -> str:
    """Rows as CSV text."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def serial(iso: str) -> str:
    """An ISO date as an Excel serial number (1900 system)."""
    return str((date.fromisoformat(iso) - date(1899, 12, 30)).days) if iso else ""


def messy_header(name: str) -> str:
    """A column name as a person might type it: capitals, spaces for underscores, padding."""
    return f"  {name.replace('_', ' ').title()} "


def write(folder: str, files: dict[str, bytes]) -> None:
    """Replace one variant folder."""
    target = HERE / folder
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name, content in files.items():
        (target / name).write_bytes(content)


def main() -> None:
    """Rewrite every variant."""
    tables = {table: plain_rows(table) for table in TABLES}
    write("plain", {f"{table}.csv": csv_text(rows).encode() for table, rows in tables.items()})
    write(
        "bom_crlf_spaces",
        {
            f"{table}.csv": (
                "\ufeff"
                + csv_text(
                    [[messy_header(name) for name in rows[0]]]
                    + [[f" {cell}  " if cell else cell for cell in row] for row in rows[1:]],
                    "\r\n",
                )
                + "\r\n\r\n"
            ).encode()
            for table, rows in tables.items()
        },
    )
    write("cp1252", {f"{table}.csv": csv_text(rows, "\r\n").encode("cp1252") for table, rows in tables.items()})
    serials = {}
    for table, rows in tables.items():
        header = rows[0]
        converted = [header]
        for row in rows[1:]:
            converted.append(
                [
                    serial(cell)
                    if name in DATE_COLUMNS
                    else (f"{float(cell)}" if name in NUMBER_COLUMNS and cell else cell)
                    for name, cell in zip(header, row, strict=True)
                ]
            )
        serials[f"{table}.csv"] = csv_text(converted).encode()
    write("excel_serials", serials)
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["One sheet per table; this sheet is ignored."])
    for table, rows in tables.items():
        sheet = book.create_sheet(table.title())
        sheet.append([messy_header(name) for name in rows[0]])
        for row in rows[1:]:
            cells = []
            for name, cell in zip(rows[0], row, strict=True):
                if name in DATE_COLUMNS and cell:
                    cells.append(date.fromisoformat(cell))
                elif name in NUMBER_COLUMNS and cell:
                    cells.append(float(cell) if "." in cell else int(cell))
                else:
                    cells.append(cell or None)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    write("workbook", {"gse.xlsx": buffer.getvalue()})


if __name__ == "__main__":
    main()
