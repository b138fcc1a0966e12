"""Settings read from the environment, with the defaults the README documents."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
DEFAULT_DB_PATH = ROOT / ".gse" / "gse.duckdb"
# The team's own work lives outside .gse/, which `make clean` deletes: it cannot be rebuilt from data/.
DEFAULT_STORE_PATH = ROOT / "team" / "team.duckdb"
DEFAULT_DISCLOSURE_THRESHOLD = 10
# The largest file the command-line import reads, the same as the Data page's upload cap. Checking a CSV takes about 23
# times its size in memory on top of 210 MB (measured: 10 MB peaks at 420 MB, 20 MB at 670 MB; a 200 MB file took
# 4.9 GB), so the cap is what keeps an import's memory bounded. The real data is about 1 MB.
DEFAULT_IMPORT_MAX_MB = 20


def db_path() -> Path:
    """Where the DuckDB file lives: GSE_DB_PATH, or .gse/gse.duckdb in the checkout."""
    return Path(os.environ.get("GSE_DB_PATH") or DEFAULT_DB_PATH)


def store_path() -> Path:
    """Where the team's writable store lives (review decisions and the like): GSE_STORE_PATH, or team/team.duckdb."""
    return Path(os.environ.get("GSE_STORE_PATH") or DEFAULT_STORE_PATH)


def disclosure_threshold() -> int:
    """The smallest count of people shown (GSE_DISCLOSURE_THRESHOLD); 0 turns suppression off."""
    raw = os.environ.get("GSE_DISCLOSURE_THRESHOLD", "")
    if not raw.strip():
        return DEFAULT_DISCLOSURE_THRESHOLD
    value = int(raw)
    if value < 0:
        raise ValueError(f"GSE_DISCLOSURE_THRESHOLD must be 0 or more, not {value}")
    return value


def import_max_bytes() -> int:
    """The largest file (bytes) the command-line import reads: GSE_IMPORT_MAX_MB megabytes, 20 by default."""
    raw = os.environ.get("GSE_IMPORT_MAX_MB", "")
    megabytes = float(raw) if raw.strip() else DEFAULT_IMPORT_MAX_MB
    if not megabytes > 0:
        raise ValueError(f"GSE_IMPORT_MAX_MB must be more than 0, not {raw}")
    return int(megabytes * 1024 * 1024)


def basemap_enabled() -> bool:
    """Whether the Roadtrip map may fetch a tile basemap (GSE_BASEMAP=1); off by default so the app works offline."""
    return os.environ.get("GSE_BASEMAP", "").strip().lower() in {"1", "true", "yes", "on"}
