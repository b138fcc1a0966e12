"""Shared fixtures: small and bundled DuckDB files, and the app pointed at one of them."""

import contextlib
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import build, config

FIXTURES = Path(__file__).parent / "fixtures"
# The UK's twelve ITL1 regions in their official order, written out here for the tests rather than taken from the code
# under test: England's nine, then the three other nations.
ENGLISH_REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
UK_REGIONS = (*ENGLISH_REGIONS, "Wales", "Scotland", "Northern Ireland")


def read_csvs(folder: Path) -> dict[str, pd.DataFrame]:
    """The contract's CSVs as pandas reads them, for independent expected values."""
    return {
        table: pd.read_csv(folder / f"{table}.csv", keep_default_na=False, na_values=[""]) for table in build.TABLES
    }


@pytest.fixture(autouse=True, scope="session")
def team_store(tmp_path_factory) -> Path:
    """Every test writes the team's store under a temporary folder, never into the checkout's team/."""
    path = tmp_path_factory.mktemp("team") / "team.duckdb"
    os.environ["GSE_STORE_PATH"] = str(path)
    return path


@pytest.fixture
def fresh_store(tmp_path, monkeypatch) -> Path:
    """An empty team store of this test's own."""
    path = tmp_path / "team" / "team.duckdb"
    monkeypatch.setenv("GSE_STORE_PATH", str(path))
    return path


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    """A small database built from tests/fixtures, whose numbers can be checked by hand."""
    path = tmp_path_factory.mktemp("fixture") / "gse.duckdb"
    build.build_bundled(FIXTURES, path)
    return path


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """The database built from the bundled data/ files, as `make run` builds it."""
    path = tmp_path_factory.mktemp("bundled") / "gse.duckdb"
    build.build_bundled(config.DATA_DIR, path)
    return path


@pytest.fixture(scope="session")
def fixture_csvs() -> dict[str, pd.DataFrame]:
    """The fixture CSVs, read independently of the app."""
    return read_csvs(FIXTURES)


@pytest.fixture(scope="session")
def bundled_csvs() -> dict[str, pd.DataFrame]:
    """The bundled CSVs, read independently of the app."""
    return read_csvs(config.DATA_DIR)


@pytest.fixture
def use_db(monkeypatch):
    """Point the app's data layer at a database file for one test."""

    def point(path: Path) -> None:
        monkeypatch.setenv("GSE_DB_PATH", str(path))

    return point


ENTRY = str(config.ROOT / "streamlit_app.py")


def opened_from_a_link(app):
    """Run a fresh AppTest that opens on a page, as a pasted link does: the session's first run ends after the page's
    headline (layout.rest_follows), and the browser, once it shows it, asks for the rest: a second run."""
    from dashboard import layout

    app.run()
    if any(caption.value == layout.PENDING_TEXT for caption in app.caption):
        app.run()
    return app


def open_sections(app):
    """Open every closed expander that runs only once opened (layout.on_opening), as a reader clicking each would."""
    while closed := [section.key for section in app.expander if section.key and not section.proto.expanded]:
        for key in closed:
            app.session_state[key] = True
        app.run()
    return app


@pytest.fixture
def open_page():
    """Run the entry script under AppTest, then switch to a page, as a click in the navigation would.

    Every part that runs only once opened is opened, unless `closed`: the tests read the whole page.
    """

    def run(page: str = "dashboard/pages/overview.py", query: dict | None = None, closed: bool = False):
        from streamlit.testing.v1 import AppTest

        app = AppTest.from_file(ENTRY, default_timeout=60)
        for key, value in (query or {}).items():
            app.query_params[key] = value
        app.run()
        if page != "dashboard/pages/overview.py":
            app.switch_page(page)
            app.run()
        return app if closed else open_sections(app)

    return run


def kpi_cards(app) -> list[tuple[str, str, str]]:
    """The KPI cards a page shows, in order, as a reader reads them: label, value, and the change under it ("" if none).

    A card is a keyed box (`kpi_card_...`) holding one Markdown element: the label, the value in bold, the change.
    """
    cards = []

    def walk(node) -> None:
        if getattr(node, "type", None) == "flex_container" and "-kpi_card_" in node.proto.id:
            text = next(child.value for child in node.children.values() if child.type == "markdown")
            label, value, *change = (re.sub(r"\\(.)", r"\1", part) for part in text.split("\n\n"))
            cards.append((label, value.removeprefix("**").removesuffix("**"), *(change or [""])))
            return
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app.main)
    return cards


def kpis(app) -> dict[str, str]:
    """The KPI cards a page shows, label to value."""
    return {label: value for label, value, _ in kpi_cards(app)}


def help_shown(main) -> str:
    """A command line's --help, its words on one line (the command must exit 0)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    return " ".join(printed.getvalue().split())
