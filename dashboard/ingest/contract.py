"""The data contract's rules in Python, so an import reports every problem with its row before the database sees it."""

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard.ingest.reading import EXCEL_EPOCH, CellError, Formula, Problem, RawTable, normalise_name

NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
    "Scotland",
    "Northern Ireland",
)
GRADES = ("AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS")
BACKGROUNDS = ("science", "engineering", "both", "interest")
SCHEME_KINDS = ("central", "profession", "departmental")
STATUSES = ("applied", "rejected", "accepted", "completed", "withdrawn")

# Longer text is almost always a paste gone wrong; suggestions.text has this limit in the schema too.
MAX_TEXT = 2000
# Dates outside this window are typing slips (a year typed as a serial number lands in 1905).
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)
LARGEST_INTEGER = 2**31 - 1
# Workshops and joining dates record what has happened. A day's grace, as the server's day may run ahead of the UK's.
FUTURE_GRACE = timedelta(days=1)
# A workshop of more people, or a leg of more miles, is a slip (1e308 miles once read as infinity on the KPIs).
MOST_ATTENDEES = 10_000
MOST_MILES = 10_000
# Numbers and dates are read in ASCII digits only: Python's \d and int() also take Arabic-Indic (٣), full-width (３)
# and other digits, which a spreadsheet would not read as the same number.
INTEGER_TEXT = re.compile(r"[+-]?\d+(\.0*)?", re.ASCII)
DECIMAL_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", re.ASCII)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?", re.ASCII)
ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", re.ASCII)
SLASHED_DATE = re.compile(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", re.ASCII)
ALLOWED_CONTROL = {"\n", "\r", "\t"}


@dataclass(frozen=True)
class Column:
    """One column of the contract: its kind and the rules its values follow."""

    name: str
    kind: str = "text"
    required: bool = False
    pattern: str | None = None
    pattern_hint: str = ""
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None
    # A date column of things that have happened: a date after today (with FUTURE_GRACE) is refused.
    past: bool = False


@dataclass(frozen=True)
class Table:
    """One table of the contract: its columns, key, unique columns and the columns the import fills itself."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    unique: tuple[str, ...] = ()
    filled_by_import: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        """The column called `name`."""
        return next(column for column in self.columns if column.name == name)

    @property
    def names(self) -> list[str]:
        """The column names in contract order."""
        return [column.name for column in self.columns]


UPPER_ID = r"[A-Z][A-Z0-9_]{1,15}"
UPPER_HINT = "2 to 16 capital letters, digits or _, starting with a letter"
LOWER_ID = r"[a-z][a-z0-9_]{1,31}"
LOWER_HINT = "2 to 32 lower-case letters, digits or _, starting with a letter"

CONTRACT: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "departments",
            (
                Column("department_id", required=True, pattern=UPPER_ID, pattern_hint=UPPER_HINT),
                Column("name", required=True),
            ),
            key=("department_id",),
            unique=("name",),
        ),
        Table(
            "locations",
            (
                Column("location_id", required=True, pattern=LOWER_ID, pattern_hint=LOWER_HINT),
                Column("name", required=True),
                Column("nation", required=True, allowed=NATIONS),
                Column("latitude", "number", required=True, minimum=49.8, maximum=60.9),
                Column("longitude", "number", required=True, minimum=-8.7, maximum=1.8),
                Column("region", required=True, allowed=REGIONS),
            ),
            key=("location_id",),
            unique=("name",),
        ),
        Table(
            "workshops",
            (
                Column("workshop_id", required=True),
                Column("location_id", required=True, references="locations"),
                Column("held_on", "date", required=True, past=True),
                Column("venue", required=True),
                Column("host"),
                Column("attendees", "integer", minimum=0, maximum=MOST_ATTENDEES),
                Column("miles_travelled", "number", minimum=0, maximum=MOST_MILES),
            ),
            key=("workshop_id",),
        ),
        Table(
            "members",
            (
                Column(
                    "member_id",
                    required=True,
                    pattern=r"[^@\s]+",
                    pattern_hint="no spaces or @ (a staff number, never an email address)",
                ),
                Column("department_id", required=True, references="departments"),
                Column("grade", required=True, allowed=GRADES),
                Column("region", required=True, allowed=REGIONS),
                Column("background", required=True, allowed=BACKGROUNDS),
                Column("joined_on", "date", past=True),
            ),
            key=("member_id",),
        ),
        Table(
            "themes",
            (
                Column(
                    "theme_id",
                    required=True,
                    pattern=r"[a-z][a-z_]{1,31}",
                    pattern_hint="2 to 32 lower-case letters or _, starting with a letter",
                ),
                Column("label", required=True),
                Column("description", required=True),
            ),
            key=("theme_id",),
            unique=("label",),
        ),
        Table(
            "suggestions",
            (
                Column("suggestion_id", required=True),
                Column("workshop_id", required=True, references="workshops"),
                Column("question"),
                Column("text", required=True),
                Column("theme_id", references="themes"),
                Column("member_id", references="members"),
            ),
            key=("suggestion_id",),
            filled_by_import=("theme_source", "confidence", "text_hash", "model_version"),
        ),
        Table(
            "schemes",
            (
                Column("scheme_id", required=True, pattern=LOWER_ID, pattern_hint=LOWER_HINT),
                Column("name", required=True),
                Column("kind", required=True, allowed=SCHEME_KINDS),
                Column("department_id", references="departments"),
            ),
            key=("scheme_id",),
            unique=("name",),
        ),
        Table(
            "participation",
            (
                Column("member_id", required=True, references="members"),
                Column("scheme_id", required=True, references="schemes"),
                Column("cohort_year", "integer", required=True, minimum=2000, maximum=2100),
                Column("status", required=True, allowed=STATUSES),
            ),
            key=("member_id", "scheme_id", "cohort_year"),
        ),
    )
}
ROW = "_row"


class Invalid(ValueError):
    """A value that breaks a rule; the message says which."""


@dataclass
class Checked:
    """A table after its own checks: typed values (None where unreadable), the row of each, and where it came from."""

    table: str
    file: str
    frame: pd.DataFrame


def check_table(raw: RawTable) -> tuple[Checked, list[Problem]]:
    """Check one table's header and every cell, then its keys; return the typed table and every problem found."""
    spec = CONTRACT[raw.table]
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for index, heading in enumerate(raw.columns):
        name = normalise_name(heading)
        if not name:
            if any(index < len(cells) and cells[index] not in (None, "") for _, cells in raw.rows):
                problems.append(Problem(raw.file, raw.header_row, f"column {index + 1}", "has values but no name"))
        elif name in positions:
            problems.append(Problem(raw.file, raw.header_row, name, "the column appears twice"))
        elif name in spec.filled_by_import:
            problems.append(Problem(raw.file, raw.header_row, name, "the import fills this column: remove it"))
        elif name not in spec.names:
            expected = ", ".join(spec.names)
            problems.append(Problem(raw.file, raw.header_row, None, f"unknown column; expected {expected}", heading))
        else:
            positions[name] = index
    for column in spec.columns:
        if column.name not in positions:
            if column.required:
                problems.append(Problem(raw.file, raw.header_row, column.name, "required column is missing"))
            else:
                problems.append(
                    Problem(raw.file, raw.header_row, column.name, "column absent: left empty", severity="note")
                )
    width = len(raw.columns)
    records = []
    for number, cells in raw.rows:
        if len(cells) > width and any(cell not in (None, "") for cell in cells[width:]):
            problems.append(Problem(raw.file, number, None, f"more values ({len(cells)}) than columns ({width})"))
        elif raw.strict_width and len(cells) < width:
            problems.append(Problem(raw.file, number, None, f"fewer values ({len(cells)}) than columns ({width})"))
        record = {ROW: number}
        for column in spec.columns:
            index = positions.get(column.name)
            if index is None:
                record[column.name] = None  # a missing column is reported once, at the header
                continue
            value = cells[index] if index < len(cells) else None
            try:
                record[column.name] = convert(value, column, raw.epoch)
            except Invalid as invalid:
                record[column.name] = None
                problems.append(Problem(raw.file, number, column.name, str(invalid), display(value)))
        problems.extend(row_problems(raw.table, raw.file, number, record))
        records.append(record)
    frame = typed_frame(raw.table, records)
    problems.extend(key_problems(spec, raw.file, frame))
    return Checked(raw.table, raw.file, frame), problems


def display(value: object) -> object:
    """A raw cell value as a report shows it."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


def typed_frame(table: str, records: list[dict]) -> pd.DataFrame:
    """Records as a DataFrame with each column's contract type (nullable), plus the spreadsheet row of each."""
    spec = CONTRACT[table]
    data = {ROW: pd.Series([record.get(ROW) for record in records], dtype=object)}
    for column in spec.columns:
        values = [record.get(column.name) for record in records]
        if column.kind == "integer":
            data[column.name] = pd.array(values, dtype="Int64")
        elif column.kind == "number":
            data[column.name] = pd.array(values, dtype="Float64")
        else:
            data[column.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def convert(value: object, column: Column, epoch: datetime = EXCEL_EPOCH) -> object:
    """A cell as the contract's type, or Invalid saying why it cannot be read without guessing."""
    if isinstance(value, Formula):
        raise Invalid("a formula: formulas are never evaluated, paste the value instead")
    if isinstance(value, CellError):
        raise Invalid("an Excel error value")
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        if column.required:
            raise Invalid("required value is empty")
        return None
    if isinstance(value, bool):
        raise Invalid("a TRUE/FALSE cell, not a value of this column")
    if column.kind != "text" and isinstance(value, str) and any(ch.isdigit() and not ch.isascii() for ch in value):
        raise Invalid("digits other than 0-9 (Arabic-Indic, full-width or other): write it with 0-9")
    converted = {"text": as_text, "integer": as_integer, "number": as_number, "date": as_date}[column.kind](
        value, epoch
    )
    if (column.minimum is not None and converted < column.minimum) or (
        column.maximum is not None and converted > column.maximum
    ):
        raise Invalid(f"out of range: {range_text(column)}")
    if column.past and converted > date.today() + FUTURE_GRACE:
        raise Invalid("date in the future: the data records workshops held and members who have joined")
    if column.allowed and converted not in column.allowed:
        near = [allowed for allowed in column.allowed if allowed.lower() == converted.lower()]
        hint = f"did you mean {near[0]}?" if near else f"expected one of {', '.join(column.allowed)}"
        raise Invalid(f"unknown value; {hint}")
    if column.pattern and not re.fullmatch(column.pattern, converted):
        raise Invalid(f"not a valid {column.name}: {column.pattern_hint}")
    return converted


def range_text(column: Column) -> str:
    """The allowed range of a column in words."""
    if column.maximum is None:
        return f"must be {column.minimum:g} or more"
    return f"must be between {column.minimum:g} and {column.maximum:g}"


def as_text(value: object, _epoch) -> str:
    """A text value: a whole number cell reads as its digits; dates and control characters are refused."""
    if isinstance(value, (datetime, date)):
        raise Invalid("a date cell where text is expected")
    if isinstance(value, float):
        value = int(value) if value.is_integer() else value
    text = str(value)
    if len(text) > MAX_TEXT:
        raise Invalid(f"too long: {len(text):,} characters; the limit is {MAX_TEXT:,}")
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROL for ch in text):
        raise Invalid("contains a control character")
    return text


def as_integer(value: object, _epoch) -> int:
    """A whole number from a number cell or digits, with no thousands separators to misread."""
    if isinstance(value, (datetime, date)):
        raise Invalid("a date cell where a number is expected")
    if isinstance(value, str):
        if GROUPED_NUMBER.fullmatch(value):
            raise Invalid("write numbers without thousands separators")
        if INTEGER_TEXT.fullmatch(value):
            value = int(value.split(".")[0])
        elif DECIMAL_TEXT.fullmatch(value):
            raise Invalid("not a whole number")
        else:
            raise Invalid("not a number")
    if isinstance(value, float):
        if not value.is_integer():
            raise Invalid("not a whole number")
        value = int(value)
    if abs(value) > LARGEST_INTEGER:
        raise Invalid("out of range: too large")
    return value


def as_number(value: object, _epoch) -> float:
    """A finite decimal number from a number cell or plain digits."""
    if isinstance(value, (datetime, date)):
        raise Invalid("a date cell where a number is expected")
    if isinstance(value, str):
        if GROUPED_NUMBER.fullmatch(value):
            raise Invalid("write numbers without thousands separators")
        if not DECIMAL_TEXT.fullmatch(value):
            raise Invalid("not a number")
        value = float(value)
    value = float(value)
    if not math.isfinite(value):
        raise Invalid("not a finite number")
    return value


def as_date(value: object, epoch: datetime) -> date:
    """A date from a date cell, an Excel serial number or YYYY-MM-DD text; anything else would be a guess."""
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise Invalid("has a time of day; a date is expected")
        value = value.date()
    elif isinstance(value, str):
        match = ISO_DATE.fullmatch(value)
        if match:
            try:
                value = date(*(int(part) for part in match.groups()))
            except ValueError:
                raise Invalid("impossible date") from None
        elif INTEGER_TEXT.fullmatch(value) or DECIMAL_TEXT.fullmatch(value):
            value = serial_date(float(value), epoch)
        elif ISO_DATE_TIME.fullmatch(value):
            raise Invalid("has a time of day; a date is expected")
        elif SLASHED_DATE.fullmatch(value):
            raise Invalid("day and month order is ambiguous: write the date as YYYY-MM-DD")
        else:
            raise Invalid("not a date: write it as YYYY-MM-DD")
    elif isinstance(value, (int, float)):
        value = serial_date(float(value), epoch)
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise Invalid(f"date out of range: must be between {EARLIEST_DATE:%Y} and {LATEST_DATE:%Y}")
    return value


def serial_date(serial: float, epoch: datetime) -> date:
    """An Excel date serial number as a date (whole days only)."""
    if not math.isfinite(serial) or not serial.is_integer():
        raise Invalid("a date serial number with a time of day; a date is expected")
    if not 1 <= serial <= 2958465:
        raise Invalid("not a date serial number Excel can show")
    return (epoch + timedelta(days=serial)).date()


def row_problems(table: str, file: str, row: object, record: Mapping) -> list[Problem]:
    """Rules that tie one row's columns together."""
    if table != "locations" or not record.get("nation") or not record.get("region"):
        return []
    nation, region = record["nation"], record["region"]
    devolved = {"Wales", "Scotland", "Northern Ireland"}
    if (nation == "England" and region in devolved) or (nation != "England" and region != nation):
        return [Problem(file, row, "region", f"not a region of {nation}", region)]
    return []


def key_problems(spec: Table, file: str, frame: pd.DataFrame) -> list[Problem]:
    """Duplicate keys and duplicate values of unique columns, each reported at its later row."""
    problems = []
    for columns, what in [(spec.key, "duplicate key")] + [((name,), f"duplicate {name}") for name in spec.unique]:
        columns = list(columns)
        complete = frame.dropna(subset=columns)
        if not len(complete):
            continue
        first_rows = complete.groupby(columns, sort=False)[ROW].transform("first")
        repeated = complete[complete.duplicated(columns, keep="first")]
        for index, duplicate in repeated.iterrows():
            value = ", ".join(str(duplicate[column]) for column in columns)
            problems.append(
                Problem(file, duplicate[ROW], ", ".join(columns), f"{what}: also at row {first_rows[index]}", value)
            )
    return problems


def reference_problems(checked: Mapping[str, Checked]) -> list[Problem]:
    """Foreign keys with no match, checked across the combined tables (incoming and kept)."""
    problems = []
    for table, spec in CONTRACT.items():
        if table not in checked:
            continue
        child = checked[table]
        for column in spec.columns:
            if not column.references or column.references not in checked:
                continue
            parent = CONTRACT[column.references]
            known = set(checked[column.references].frame[parent.key[0]].dropna())
            values = child.frame[[ROW, column.name]].dropna()
            for row, value in values.itertuples(index=False):
                if value not in known:
                    where = checked[column.references].file
                    problems.append(
                        Problem(child.file, row, column.name, f"no such {column.references[:-1]} in {where}", value)
                    )
    return problems


def contract_frame(checked: Checked) -> pd.DataFrame:
    """The table as the database takes it: contract columns only."""
    return checked.frame.drop(columns=[ROW])
