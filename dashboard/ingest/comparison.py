"""What an import changes, row by row: the rows each table gains, loses and changes, and the changes too big to allow unasked."""

import os
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from dashboard.ingest.contract import CONTRACT

# An import that removes more than this share of any table's rows, or changes every row of one, must be confirmed:
# typed on the Data page, or `--allow-large-changes` on the command line. GSE_IMPORT_REMOVAL_LIMIT overrides it.
DEFAULT_REMOVAL_LIMIT = 0.2
LIMIT_SETTING = "GSE_IMPORT_REMOVAL_LIMIT"
PREVIEW_ROWS = 200


class LargeChange(ValueError):
    """The import would remove or change more of a table than is allowed without a confirmation."""


@dataclass(frozen=True)
class TableChange:
    """One table's change: its rows now and after, and the added, removed and changed rows (keys and values)."""

    table: str
    rows_now: int
    rows_after: int
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame


def removal_limit() -> float:
    """The largest share of a table's rows an import may remove without a confirmation (GSE_IMPORT_REMOVAL_LIMIT)."""
    raw = os.environ.get(LIMIT_SETTING, "").strip()
    if not raw:
        return DEFAULT_REMOVAL_LIMIT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise ValueError(f"{LIMIT_SETTING} must be a share between 0 and 1, not {raw}")
    return value


def _comparable(value) -> str:
    # Old and new tables come from different readers (the database, a CSV, a workbook): compare what a person reads.
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _keyed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    spec = CONTRACT[table]
    columns = [name for name in spec.names if name in frame.columns]
    text = frame[columns].apply(lambda column: column.map(_comparable)) if len(frame) else frame[columns].astype(str)
    return text.set_index(list(spec.key), drop=False) if len(text) else text


def compare_table(table: str, now: pd.DataFrame | None, after: pd.DataFrame) -> TableChange:
    """The rows a table gains, loses and changes, matched by its key."""
    spec = CONTRACT[table]
    new = _keyed(table, after)
    old = _keyed(table, now) if now is not None else new.iloc[0:0]
    added = new[~new.index.isin(old.index)] if len(new) else new
    removed = old[~old.index.isin(new.index)] if len(old) else old
    values = [name for name in new.columns if name not in spec.key]
    changes = []
    if len(old) and len(new):
        # Drop the key columns before the join: the index holds them, and both sides have them.
        paired = old[values].add_suffix("_now").join(new[values].add_suffix("_after"), how="inner")
        differs = pd.DataFrame({name: paired[f"{name}_now"] != paired[f"{name}_after"] for name in values})
        for key, flags in differs[differs.any(axis=1)].iterrows():
            row = paired.loc[key]
            key_values = key if isinstance(key, tuple) else (key,)
            what = "; ".join(f"{name}: {row[f'{name}_now']} → {row[f'{name}_after']}" for name in values if flags[name])
            changes.append({**dict(zip(spec.key, key_values, strict=True)), "what changed": what})
    changed = pd.DataFrame(changes, columns=[*spec.key, "what changed"])
    return TableChange(
        table,
        len(old),
        len(new),
        added.reset_index(drop=True),
        removed.reset_index(drop=True),
        changed,
    )


def compare(current: dict[str, pd.DataFrame] | None, after: dict[str, pd.DataFrame]) -> dict[str, TableChange]:
    """Each table's change from the current database (None when there is none) to the tables an import would write."""
    return {table: compare_table(table, (current or {}).get(table), after[table]) for table in after}


def summary(changes: dict[str, TableChange]) -> pd.DataFrame:
    """One row per table: rows now and after, and how many are added, removed and changed."""
    return pd.DataFrame(
        [
            {
                "table": change.table,
                "rows now": change.rows_now,
                "added": len(change.added),
                "removed": len(change.removed),
                "changed": len(change.changed),
                "rows after": change.rows_after,
            }
            for change in changes.values()
        ]
    )


def large_changes(changes: dict[str, TableChange], limit: float | None = None) -> list[str]:
    """A sentence for each table the import would cut by more than the limit, or change in every row."""
    limit = removal_limit() if limit is None else limit
    sentences = []
    for change in changes.values():
        removed, changed = len(change.removed), len(change.changed)
        if change.rows_now and removed / change.rows_now > limit:
            empty = " (the new table is empty)" if change.rows_after == 0 else ""
            sentences.append(
                f"{change.table}: {removed:,} of {change.rows_now:,} rows ({removed / change.rows_now:.1%}) would be "
                f"removed{empty}, more than the {limit:.0%} allowed without confirmation."
            )
        elif change.rows_now > 1 and changed == change.rows_now:
            columns = sorted(
                {part.split(":")[0] for text in change.changed["what changed"] for part in text.split("; ")}
            )
            sentences.append(
                f"{change.table}: every one of its {change.rows_now:,} rows would change ({', '.join(columns)}): "
                "check the right file was given."
            )
    return sentences


def confirmation_phrase(changes: dict[str, TableChange]) -> str:
    """What a person types to confirm a large change: the number of rows it removes and changes, so it is read first."""
    removed = sum(len(change.removed) for change in changes.values())
    changed = sum(len(change.changed) for change in changes.values())
    return f"remove {removed} change {changed}"


def preview(change: TableChange, kind: str) -> pd.DataFrame:
    """The first rows added, removed or changed in a table, for the Data page."""
    return getattr(change, kind).head(PREVIEW_ROWS)
