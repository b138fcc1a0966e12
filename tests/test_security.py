"""Hardening: the read-only connection, hostile input through every filter and text box, text shown as text, settings."""

import ast
import html
import json
import re
import shutil
import tomllib
from datetime import date
from itertools import cycle

import duckdb
import pandas as pd
import pytest
from packaging.version import Version
from streamlit.testing.v1 import AppTest

from dashboard import build, data
from dashboard.config import QUERIES_DIR, ROOT
from dashboard.filters import STATE_KEY, Filters
from dashboard.sidebar import DATES, DEPARTMENTS, LOCATIONS, NATION, THEMES
from tests import hostile_data
from tests.conftest import ENTRY, FIXTURES, open_sections

PAGES = [
    "dashboard/pages/overview.py",
    "dashboard/pages/roadtrip.py",
    "dashboard/pages/themes.py",
    "dashboard/pages/leadership.py",
    "dashboard/pages/profession.py",
    "dashboard/pages/data.py",
]
SHARED_FILTER_KEYS = [THEMES, NATION, LOCATIONS, DEPARTMENTS, DATES]
PRESENT = "present"  # the URL parameter that presentation.is_on reads
# Markdown and HTML that would fetch, link or run something if a page rendered it instead of showing it.
MARKUP = [
    "![tracker](http://evil.example/pixel.png)",
    "[click me](javascript:alert(1))",
    "<http://evil.example/autolink>",
    "<script>alert('evil')</script>",
    '"><img src=x onerror=alert(1)> evil',
    "**evil** _emphasis_ `code` # heading $x^2$ :red[evil]",
]
HOSTILE = [
    *MARKUP,
    "'; drop table suggestions; --",
    "' or '1'='1",
    "cpd') or (1=1",
    "$theme_ids",
    "read_csv('/etc/passwd')",
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "\\\\evil.example\\share\\x",
    "file:///etc/passwd",
    '=HYPERLINK("http://evil.example")',
    "%s %n {0} {theme_ids} %(x)s",
    "null",
    "",
    " ",
    "\x00\x01\x07\x1b[31m\r\n\t",
    "\u202egnp.exe\u200b\ufeff",
    "😀" * 50,
    "a" * 100_000,
    "café — naïve — Ωmega — 日本語",
    "2025-13-45",
    "9999-12-31,0001-01-01",
]
TEXT_WIDGETS = ("text_input", "text_area")
MARKDOWN_ELEMENTS = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")


def keyed_widgets(app: AppTest, types: tuple[str, ...]) -> list:
    """Widgets of these types that have a key of their own (not one Streamlit made up)."""
    return [widget for kind in types for widget in app.get(kind) if widget.key and not widget.key.startswith("$$")]


def rendered_markdown(app: AppTest) -> list:
    """Every element whose text Streamlit renders as Markdown."""
    return [element for kind in MARKDOWN_ELEMENTS for element in app.get(kind)]


def live_markup(markdown: str) -> list[str]:
    """What in this Markdown would render as an image, a link or HTML."""
    syntax = re.findall(r"!\[|\]\(|<[a-zA-Z/!]|<https?:", re.sub(r"\\.", "", markdown))
    # Backslash escapes stop Markdown syntax but not GitHub-style autolinks: Streamlit renders `http\\://evil\\.example`
    # as a link (seen in Chromium). So any URL-looking text in Markdown counts, and user text must be shown as text.
    shown = html.unescape(re.sub(r"\\(.)", r"\1", markdown))
    return syntax + re.findall(r"(?i)\b(?:https?:|ftp:|www\.)", shown)


def assert_safe(app: AppTest) -> None:
    """No exception, no raw HTML enabled, and no hostile markup rendered live in any Markdown element."""
    assert not app.exception, [exception.message[:300] for exception in app.exception]
    for element in rendered_markdown(app):
        assert not getattr(element.proto, "allow_html", False), f"unsafe_allow_html in: {element.value[:200]!r}"
        if "evil" in element.value:
            assert not live_markup(element.value), f"hostile markup rendered: {element.value[:300]!r}"


def run_page(page: str, query: dict | None = None) -> AppTest:
    """Run the entry script, switch to a page, and run it with these URL parameters."""
    app = AppTest.from_file(ENTRY, default_timeout=120)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    if page != PAGES[0]:
        app.switch_page(page)
        for key, value in (query or {}).items():
            app.query_params[key] = value
        app.run()
    return open_sections(app)


@pytest.fixture
def fixture_app(fixture_db, use_db):
    use_db(fixture_db)


@pytest.mark.parametrize("page", PAGES)
def test_hostile_values_in_the_link_are_ignored_on_every_page(page, fixture_app):
    app = run_page(page, {key: HOSTILE for key in SHARED_FILTER_KEYS})
    assert_safe(app)
    assert app.session_state[STATE_KEY] == Filters()
    notices = " ".join(warning.value for warning in app.sidebar.get("alert") or app.warning)
    assert "Ignored" in notices
    own_keys = {widget.key for widget in keyed_widgets(app, ("multiselect", "selectbox", "radio", "toggle"))}
    own_keys |= {
        widget.key for widget in keyed_widgets(app, ("number_input", "segmented_control", "pills", "pagination"))
    }
    own_keys |= {widget.key for widget in keyed_widgets(app, TEXT_WIDGETS)}
    own_keys -= set(SHARED_FILTER_KEYS)
    kinds = ("multiselect", "selectbox", "radio", "toggle", "checkbox", "number_input", "date_input", "slider")
    kinds += ("pagination",)
    bound = {widget.proto.query_param_key for kind in (*kinds, *TEXT_WIDGETS) for widget in app.get(kind)}
    assert bound - {""} - set(SHARED_FILTER_KEYS) <= own_keys, "every key the page binds to the link is swept"
    # Presentation mode is switched on by a parameter the app reads itself, on every page.
    link_keys = sorted(own_keys | {PRESENT})
    # Every value of the list in every key, as repeated parameters, then each value alone in every key at once: one
    # run per value rather than per value and key, so every string reaches every key in a few seconds a page.
    for query in [dict.fromkeys(link_keys, HOSTILE)] + [dict.fromkeys(link_keys, value) for value in HOSTILE]:
        app = run_page(page, query)
        assert_safe(app)
        assert app.session_state[STATE_KEY] == Filters()
        assert any(button.key == "present_enter" for button in app.button), "no hostile value turns presenting on"


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_each_hostile_value_in_each_shared_filter_link_is_dropped(value, fixture_app):
    app = run_page(PAGES[0], {key: value for key in SHARED_FILTER_KEYS})
    assert_safe(app)
    assert app.session_state[STATE_KEY] == Filters()


@pytest.mark.parametrize("page", PAGES)
def test_hostile_text_typed_into_every_text_box(page, fixture_app):
    app = run_page(page)
    boxes = keyed_widgets(app, TEXT_WIDGETS)
    for box in boxes:
        for value in HOSTILE:
            widget = next(widget for widget in app.get(box.type) if widget.key == box.key)
            widget.set_value(value).run()
            assert_safe(app)


@pytest.mark.parametrize("wildcard", ["%", "_"])
def test_the_themes_search_box_treats_wildcards_as_text(wildcard, fixture_app):
    app = run_page("dashboard/pages/themes.py")
    app.text_input(key="themes_search").set_value(wildcard).run()
    assert_safe(app)
    matches = [element.value for element in app.markdown if "matching suggestion" in element.value]
    assert matches == ["**0 matching suggestions**"], "no fixture suggestion contains it, so nothing may match"


@pytest.mark.parametrize(
    "dates",
    [(date(9999, 12, 31), date(1, 1, 1)), (date(1, 1, 1),), (date(2025, 5, 1), date(2025, 3, 4)), ()],
)
def test_out_of_range_dates_typed_into_the_filter(dates, fixture_app):
    app = run_page(PAGES[0])
    app.date_input(key=DATES).set_value(dates).run()
    assert_safe(app)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """The fixture data with hostile markup in front of every suggestion's text, so every quote shown is hostile."""
    folder = tmp_path_factory.mktemp("hostile_csvs")
    for csv in FIXTURES.glob("*.csv"):
        shutil.copy(csv, folder / csv.name)
    suggestions = pd.read_csv(folder / "suggestions.csv", keep_default_na=False, dtype=str)
    suggestions["text"] = [f"{markup} {text}" for markup, text in zip(cycle(MARKUP), suggestions["text"])]
    suggestions.to_csv(folder / "suggestions.csv", index=False)
    path = tmp_path_factory.mktemp("hostile") / "gse.duckdb"
    build.build_bundled(folder, path)
    return path


def test_suggestion_text_is_always_shown_as_text(hostile_db, use_db):
    use_db(hostile_db)
    shown = 0
    for page in PAGES:
        app = run_page(page)
        assert_safe(app)
        for element in rendered_markdown(app):
            shown += "evil" in element.value
        for frame in [*app.dataframe, *app.table]:
            shown += frame.value.astype(str).apply(lambda column: column.str.contains("evil")).to_numpy().any()
        # Plain text elements are never parsed as Markdown: they count as shown, and safely.
        shown += sum("evil" in element.value for element in app.text)
    assert shown, "no page showed any suggestion text, so this test checked nothing"


@pytest.fixture(scope="module")
def hostile_labels_db(tmp_path_factory):
    """Markup, URLs and formulas in every free-text column: labels, names, venues, hosts, questions (hostile_data)."""
    return hostile_data.build_database(tmp_path_factory.mktemp("hostile_labels"))


def plotly_strings(spec) -> list[str]:
    """Every string in a plotly figure's JSON, except its hover templates (code, not data)."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict):
        return [text for key, value in spec.items() if key != "hovertemplate" for text in plotly_strings(value)]
    if isinstance(spec, list):
        return [text for value in spec for text in plotly_strings(value)]
    return []


# Tags plotly would draw (a link, or an image from the web) if a label held them unescaped.
PLOTLY_MARKUP = re.compile(r"(?i)<\s*(a|img|image|svg|iframe|script)\b")


def test_hostile_labels_in_every_text_column_are_shown_as_text(hostile_labels_db, use_db, monkeypatch):
    use_db(hostile_labels_db)
    monkeypatch.setenv("GSE_DISCLOSURE_THRESHOLD", "0")
    shown = charted = 0
    # The scheme picker writes a departmental scheme into the link as "NAME (DEPARTMENT staff only)".
    folder = hostile_labels_db.parent / "csv"
    schemes = pd.read_csv(folder / "schemes.csv", dtype=str)
    scheme = schemes.loc[schemes["kind"] == "departmental"].iloc[0]
    owner = (
        pd.read_csv(folder / "departments.csv", dtype=str)
        .set_index("department_id")
        .at[scheme["department_id"], "name"]
    )
    departmental = f"{scheme['name']} ({owner} staff only)"
    views = [(page, None) for page in [*PAGES, "dashboard/pages/review.py"]]
    views.append((PAGES[3], {"leadership_scheme": departmental}))
    for page, query in views:
        app = run_page(page, query)
        assert_safe(app)
        assert not [warning.value for warning in app.warning if "in the link" in warning.value], (page, query)
        # Button and expander labels are Markdown too.
        for label in [*(button.label for button in app.button), *(expander.label for expander in app.expander)]:
            if "evil" in label:
                assert not live_markup(label), f"{page}: hostile markup in a label: {label[:200]!r}"
                shown += 1
        shown += sum("evil" in element.value for element in rendered_markdown(app))
        for chart in app.get("plotly_chart"):
            strings = plotly_strings(json.loads(chart.proto.spec))
            assert not [text for text in strings if PLOTLY_MARKUP.search(text)], f"{page}: markup in a chart"
            charted += any("evil.example" in text for text in strings)
    assert shown and charted, "no page showed a hostile label in Markdown or a chart, so this test checked nothing"


def raw_html_with_data(path) -> list[str]:
    """Calls that hand raw HTML to the browser (st.html, components.html, unsafe_allow_html=True) with anything but a
    constant string, i.e. a literal or a module-level name bound to one."""
    tree = ast.parse(path.read_text())
    constants = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        unsafe = any(
            keyword.arg == "unsafe_allow_html"
            and not (isinstance(keyword.value, ast.Constant) and not keyword.value.value)
            for keyword in node.keywords
        )
        if name.endswith(("st.html", "components.html", "components.iframe")) or name == "html" or unsafe:
            content = node.args[0] if node.args else None
            constant = isinstance(content, ast.Constant) or (isinstance(content, ast.Name) and content.id in constants)
            if not constant:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                offenders.append(f"{where}:{node.lineno}")
    return offenders


def test_no_raw_html_with_data_in_the_code():
    sources = [ROOT / "streamlit_app.py", *sorted((ROOT / "dashboard").rglob("*.py"))]
    assert [offender for path in sources for offender in raw_html_with_data(path)] == []


def test_the_raw_html_check_catches_data(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'STYLE = "<style></style>"\nst.html(STYLE)\nst.markdown(f"<b>{name}</b>", unsafe_allow_html=True)\n'
    )
    assert raw_html_with_data(sample) == ["sample.py:3"]


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/passwd')",
        "select * from glob('/etc/*')",
        "copy (select 1) to '/tmp/gse-should-not-exist.csv'",
        "export database '/tmp/gse-should-not-exist'",
        "attach '/tmp/gse-should-not-exist.duckdb' as other",
        "install httpfs",
        "load httpfs",
        "set enable_external_access = true",
        "set lock_configuration = false",
        "reset lock_configuration",
        "set memory_limit = '1GB'",
        "create table intruder (x int)",
        "insert into themes values ('x', 'x', 'x')",
        "delete from suggestions",
        "drop table suggestions",
    ],
)
def test_the_connection_cannot_reach_outside_its_file_or_change_itself(sql, fixture_db, use_db):
    use_db(fixture_db)
    cursor = data.cursor()
    with pytest.raises(duckdb.Error):
        cursor.execute(sql)
    assert not list(ROOT.parent.glob("gse-should-not-exist*")) and not shutil.os.path.exists(
        "/tmp/gse-should-not-exist.csv"
    )


def test_the_connection_settings_are_locked_and_the_data_read_only(fixture_db, use_db):
    use_db(fixture_db)
    cursor = data.cursor()
    settings = dict(
        cursor.execute(
            "select name, value from duckdb_settings() where name in "
            "('enable_external_access', 'lock_configuration', 'autoinstall_known_extensions', "
            "'autoload_known_extensions')"
        ).fetchall()
    )
    assert settings == {
        "enable_external_access": "false",
        "lock_configuration": "true",
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }
    attached = cursor.execute("select readonly from duckdb_databases() where path = $path", {"path": str(fixture_db)})
    assert attached.fetchall() == [(True,)]
    assert cursor.execute("select current_database()").fetchone() == ("gse",)


@pytest.mark.parametrize("name", ["../../etc/passwd", "schema;drop", "theme_counts.sql", "/etc/passwd", "a\x00b", ""])
def test_query_names_are_checked(name):
    with pytest.raises(ValueError):
        data.sql_text(name)


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.sql")), ids=lambda path: path.stem)
def test_queries_bind_values_and_never_format_them(path):
    code = data.strip_comments(path.read_text())
    assert not re.search(r"\{\w*\}|%s|%\(\w+\)s|\?", code), "values must be bound as $name parameters"


def test_streamlit_config_is_hardened():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = settings["server"]
    assert server["address"] == "localhost"
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    assert server["enableStaticServing"] is False
    assert server["enableAgentApi"] is False
    assert 1 <= server["maxUploadSize"] <= 50
    assert set(server["allowedHosts"]) <= {"localhost", "127.0.0.1", "::1"}
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["client"] == settings["client"] | {"showErrorDetails": "none", "toolbarMode": "viewer"}


# Streamlit's published advisories, and the release that fixed each (README "Security" lists them).
STREAMLIT_ADVISORIES = {
    "GHSA-9c6g-qpgj-rvxw": "0.81.0",  # reflected XSS through a crafted URL
    "GHSA-v4hr-4jpx-56gc": "1.11.1",  # path traversal through custom component paths
    "GHSA-8qw9-gf7w-42x5": "1.30.0",  # the rest of that path traversal
    "GHSA-rxff-vr5r-8cj5": "1.37.0",  # path traversal in static file serving on Windows
    "GHSA-vqwp-45wm-r9r5": "1.53.1",  # weak hash in the cache key
    "GHSA-7p48-42j8-8846": "1.54.0",  # SSRF through component paths (UNC paths) on Windows
}


def pins(path) -> dict[str, str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    lines = [line for line in lines if line and not line.startswith("-r")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9.]+", line) for line in lines), lines
    return {line.split("==")[0].split("[")[0].lower(): line.split("==")[1] for line in lines}


def test_every_requirement_is_pinned_at_or_above_the_advisory_fixes():
    runtime = pins(ROOT / "requirements.txt")
    development = pins(ROOT / "requirements-dev.txt")
    # Every package installed, direct or not, is pinned by the constraints, at the version the requirements name.
    constraints = pins(ROOT / "constraints.txt")
    for name, version in {**runtime, **development}.items():
        assert constraints.get(name) == version, name
    # and the packages they pull in: Streamlit's web server and the numeric stack among them.
    assert {"uvicorn", "starlette", "numpy", "protobuf", "jinja2"} <= set(constraints)
    assert Version(runtime["streamlit"]) >= max(Version(fixed) for fixed in STREAMLIT_ADVISORIES.values())
    # st.login needs Authlib >= 1.3.2 and an HTTP client for the token exchange.
    assert Version(runtime["authlib"]) >= Version("1.3.2")
    assert "httpx" in runtime


def test_a_category_with_an_ampersand_keeps_its_place_in_a_chart_order():
    import plotly.graph_objects as go

    from dashboard import charts

    figure = go.Figure(go.Scatter(x=[1, 2, 3], y=["Science, Innovation & Technology", "<b>Defra</b>", "Met Office"]))
    figure.update_yaxes(
        categoryorder="array", categoryarray=["Met Office", "Science, Innovation & Technology", "<b>Defra</b>"]
    )
    charts.style(figure, "Title & <i>more</i>\nsecond line")
    assert figure.layout.title.text == "Title &amp; &lt;i&gt;more&lt;/i&gt;<br>second line"
    assert list(figure.data[0].y) == ["Science, Innovation &amp; Technology", "&lt;b&gt;Defra&lt;/b&gt;", "Met Office"]
    # The order names the same (escaped) categories, so plotly still finds each one in it.
    assert set(figure.layout.yaxis.categoryarray) == set(figure.data[0].y)
