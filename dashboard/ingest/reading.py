"""Reading the files of an import: uploads and folders of CSVs or one workbook, checked by content, read without guessing."""

import csv
import hashlib
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import openpyxl

from dashboard import config
from dashboard.build import TABLES

# The same cap as server.maxUploadSize in .streamlit/config.toml, checked again here because the CLI and tests
# do not pass through Streamlit's uploader.
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# A workbook is a zip: these bound what opening it may cost, so a small file cannot expand into gigabytes.
MAX_WORKBOOK_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_WORKBOOK_RATIO = 100
MAX_WORKBOOK_MEMBERS = 2000

EXCEL_EPOCH = datetime(1899, 12, 30)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# UTF-8 decoded as Windows-1252 leaves these pairs: their presence means the file mixes the two encodings.
MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u02c6\u02dc\u2122\u20ac]|\u00e2\u20ac")


@dataclass(frozen=True)
class Upload:
    """One file given to the import: its name and its bytes."""

    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        """The SHA-256 of the content, recorded in the imports table."""
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or, as a note, worth knowing) about the input, at a spreadsheet location."""

    file: str
    row: int | str | None
    column: str | None
    message: str
    value: object = None
    severity: str = "error"

    def line(self) -> str:
        """FILE:ROW: column: problem (value), as the command line prints it."""
        location = self.file if self.row is None else f"{self.file}:{self.row}"
        parts = [location]
        if self.severity != "error":
            parts.append(self.severity)
        if self.column:
            parts.append(self.column)
        text = ": ".join([*parts, self.message])
        shown = shown_value(self.value)
        return f"{text} ({shown})" if shown is not None else text


def shown_value(value: object, limit: int = 60) -> str | None:
    """A value as a report shows it: control characters escaped, long text cut."""
    if value is None:
        return None
    text = str(value)
    if not text:
        return None
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class RawTable:
    """A table as read from its file: the header and each non-blank row with its spreadsheet row number."""

    table: str
    file: str
    columns: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    header_row: int = 1
    # A CSV row must have a cell for every column; a sheet leaves trailing empty cells out.
    strict_width: bool = False
    # Day zero of the date serial numbers: Excel's 1900 system, unless a workbook says it uses 1904.
    epoch: datetime = EXCEL_EPOCH


@dataclass
class Reading:
    """What reading the files gave: the tables found, the problems and notes, and each file's hash."""

    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    # Tables a file or sheet was given for, read or not: a table given but unreadable must not be kept from the database.
    named: set[str] = field(default_factory=set)

    def add(self, *problems: Problem) -> None:
        """Record problems or notes."""
        self.problems.extend(problems)


def normalise_name(name: str) -> str:
    """A column, sheet or file name compared loosely: case, spaces, hyphens and dots do not matter."""
    return re.sub(r"[\s\-.]+", "_", name.strip().lower()).strip("_")


def kind_of(content: bytes) -> str:
    """What the bytes are, whatever the file is called: 'xlsx', 'text', or a reason they are neither."""
    if not content.strip():
        return "empty"
    if content.startswith(ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            return "a damaged zip file"
        if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
            return "a macro-enabled workbook" if "xl/vbaProject.bin" in names else "xlsx"
        return "a zip file, not an Excel workbook"
    if content.startswith(OLE_MAGIC):
        return "an old Excel (.xls) or other Office binary file"
    if content.startswith(UTF16_BOMS):
        return "UTF-16 text"
    if b"\x00" in content[:65536]:
        return "a binary file"
    return "text"


def read_uploads(uploads: list[Upload], *, max_bytes: int | None = MAX_UPLOAD_BYTES) -> Reading:
    """Read uploaded files: any number of CSVs named after their tables, or one workbook."""
    reading = Reading()
    workbooks = []
    for upload in uploads:
        reading.hashes[upload.name] = upload.sha256
        if table_for(Path(upload.name).stem):
            reading.named.add(table_for(Path(upload.name).stem))
        if max_bytes is not None and len(upload.content) > max_bytes:
            reading.add(Problem(upload.name, None, None, f"file is larger than the {size_text(max_bytes)} limit"))
            continue
        kind = kind_of(upload.content)
        suffix = Path(upload.name).suffix.lower()
        if kind == "xlsx":
            if suffix not in {".xlsx", ""}:
                reading.add(
                    Problem(upload.name, None, None, f"content is an Excel workbook but the name ends {suffix}")
                )
                continue
            workbooks.append(upload)
        elif kind == "text":
            if suffix not in {".csv", ".txt", ""}:
                reading.add(Problem(upload.name, None, None, f"content is text but the name ends {suffix}"))
                continue
            read_csv_upload(upload, reading)
        elif kind == "empty":
            reading.add(Problem(upload.name, None, None, "the file is empty"))
        elif kind == "UTF-16 text":
            reading.add(Problem(upload.name, None, None, "UTF-16 text: save it as CSV UTF-8"))
        else:
            reading.add(Problem(upload.name, None, None, f"not a CSV file or an Excel workbook: it is {kind}"))
    if workbooks and (len(workbooks) > 1 or len(uploads) > 1):
        reading.add(Problem(workbooks[0].name, None, None, "give one workbook on its own, or CSV files, not both"))
        return reading
    for workbook in workbooks:
        read_workbook(workbook, reading)
    if not reading.tables and not any(problem.severity == "error" for problem in reading.problems):
        names = ", ".join(f"{table}.csv" for table in TABLES)
        reading.add(
            Problem(", ".join(u.name for u in uploads) or "input", None, None, f"no contract files: expected {names}")
        )
    return reading


def read_path(source: Path, max_bytes: int | None = None) -> Reading:
    """Read a folder of contract CSVs (or a workbook in it) or one workbook from disk.

    A file over `max_bytes` (config.import_max_bytes() by default) is refused by its size on disk before a byte of it
    is read, so a huge file costs neither the minutes nor the gigabytes that checking it would.
    """
    limit = config.import_max_bytes() if max_bytes is None else max_bytes
    if source.is_dir():
        files = sorted(path for path in source.iterdir() if path.is_file() and path.suffix.lower() in {".csv", ".xlsx"})
    else:
        files = [source]
    too_large = [path for path in files if path.stat().st_size > limit]
    uploads = [Upload(path.name, path.read_bytes()) for path in files if path not in too_large]
    # With every file too large there is nothing to read, and "no contract files" would be wrong.
    reading = read_uploads(uploads, max_bytes=None) if uploads or not too_large else Reading()
    for path in too_large:
        table = table_for(path.stem)
        if table:
            reading.named.add(table)
        reading.add(
            Problem(
                path.name,
                None,
                None,
                f"file is {size_text(path.stat().st_size)}, larger than the {size_text(limit)} limit "
                "(GSE_IMPORT_MAX_MB): nothing in it was read",
            )
        )
    return reading


def size_text(size: int) -> str:
    """A byte count in MB, or KB when smaller."""
    return f"{size // 2**20:,} MB" if size >= 2**20 else f"{size // 1024:,} KB"


def table_for(name: str) -> str | None:
    """The contract table a file or sheet name stands for."""
    stem = normalise_name(name)
    return stem if stem in TABLES else None


def read_csv_upload(upload: Upload, reading: Reading) -> None:
    """Decode one CSV (UTF-8, with or without BOM, else Windows-1252) and add its table."""
    table = table_for(Path(upload.name).stem)
    if table is None:
        reading.add(Problem(upload.name, None, None, "ignored: not named after a contract table", severity="note"))
        return
    if table in reading.tables:
        reading.add(Problem(upload.name, None, None, f"a second file for {table}: give each table once"))
        return
    text = decode(upload, reading)
    if text is None:
        return
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    raw = None
    number = 0
    while True:
        number += 1
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as error:
            hint = ": a quote is never closed" if "end of data" in str(error) else ""
            reading.add(Problem(upload.name, number, None, f"cannot be read as CSV ({error}){hint}"))
            return
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if raw is None:
            if len(cells) == 1 and (";" in cells[0] or "\t" in cells[0]):
                separator = "semicolons" if ";" in cells[0] else "tabs"
                reading.add(
                    Problem(upload.name, number, None, f"columns are separated by {separator}: save as CSV with commas")
                )
                return
            raw = RawTable(table, upload.name, cells, header_row=number, strict_width=True)
        else:
            raw.rows.append((number, cells))
    if raw is None:
        reading.add(Problem(upload.name, None, None, "the file is empty"))
        return
    reading.tables[table] = raw


def decode(upload: Upload, reading: Reading) -> str | None:
    """The text of a CSV: UTF-8 when it is valid, else Windows-1252 (said in a note), else errors by row."""
    try:
        return upload.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    utf8_rows, mojibake_rows, undecodable = [], [], []
    for number, record in raw_records(upload.content):
        if record.isascii():
            continue
        try:
            record.decode("utf-8")
            utf8_rows.append(number)
        except UnicodeDecodeError:
            try:
                as_cp1252 = record.decode("cp1252")
            except UnicodeDecodeError as error:
                undecodable.append((number, record[error.start : error.end]))
            else:
                if MOJIBAKE.search(as_cp1252):
                    mojibake_rows.append(number)
    if undecodable:
        reading.add(
            *(
                Problem(upload.name, number, None, "bytes that are neither UTF-8 nor Windows-1252", bad.hex(" "))
                for number, bad in undecodable
            )
        )
        return None
    mixed_rows = utf8_rows or mojibake_rows
    if mixed_rows:
        reading.add(
            *(
                Problem(upload.name, number, None, "mixes UTF-8 and Windows-1252 text: save the file as CSV UTF-8")
                for number in mixed_rows
            )
        )
        return None
    reading.add(Problem(upload.name, None, None, "not UTF-8: read as Windows-1252", severity="note"))
    return upload.content.decode("cp1252")


def raw_records(content: bytes) -> list[tuple[int, bytes]]:
    """Each CSV record of undecoded bytes with its spreadsheet row number (a quoted cell may span several lines)."""
    # Latin-1 maps each byte to one character, and the commas, quotes and line ends that split records are ASCII in
    # UTF-8 and Windows-1252 alike, so the records (and their numbers) are those read_csv_upload sees once decoded.
    lines = io.StringIO(content.decode("latin-1"), newline="").readlines()
    records = csv.reader(lines, strict=True)
    found, start = [], 0
    for number in itertools.count(1):
        try:
            next(records)
            end = records.line_num
        except StopIteration:
            break
        except csv.Error:
            # The rest cannot be split (a quote never closed): it belongs to the row where reading stops.
            end = len(lines)
        found.append((number, "".join(lines[start:end]).encode("latin-1")))
        if end == len(lines):
            break
        start = end
    return found


def check_workbook_archive(upload: Upload) -> str | None:
    """Why the workbook's zip is unsafe to open (too many parts, too large expanded, compressed too well), or None."""
    try:
        members = zipfile.ZipFile(io.BytesIO(upload.content)).infolist()
    except zipfile.BadZipFile as error:
        return f"damaged workbook: {error}"
    if len(members) > MAX_WORKBOOK_MEMBERS:
        return f"workbook has {len(members):,} parts; the limit is {MAX_WORKBOOK_MEMBERS:,}"
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_WORKBOOK_EXPANDED_BYTES:
        return f"workbook expands to {expanded / 2**20:,.0f} MB; the limit is {MAX_WORKBOOK_EXPANDED_BYTES // 2**20} MB"
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_WORKBOOK_RATIO * max(member.compress_size, 1):
            return f"workbook part {member.filename} is compressed {member.file_size // max(member.compress_size, 1):,} to 1: refused as a zip bomb"
    return None


def read_workbook(upload: Upload, reading: Reading) -> None:
    """Read one sheet per table from a workbook: values only, no formulas, links or macros."""
    unsafe = check_workbook_archive(upload)
    if unsafe:
        reading.add(Problem(upload.name, None, None, unsafe))
        return
    try:
        # keep_links=False drops external links; read_only streams the sheets; formulas stay unevaluated text.
        workbook = openpyxl.load_workbook(
            io.BytesIO(upload.content), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception as error:  # openpyxl raises many types for a malformed file; each means "cannot be read".
        reading.add(Problem(upload.name, None, None, f"cannot be read as an Excel workbook: {failure(error)}"))
        return
    try:
        for sheet in workbook.worksheets:
            table = table_for(sheet.title)
            label = f"{upload.name}[{sheet.title}]"
            if table is None:
                reading.add(
                    Problem(label, None, None, "sheet ignored: not named after a contract table", severity="note")
                )
                continue
            reading.named.add(table)
            if table in reading.tables:
                reading.add(Problem(label, None, None, f"a second sheet for {table}: give each table once"))
                continue
            try:
                read_sheet(sheet, table, label, reading, epoch=workbook.epoch)
            except Exception as error:  # sheets are parsed as they are read; a malformed or hostile one stops here
                reading.add(Problem(label, None, None, f"cannot be read as a worksheet: {failure(error)}"))
    finally:
        workbook.close()


def failure(error: BaseException) -> str:
    """Why a workbook could not be read, from the innermost error (defusedxml's refusals named plainly)."""
    while error.__cause__ or error.__context__:
        error = error.__cause__ or error.__context__
    if type(error).__name__ in {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"}:
        return "it declares XML entities or external references, which are refused"
    return type(error).__name__


def read_sheet(sheet, table: str, label: str, reading: Reading, epoch) -> None:
    """Add one worksheet's table, turning formula, error and TRUE/FALSE cells into problems."""
    sheet.reset_dimensions()  # a writer's stated dimensions can be wrong; read every row that is there
    raw = None
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = []
        for cell in cells:
            value = cell.value
            if isinstance(value, str):
                value = value.strip()
                if cell.data_type == "f":
                    value = Formula(value)
                elif cell.data_type == "e":
                    value = CellError(value)
            values.append(value)
        while values and values[-1] in (None, ""):
            values.pop()
        if not values or all(value in (None, "") for value in values):
            continue
        if raw is None:
            header = [str(value or "").strip() for value in values]
            raw = RawTable(table, label, header, header_row=number, epoch=epoch)
        else:
            raw.rows.append((number, values))
    if raw is None:
        reading.add(Problem(label, None, None, "the sheet is empty"))
        return
    reading.tables[table] = raw


class Formula(str):
    """A formula cell's text: never evaluated, always reported."""


class CellError(str):
    """An Excel error value such as #N/A."""
