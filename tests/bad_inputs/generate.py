"""Write the bad-input corpus: one folder per failure mode, with its files and expected.txt (run from the repo root).

Each case is imported into a copy of the fixture database (tests/fixtures), so a folder holds only the files it breaks:
the tables it leaves out are kept from that database, and keys are checked across both. The expected lines were
written by hand from the files below, not produced by the importer. Workbook cases are binary, hence this script.
"""

import io
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
CASES: dict[str, tuple[str, dict[str, bytes], list[str]]] = {}


def fixture(name: str) -> str:
    """A fixture CSV's text."""
    return (FIXTURES / name).read_text()


def lines_of(name: str) -> list[str]:
    """A fixture CSV's lines (header first)."""
    return fixture(name).splitlines()


def text(lines: list[str]) -> bytes:
    """Lines as a UTF-8 CSV."""
    return ("\n".join(lines) + "\n").encode()


def replaced(name: str, row: int, old: str, new: str, lines: list[str] | None = None) -> list[str]:
    """The fixture's lines with one substitution in one spreadsheet row (header = row 1)."""
    lines = list(lines or lines_of(name))
    assert old in lines[row - 1], (name, row, old)
    lines[row - 1] = lines[row - 1].replace(old, new, 1)
    return lines


def case(name: str, description: str, files: dict[str, bytes], expected: list[str]) -> None:
    """Declare one case."""
    CASES[name] = (description, files, expected)


def workbook(sheets: dict[str, list[list[object]]]) -> openpyxl.Workbook:
    """A workbook with one sheet per table, rows as given."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    return book


def saved(book: openpyxl.Workbook) -> bytes:
    """A workbook's bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(content: bytes, parts: dict[str, bytes], level: int = 6) -> bytes:
    """A zip (workbook) with parts added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item.filename, source.read(item.filename))
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


MEMBER_HEADER = ["member_id", "department_id", "grade", "region", "background", "joined_on"]
EXPECTED_REGIONS = (
    "North East, North West, Yorkshire and The Humber, East Midlands, West Midlands, East of England, London, "
    "South East, South West, Wales, Scotland, Northern Ireland"
)

case(
    "out_of_range",
    "Numbers outside the contract's ranges: coordinates outside the UK, negative attendees, a cohort before 2000.",
    {
        "locations.csv": text(
            replaced("locations.csv", 3, "-4.2518", "2.5", replaced("locations.csv", 2, "51.5074", "61.2"))
        ),
        "workshops.csv": text(replaced("workshops.csv", 3, ",25,", ",-3,")),
        "participation.csv": text(replaced("participation.csv", 2, "2023", "1999")),
    },
    [
        "locations.csv:2: latitude: out of range: must be between 49.8 and 60.9 (61.2)",
        "locations.csv:3: longitude: out of range: must be between -8.7 and 1.8 (2.5)",
        "participation.csv:2: cohort_year: out of range: must be between 2000 and 2100 (1999)",
        "workshops.csv:3: attendees: out of range: must be between 0 and 10000 (-3)",
    ],
)

members = replaced("members.csv", 2, ",HEO,", ",G99,")
members = replaced("members.csv", 3, ",London,", ",Londn,", members)
members = replaced("members.csv", 4, ",both,", ",Both,", members)
case(
    "unknown_value",
    "Values outside an enumeration: an unknown grade, a misspelt region, a background in the wrong case.",
    {"members.csv": text(members)},
    [
        "members.csv:2: grade: unknown value; expected one of AA, AO, EO, HEO, SEO, G7, G6, SCS (G99)",
        f"members.csv:3: region: unknown value; expected one of {EXPECTED_REGIONS} (Londn)",
        "members.csv:4: background: unknown value; did you mean both? (Both)",
    ],
)

case(
    "duplicate_key",
    "A member listed twice, two departments with one name, a participation row repeated.",
    {
        "members.csv": text([*lines_of("members.csv"), "M001,SG,EO,Scotland,science,2021-01-01"]),
        "departments.csv": text([*lines_of("departments.csv"), "HMT,Met Office"]),
        "participation.csv": text([*lines_of("participation.csv"), "M003,fls,2023,completed"]),
    },
    [
        "departments.csv:5: name: duplicate name: also at row 3 (Met Office)",
        "members.csv:14: member_id: duplicate key: also at row 2 (M001)",
        "participation.csv:9: member_id, scheme_id, cohort_year: duplicate key: also at row 2 (M003, fls, 2023)",
    ],
)

suggestions = replaced("suggestions.csv", 2, "S01,w01,", "S01,w09,")
suggestions = replaced("suggestions.csv", 3, ",cpd,", ",cpdd,", suggestions)
suggestions = replaced("suggestions.csv", 5, ",M009", ",M999", suggestions)
case(
    "orphan",
    "Foreign keys with no match in the tables kept from the current database.",
    {
        "members.csv": text(replaced("members.csv", 2, ",DEFRA,", ",HMT,")),
        "suggestions.csv": text(suggestions),
    },
    [
        "members.csv:2: department_id: no such department in departments (current database) (HMT)",
        "suggestions.csv:2: workshop_id: no such workshop in workshops (current database) (w09)",
        "suggestions.csv:3: theme_id: no such theme in themes (current database) (cpdd)",
        "suggestions.csv:5: member_id: no such member in members.csv (M999)",
    ],
)

case(
    "orphan_in_kept_table",
    "A department dropped from departments.csv while members and schemes kept from the database still refer to it.",
    {"departments.csv": text(lines_of("departments.csv")[:3])},
    [
        "members (current database):M008: department_id: no such department in departments.csv (SG)",
        "members (current database):M009: department_id: no such department in departments.csv (SG)",
        "members (current database):M010: department_id: no such department in departments.csv (SG)",
    ],
)

case(
    "missing_column",
    "A required column left out of the file.",
    {
        "members.csv": text(
            [",".join(cells[:2] + cells[3:]) for cells in (line.split(",") for line in lines_of("members.csv"))]
        )
    },
    ["members.csv:1: grade: required column is missing"],
)

case(
    "empty_required",
    "Required values left empty (spaces only count as empty).",
    {
        "members.csv": text(replaced("members.csv", 5, ",DEFRA,", ",,")),
        "workshops.csv": text(replaced("workshops.csv", 2, ",1 Victoria Street,", ",   ,")),
    },
    [
        "members.csv:5: department_id: required value is empty",
        "workshops.csv:2: venue: required value is empty",
    ],
)

case(
    "text_too_long",
    "A suggestion over the 2,000-character limit.",
    {
        "suggestions.csv": text(
            replaced("suggestions.csv", 4, "Nobody upstairs knows what our scientists do", "a" * 2001)
        )
    },
    ["suggestions.csv:4: text: too long: 2,001 characters; the limit is 2,000 (" + "a" * 59 + "…)"],
)

workshops = replaced("workshops.csv", 2, ",40,", ",forty,")
workshops = replaced("workshops.csv", 3, ",405", ",405 miles", workshops)
workshops = replaced("workshops.csv", 4, ",30,", ",30.5,", workshops)
workshops = replaced("workshops.csv", 5, ",170", ',"1,170"', workshops)
case(
    "not_a_number",
    "Numbers that are words, carry units, are not whole, or use thousands separators; NaN as a coordinate.",
    {
        "workshops.csv": text(workshops),
        "locations.csv": text(replaced("locations.csv", 4, "50.7184", "NaN")),
    },
    [
        "locations.csv:4: latitude: not a number (NaN)",
        "workshops.csv:2: attendees: not a number (forty)",
        "workshops.csv:3: miles_travelled: not a number (405 miles)",
        "workshops.csv:4: attendees: not a whole number (30.5)",
        "workshops.csv:5: miles_travelled: write numbers without thousands separators (1,170)",
    ],
)

case(
    "impossible_date",
    "Dates that do not exist: 30 February, a thirteenth month.",
    {
        "workshops.csv": text(replaced("workshops.csv", 2, "2025-03-04", "2025-02-30")),
        "members.csv": text(replaced("members.csv", 3, "2012-06-01", "2012-13-01")),
    },
    [
        "members.csv:3: joined_on: impossible date (2012-13-01)",
        "workshops.csv:2: held_on: impossible date (2025-02-30)",
    ],
)

members = replaced("members.csv", 2, "2010-01-05", "05/01/2010")
members = replaced("members.csv", 3, "2012-06-01", "1 June 2012", members)
members = replaced("members.csv", 5, "2001-09-30", "2025", members)
members = replaced("members.csv", 6, "2019-02-11", "2019-02-11 14:00", members)
case(
    "unreadable_date",
    "Dates that would need a guess: day/month order, words, a year read as a serial number, a time of day.",
    {"members.csv": text(members)},
    [
        "members.csv:2: joined_on: day and month order is ambiguous: write the date as YYYY-MM-DD (05/01/2010)",
        "members.csv:3: joined_on: not a date: write it as YYYY-MM-DD (1 June 2012)",
        "members.csv:5: joined_on: date out of range: must be between 1950 and 2100 (2025)",
        "members.csv:6: joined_on: has a time of day; a date is expected (2019-02-11 14:00)",
    ],
)

case(
    "undecodable",
    "A byte that is neither UTF-8 nor Windows-1252 (0x81 is unassigned in Windows-1252).",
    {"members.csv": fixture("members.csv").encode().replace(b"M003,DEFRA,G7", b"M003,DEFRA\x81,G7")},
    ["members.csv:4: bytes that are neither UTF-8 nor Windows-1252 (81)"],
)

case(
    "mixed_encoding",
    "One file with a UTF-8 é in one row and a Windows-1252 é in another: neither reading is right for both.",
    {
        "departments.csv": (
            b"department_id,name\n"
            b'DEFRA,"Department for Environment, Food and Rural Affairs"\n'
            b"METOFFICE,Met Office (M\xc3\xa9t\xc3\xa9o)\n"
            b"SG,Scottish Government (Caf\xe9)\n"
        )
    },
    ["departments.csv:3: mixes UTF-8 and Windows-1252 text: save the file as CSV UTF-8"],
)

suggestions = replaced("suggestions.csv", 2, "Funded chartership for lab staff", '"Funded chartership\nfor lab\nstaff"')
suggestions = replaced("suggestions.csv", 4, "Nobody upstairs", "Nobody upstairs (caf\u00e9)", suggestions)
case(
    "undecodable_after_quoted_lines",
    "A byte that is neither UTF-8 nor Windows-1252 in row 3, after a quoted cell spanning three lines in row 2 (the "
    "byte is on line 5 of the file), in a file otherwise UTF-8: the spreadsheet row is reported, not the line.",
    {"suggestions.csv": text(suggestions).replace(b"time set aside", b"time set\x81aside")},
    ["suggestions.csv:3: bytes that are neither UTF-8 nor Windows-1252 (81)"],
)

suggestions = lines_of("suggestions.csv")
suggestions[0] = suggestions[0].replace("theme_id", "theme") + ",theme_source"
suggestions[1:] = [line + "," for line in suggestions[1:]]
case(
    "unknown_column",
    "A column not in the contract (a misspelt theme_id), and a column the import fills itself.",
    {"suggestions.csv": text(suggestions)},
    [
        "suggestions.csv:1: unknown column; expected suggestion_id, workshop_id, question, text, theme_id, member_id (theme)",
        "suggestions.csv:1: theme_source: the import fills this column: remove it",
    ],
)

members = lines_of("members.csv")
members[0] = "member_id,Member ID,department_id,grade,region,background,joined_on"
members[1:] = [line.split(",")[0] + "," + line for line in members[1:]]
case(
    "duplicate_column",
    "Two columns that name the same contract column once case and spaces are ignored.",
    {"members.csv": text(members)},
    ["members.csv:1: member_id: the column appears twice"],
)

members = lines_of("members.csv")
members[2] += ",extra"
members[3] = members[3].rstrip(",")
case(
    "ragged_rows",
    "A row with more values than the header has columns, and one with fewer.",
    {"members.csv": text(members)},
    [
        "members.csv:3: more values (7) than columns (6)",
        "members.csv:4: fewer values (5) than columns (6)",
    ],
)

case(
    "unclosed_quote",
    "A quote opened and never closed: the rest of the file cannot be split into rows.",
    {"departments.csv": text(replaced("departments.csv", 3, "METOFFICE,Met Office", 'METOFFICE,"Met Office'))},
    ["departments.csv:3: cannot be read as CSV (unexpected end of data): a quote is never closed"],
)

case(
    "not_a_csv",
    "A PNG image named members.csv: the type is checked by content, not by name.",
    {
        "members.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    },
    ["members.csv: not a CSV file or an Excel workbook: it is a binary file"],
)

case(
    "utf16",
    "A CSV saved as 'Unicode text' (UTF-16) by Excel.",
    {"members.csv": fixture("members.csv").encode("utf-16")},
    ["members.csv: UTF-16 text: save it as CSV UTF-8"],
)

case(
    "empty_file",
    "A members.csv with nothing but blank lines.",
    {"members.csv": b"\r\n\r\n  \r\n"},
    ["members.csv: the file is empty"],
)

case(
    "semicolons",
    "A CSV from a European-locale Excel, separated by semicolons.",
    {"members.csv": fixture("members.csv").replace(",", ";").encode()},
    ["members.csv:1: columns are separated by semicolons: save as CSV with commas"],
)

locations = replaced("locations.csv", 3, "Scotland,55.8642,-4.2518,Scotland", "Scotland,55.8642,-4.2518,North East")
locations = replaced(
    "locations.csv", 4, "England,50.7184,-3.5339,South West", "Wales,50.7184,-3.5339,South West", locations
)
case(
    "region_outside_nation",
    "A location whose ITL1 region is not in its nation.",
    {"locations.csv": text(locations)},
    [
        "locations.csv:3: region: not a region of Scotland (North East)",
        "locations.csv:4: region: not a region of Wales (South West)",
    ],
)

case(
    "email_as_member_id",
    "An email address used as a member id; the rows kept from the database that used the old id become orphans.",
    {"members.csv": text(replaced("members.csv", 2, "M001,", "jane.doe@defra.gov.uk,"))},
    [
        "members.csv:2: member_id: not a valid member_id: no spaces or @ (a staff number, never an email address) "
        "(jane.doe@defra.gov.uk)",
        "participation (current database):M001/defra_leaders/2024: member_id: no such member in members.csv (M001)",
        "suggestions (current database):S01: member_id: no such member in members.csv (M001)",
    ],
)

case(
    "control_character",
    "A suggestion with a bell character pasted into it.",
    {"suggestions.csv": text(replaced("suggestions.csv", 3, "time set aside", "time \x07set aside"))},
    ["suggestions.csv:3: text: contains a control character (time \\x07set aside for training courses every month)"],
)

case(
    "no_contract_files",
    "A folder whose only CSV is not named after a contract table.",
    {"notes.csv": b"note\nnothing here\n"},
    [
        "notes.csv: no contract files: expected "
        + ", ".join(
            f"{table}.csv"
            for table in (
                "departments",
                "locations",
                "workshops",
                "members",
                "themes",
                "suggestions",
                "schemes",
                "participation",
            )
        )
    ],
)

members = lines_of("members.csv")
members = replaced("members.csv", 3, ",SEO,", ",seo,", members)
members = replaced("members.csv", 5, "2001-09-30", "2001-09-31", members)
members = replaced("members.csv", 7, ",METOFFICE,", ",,", members)
members.insert(4, "")  # a blank line in the middle still counts as a spreadsheet row
workshops = replaced("workshops.csv", 4, "w03,exeter,", "w03,leeds,")
workshops = replaced("workshops.csv", 5, ",170", ",-170", workshops)
case(
    "combination",
    "Several files, several problems each, a blank line in the middle and an orphan across files: all reported.",
    {
        "members.csv": text(members),
        "workshops.csv": text(workshops),
        "departments.csv": text(lines_of("departments.csv")[:3]),
    },
    [
        "members.csv:3: grade: unknown value; did you mean SEO? (seo)",
        "members.csv:6: joined_on: impossible date (2001-09-31)",
        "members.csv:8: department_id: required value is empty",
        "members.csv:10: department_id: no such department in departments.csv (SG)",
        "members.csv:11: department_id: no such department in departments.csv (SG)",
        "members.csv:12: department_id: no such department in departments.csv (SG)",
        "workshops.csv:4: location_id: no such location in locations (current database) (leeds)",
        "workshops.csv:5: miles_travelled: out of range: must be between 0 and 10000 (-170)",
    ],
)


def member_rows() -> list[list[object]]:
    """The fixture members as workbook rows, with date cells."""
    rows = [MEMBER_HEADER]
    for line in lines_of("members.csv")[1:]:
        cells = line.split(",")
        cells[5] = date.fromisoformat(cells[5]) if cells[5] else None
        rows.append(cells)
    return rows


rows = member_rows()
rows[2][5] = "=DATE(2012,6,1)"
rows[3][1] = "='[budget.xlsx]Sheet1'!A1"
rows[4][2] = "#N/A"
rows[5][4] = True
rows[6][5] = datetime(2015, 7, 1, 9, 30)
rows[7][3] = date(2022, 11, 15)
case(
    "workbook_cells",
    "A workbook with a formula, an external reference, an error value, TRUE, a date-time and a date where text goes.",
    {"gse.xlsx": saved(workbook({"members": rows}))},
    [
        "gse.xlsx[members]:3: joined_on: a formula: formulas are never evaluated, paste the value instead (=DATE(2012,6,1))",
        "gse.xlsx[members]:4: department_id: a formula: formulas are never evaluated, paste the value instead "
        "(='[budget.xlsx]Sheet1'!A1)",
        "gse.xlsx[members]:5: grade: an Excel error value (#N/A)",
        "gse.xlsx[members]:6: background: a TRUE/FALSE cell, not a value of this column (True)",
        "gse.xlsx[members]:7: joined_on: has a time of day; a date is expected (2015-07-01 09:30:00)",
        "gse.xlsx[members]:8: region: a date cell where text is expected (2022-11-15 00:00:00)",
    ],
)

case(
    "old_excel",
    "An old binary .xls workbook (OLE2) named .xlsx.",
    {"gse.xlsx": bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)},
    ["gse.xlsx: not a CSV file or an Excel workbook: it is an old Excel (.xls) or other Office binary file"],
)

case(
    "macro_workbook",
    "A macro-enabled workbook (it holds xl/vbaProject.bin) named .xlsx.",
    {
        "gse.xlsx": with_parts(
            saved(workbook({"members": member_rows()})), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}
        )
    },
    ["gse.xlsx: not a CSV file or an Excel workbook: it is a macro-enabled workbook"],
)

bomb_sheet = b'<?xml version="1.0" encoding="UTF-8"?>' + b" " * (8 * 1024 * 1024) + b"<worksheet/>"
case(
    "zip_bomb",
    "A workbook whose sheet is 8 MB of spaces compressed to a few kilobytes: refused before it is opened.",
    {"gse.xlsx": with_parts(saved(workbook({"members": member_rows()})), {"xl/worksheets/sheet1.xml": bomb_sheet}, 9)},
    ["gse.xlsx: workbook part xl/worksheets/sheet1.xml is compressed {RATIO} to 1: refused as a zip bomb"],
)

laughs = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
)
case(
    "xml_entities",
    "A workbook whose sheet declares XML entities (the 'billion laughs' expansion): refused, never expanded.",
    {"gse.xlsx": with_parts(saved(workbook({"members": member_rows()})), {"xl/worksheets/sheet1.xml": laughs})},
    [
        "gse.xlsx: cannot be read as an Excel workbook: it declares XML entities or external references, which are refused"
    ],
)

case(
    "workbook_with_csv",
    "A workbook and a CSV given together: it must be one or the other.",
    {"gse.xlsx": saved(workbook({"members": member_rows()})), "departments.csv": fixture("departments.csv").encode()},
    ["gse.xlsx: give one workbook on its own, or CSV files, not both"],
)


workshops = replaced("workshops.csv", 2, ",40,0", ",40,1e308")
workshops = replaced("workshops.csv", 3, ",25,", ",\u0662\u0665,", workshops)
workshops = replaced("workshops.csv", 4, "2025-04-10", "2099-04-10", workshops)
workshops = replaced("workshops.csv", 5, ",Defra,,", ",Defra,100000,", workshops)
case(
    "implausible_values",
    "Values no workshop or member could have: 1e308 miles, 100,000 attendees, a workshop in 2099, a member joining in "
    "2099, Arabic-Indic digits for attendees and full-width digits for a latitude.",
    {
        "workshops.csv": text(workshops),
        "members.csv": text(replaced("members.csv", 2, "2010-01-05", "2099-01-05")),
        "locations.csv": text(replaced("locations.csv", 2, "51.5074", "\uff15\uff11.5074")),
    },
    [
        "locations.csv:2: latitude: digits other than 0-9 (Arabic-Indic, full-width or other): write it with 0-9 "
        "(\uff15\uff11.5074)",
        "members.csv:2: joined_on: date in the future: the data records workshops held and members who have joined "
        "(2099-01-05)",
        "workshops.csv:2: miles_travelled: out of range: must be between 0 and 10000 (1e308)",
        "workshops.csv:3: attendees: digits other than 0-9 (Arabic-Indic, full-width or other): write it with 0-9 "
        "(\u0662\u0665)",
        "workshops.csv:4: held_on: date in the future: the data records workshops held and members who have joined "
        "(2099-04-10)",
        "workshops.csv:5: attendees: out of range: must be between 0 and 10000 (100000)",
    ],
)

case(
    "header_only",
    "Every contract file with its header row and no data: the import would have no date to show as the data's date.",
    {name: text(lines_of(name)[:1]) for name in sorted(path.name for path in FIXTURES.glob("*.csv"))},
    [
        "workshops.csv: no workshop date and no member joining date: the data has no date to be 'as of'; "
        "give at least one dated row"
    ],
)


def main() -> None:
    """Rewrite every case folder and the index."""
    index = ["# Bad inputs", "", "Generated by `python tests/bad_inputs/generate.py`; see its docstring.", ""]
    for name, (description, files, expected) in CASES.items():
        folder = HERE / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for file_name, content in files.items():
            (folder / file_name).write_bytes(content)
        if name == "zip_bomb":
            part = zipfile.ZipFile(io.BytesIO(files["gse.xlsx"])).getinfo("xl/worksheets/sheet1.xml")
            expected = [line.replace("{RATIO}", f"{part.file_size // part.compress_size:,}") for line in expected]
        (folder / "expected.txt").write_text("\n".join(expected) + "\n")
        index.append(f"- `{name}`: {description}")
    (HERE / "README.md").write_text("\n".join(index) + "\n")


if __name__ == "__main__":
    main()
