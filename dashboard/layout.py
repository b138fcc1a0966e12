"""Page furniture shared by every page: header, filter caption and KPI row."""

import dataclasses
import numbers
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache

import pandas as pd
import streamlit as st

from dashboard import about, charts, data, disclosure, exports, filters, plaintext
from dashboard.changes import Change
from dashboard.filters import Filters
from dashboard.story import report

ABOUT_PAGE = "dashboard/pages/about.py"


def link_notices(allowed: dict[str, Iterable]) -> None:
    """Warn about values in the link that the page's own widgets cannot take (see filters.unknown_in_link).

    Call it before drawing the widgets: once drawn, they rewrite the link without the unknown values. So a page whose
    widgets come before its headline's end would lose the warning in the run that draws its rest (rest_follows): the
    first run's warnings are kept for that run, and go with the reader's next change.
    """
    notices = filters.unknown_in_link(allowed)
    runs = st.session_state.get(RUNS_KEY)
    if notices and runs == 1:
        st.session_state[FIRST_RUN_NOTICES_KEY] = notices
    elif runs == 2:
        notices = notices or st.session_state.pop(FIRST_RUN_NOTICES_KEY, [])
    for notice in notices:
        st.warning(notice, icon=":material/link_off:")


# The server cannot know the screen's width, so what changes with it is said in CSS. Streamlit stacks columns below
# 640 px; on a phone the KPI cards sit two to a row instead, and a part kept for wide or narrow screens shows only there.
# KPI values, labels and links wrap or shrink rather than end in an ellipsis; so do the choices of st.pills, which
# Streamlit puts in one row that scrolls sideways, out of sight.
# The rules are fixed text: nothing from the data goes into them.
RESPONSIVE_CSS = """
<style>
[class*="st-key-kpi_card_"] { gap: 0.25rem; }
[class*="st-key-kpi_card_"] [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
[class*="st-key-kpi_card_"] p { margin: 0; font-size: 0.875rem; line-height: 1.35; }
[class*="st-key-kpi_card_"] p:nth-child(2) { font-size: clamp(1.4rem, 2.4vw, 2.25rem); line-height: 1.2; }
[data-testid="stButtonGroup"] > div { flex-wrap: wrap; row-gap: 0.5rem; }
[data-testid="stPageLink"] span, label [data-testid="stMarkdownContainer"], label [data-testid="stMarkdownContainer"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
@media (max-width: 640px) {
  [class*="st-key-kpis_"] { flex-flow: row wrap !important; gap: 0.5rem !important; }
  [class*="st-key-kpis_"] > *:has([data-testid="stColumn"]),
  [class*="st-key-kpis_"] [data-testid="stHorizontalBlock"] { display: contents !important; }
  [class*="st-key-kpis_"] [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.25rem) !important; width: calc(50% - 0.25rem) !important;
    min-width: calc(50% - 0.25rem) !important; max-width: calc(50% - 0.25rem) !important;
  }
  [class*="st-key-kpi_card_"] { padding: 0.3rem 0.5rem; }
  [class*="st-key-kpi_card_"] p { font-size: 0.8rem; }
  [class*="st-key-kpi_card_"] p:nth-child(2) { font-size: 1.2rem; }
  [class*="st-key-kpi_card_"] p:nth-child(3) { font-size: 0.75rem; }
  /* Streamlit leaves 6rem above a page for its toolbar, which is under 4rem tall: a phone needs the room. */
  [data-testid="stMainBlockContainer"] { padding-top: 3.75rem; }
  /* A smaller title and tighter KPI cards keep the first finding on a phone's first screen. */
  [data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding-top: 0; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.75rem; }
  [class*="st-key-wide_only_"] { display: none !important; }
}
/* Keyboard shortcuts mean nothing on a touch screen: their badges on buttons and the line that lists them go. */
@media (hover: none) and (pointer: coarse) {
  .st-key-keyboard_only, [data-has-shortcut] kbd { display: none !important; }
}
/* The empty grid sent with a headline so that the browser loads the grid's code early (layout.rest_follows): a pixel
   tall until this CSS arrives, then out of the layout and the focus order. */
.st-key-layout_grid_early { display: none !important; }
@media (min-width: 641px) {
  [class*="st-key-narrow_only_"] { display: none !important; }
}
/* On a tablet, or a laptop with the sidebar open, a row of six or eight cards leaves each too narrow for its label's
   longest word ("Suggestion" and "s" on two lines): the cards fill a grid of equal columns instead, as many to a row
   as fit at 9.5rem or more. */
@media (min-width: 641px) and (max-width: 1399px) {
  [class*="st-key-kpis_"] {
    display: grid !important; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 1rem !important;
  }
  [class*="st-key-kpis_"] > *:has([data-testid="stColumn"]),
  [class*="st-key-kpis_"] [data-testid="stHorizontalBlock"] { display: contents !important; }
  [class*="st-key-kpis_"] [data-testid="stColumn"] { width: auto !important; min-width: 0 !important; }
}
/* The same for a chart that needs a desktop's width (a heatmap of long column headings): a table below 1200 pixels. */
@media (max-width: 1199px) {
  [class*="st-key-desktop_only_"] { display: none !important; }
}
/* A table standing in for a chart scrolls sideways on its own, not the page (where shown: the rules above hide it). */
[class*="st-key-narrow_only_"] table, [class*="st-key-below_desktop_"] table { display: block; overflow-x: auto; }
@media (min-width: 1200px) {
  [class*="st-key-below_desktop_"] { display: none !important; }
}
</style>
"""


def header(title: str, question: str) -> None:
    """The page title and the one line that says what the page answers."""
    st.html(RESPONSIVE_CSS)
    st.title(plaintext.markdown(title))
    st.markdown(plaintext.markdown(question))
    st.session_state["story_page_title"] = title


# Said first on every page while the bundled sample is loaded: a reader who never opens About must not take it as real.
ILLUSTRATIVE = "**Illustrative sample data: no member, suggestion or application in it is real.**"


def filter_caption(active: Filters, ignored: Iterable[str] = ()) -> None:
    """Say which filters are active in words, which this page ignores, when the data is from, and if it is made up."""
    data_date, status, _ = data_facts(data.run_database())
    text = f"**Filters:** {plaintext.markdown(filters.in_words(active))}"
    if status == about.BUNDLED_STATUS:
        text = f"{ILLUSTRATIVE} {text}"
    ignored = list(ignored)
    if ignored:
        text += f" This page ignores the {', '.join(ignored)} filter{'s' if len(ignored) > 1 else ''}."
    st.caption(f"{text} Data as of {data_date:%-d %B %Y}.")
    st.page_link(ABOUT_PAGE, label="About this data", icon=":material/info:")


def kpi_card(label: str, value: str, change: Change | None = None) -> str:
    """One KPI card as Markdown: its label, its value (large, by the page's CSS), and its change in words under it."""
    lines = [plaintext.markdown(label), f"**{plaintext.markdown(value)}**"]
    if change is not None and change.delta is not None:
        lines.append(plaintext.markdown(f"{change.delta:+,} {change.against}"))
    return "\n\n".join(lines)


def kpi_row(
    values: Sequence[tuple[str, str]], columns: int | None = None, changes: Mapping[str, Change] | None = None
) -> None:
    """Rows of labelled KPI cards, `columns` to a row; values are already formatted (and suppressed where needed).

    `changes` gives a KPI its change, said with what it is against; a trend goes in words too (changes.caption).
    A card is Markdown in a bordered box, not st.metric: the browser loads st.metric's code only once a page asks for
    it, and until then draws each card as a grey bar, which held a leader's first sight of the numbers back by 0.3 to
    0.4 s (docs/PERFORMANCE.md, "Issue 20, seventh round"). Markdown's code is in the first download.
    """
    width = columns or len(values)
    changes = changes or {}
    # A key from the labels marks the row for the phone layout above and stays unique when a page has two rows.
    row = f"{zlib.crc32('|'.join(label for label, _ in values).encode()):08x}"
    with st.container(key=f"kpis_{row}"):
        for start in range(0, len(values), width):
            cards = enumerate(values[start : start + width], start)
            for column, (number, (label, value)) in zip(st.columns(width), cards, strict=False):
                card = column.container(border=True, key=f"kpi_card_{row}_{number}")
                card.markdown(kpi_card(label, value, changes.get(label)))


def findings(sentences: Iterable[str | None]) -> None:
    """Key findings as a bulleted list, skipping any that the data could not support.

    A finding is plain text that names data (a theme, a department, a place), so each is shown literally.
    """
    lines = [f"- {plaintext.markdown(sentence)}" for sentence in sentences if sentence]
    if lines:
        st.header("Key findings")
        st.markdown("\n".join(lines))


def download_context(title: str, filters_text: str) -> exports.Context:
    """The facts a download states about itself: title, filters, data date, and the loaded data's status and source."""
    data_date, status, source = data_facts(data.run_database())
    return exports.Context(title=title, filters=filters_text, data_date=data_date, status=status, source=source)


@lru_cache(maxsize=8)
def data_facts(database: data.Database) -> tuple:
    """The data date, status and source of one version of the database, which every download's cover states.

    Worked out once per version, not per download: a page has up to nine downloads, and two cached queries each
    cost 10-20 ms to copy out of Streamlit's cache. A version never changes, so nothing goes stale.
    """
    info = data.query_in(database, "build_info").to_dict("records")[0]
    history = data.query_in(database, "imports_history")
    return data.as_date(info["data_date"]), about.status(info), about.source(info, history)


def download_buttons(table, context: exports.Context, key: str, label: str = "") -> None:
    """CSV, XLSX and ODS buttons for a table: a DataFrame is written now, a function that returns one only on a click."""
    stem = context.file_stem()
    # A row that wraps, not three columns: a column narrower than its label cuts the label short on a tablet.
    row = st.container(horizontal=True, wrap=True)
    for kind, writer, mime in (
        ("CSV", exports.to_csv, "text/csv"),
        ("XLSX", exports.to_xlsx, exports.XLSX_TYPE),
        ("ODS", exports.to_ods, exports.ODS_TYPE),
    ):
        row.download_button(
            f"Download {label} ({kind})" if label else f"Download {kind}",
            data.deferred(lambda writer=writer: writer(table(), context))
            if callable(table)
            else writer(table, context),
            f"{stem}.{kind.lower()}",
            mime,
            key=f"{key}_{kind.lower()}",
            on_click="ignore",
        )


def downloads(frame, title: str, active: Filters, key: str) -> None:
    """CSV, XLSX and ODS buttons for a table: the CSV is the table alone, the workbooks add a cover sheet of its context.

    The files are made only when a button is clicked, so a page with many tables stays fast. `frame` may be a
    function that returns the table, for one that costs a query the page itself does not need.
    """
    context = download_context(title, filters.in_words(active))
    download_buttons(frame if callable(frame) else lambda: frame, context, key)


def chart(figure, key: str, **options):
    """Draw a plotly figure with its title as bold text above it, which wraps on a phone where a plotly title is cut off.

    The title doubles as the chart's alternative text unless `options` gives one; labels outside bars get room too.
    Reviewers and admins get "Add to the board story" under it.
    """
    heading = charts.title_text(figure)
    if heading:
        st.markdown(f"**{plaintext.markdown(heading)}**")
    title = figure.layout.title.text
    charts.fit_labels(charts.untitled(figure))
    drawn = st.plotly_chart(figure, key=key, **options)
    story_button(key, figure=figure, title=title)
    return drawn


# The page charts that a story rebuilds from the data with the filters and page choices they were added with; any
# other chart is kept as it was drawn (stories.chart_slide).
LIVE_CHARTS = {
    "themes_bar": "themes",
    "leadership_access_chart": "leadership",
    "profession_ratio_chart": "profession",
    "profession_voices_chart": "profession",
    "roadtrip_map": "roadtrip",
    "overview_kpis": "overview",
}


def can_edit_stories() -> bool:
    """Whether this session's viewer may edit board stories (reviewers and admins), decided from the sign-in."""
    from dashboard import auth

    viewer = auth.current_verdict().viewer
    return viewer is not None and viewer.is_reviewer


def story_button(key: str, *, figure=None, title: str | None = None) -> None:
    """'Add to the board story' under a chart: it takes the chart with the filters and this page's own choices."""
    if not can_edit_stories():
        return
    st.button(
        "Add to the board story",
        key=f"story_add_{key}",
        type="tertiary",
        icon=":material/playlist_add:",
        help="Adds this chart, with the filters and this page's choices, to the board story you are writing.",
        on_click=_add_to_story,
        args=(key, figure, title),
    )


def _page_choices(key: str) -> dict:
    """The page's own widgets (their keys share the chart key's page prefix), as plain values a story can store."""
    prefix = key.split("_", 1)[0] + "_"
    chosen = {}
    for name, value in st.session_state.items():
        if not str(name).startswith(prefix) or str(name).startswith(("story_", "present_")):
            continue
        if isinstance(value, (str, int, float, bool)) or (
            isinstance(value, (list, tuple)) and all(isinstance(item, (str, int, float)) for item in value)
        ):
            chosen[str(name)] = list(value) if isinstance(value, (list, tuple)) else value
    return chosen


def _add_to_story(key: str, figure, title: str | None) -> None:
    from datetime import UTC, datetime

    from dashboard import store
    from dashboard.story import stories

    kind = LIVE_CHARTS.get(key, "chart")
    page = st.session_state.get("story_page_title", "")
    figure_json = ""
    if kind == "chart" and figure is not None:
        kept = figure.to_plotly_json()
        kept["layout"]["title"] = {"text": title or ""}
        figure_json = plotly_json(kept)
    spec = stories.SlideSpec(
        kind=kind,
        filters=stories.filters_json(filters.current()),
        choices=_page_choices(key),
        source=page or key.split("_", 1)[0].title(),
        figure=figure_json,
        added_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    try:
        spec = dataclasses.replace(spec, added_by=stories.editor())
        story_id, position = stories.add_slide(spec, st.session_state.get("story_editing"))
    except (PermissionError, stories.StoryError, store.StoryConflict, store.StoreBusy) as problem:
        st.toast(f"Not added: {plaintext.markdown(str(problem))}", icon=":material/error:")
        return
    st.session_state["story_editing"] = story_id
    # The story moved on by this editor's own hand: the Board story page opens its latest version, not a warning.
    st.session_state.get("story_seen_versions", {}).pop(story_id, None)
    st.toast(f"Added to the board story as slide {position}. Open Board story to give it a title and commentary.",
             icon=":material/playlist_add_check:")  # fmt: skip


RUNS_KEY = "layout_runs"
FIRST_RUN_NOTICES_KEY = "layout_first_run_notices"  # a page's link warnings from the session's first run
PENDING_KEY = "layout_rest_pending"
GRID_EARLY_KEY = "layout_grid_early"
PENDING_TEXT = "Drawing the charts and tables…"
# Once the browser has drawn every element it was sent (no skeleton left while an element's code loads) and painted
# them, it asks for a rerun; the hidden grid that only loads the grid's code early is not waited for. The script is
# fixed text: nothing from the data goes into it.
ASK_FOR_THE_REST_JS = """
export default function ({ setTriggerValue }) {
  const drawn = () => ![...document.querySelectorAll('[data-testid="stMain"] [data-testid="stSkeleton"]')].some(
    (skeleton) => !skeleton.closest(".st-key-layout_grid_early")
  );
  const wait = () => {
    if (!drawn()) return requestAnimationFrame(wait);
    requestAnimationFrame(() => setTimeout(() => setTriggerValue("shown", true)));
  };
  requestAnimationFrame(wait);
}
"""


def count_run() -> None:
    """Count the session's script runs, so that a page can tell its first (the entry script calls this first thing)."""
    st.session_state[RUNS_KEY] = st.session_state.get(RUNS_KEY, 0) + 1


@lru_cache(maxsize=1)
def _ask_for_the_rest():
    return st.components.v2.component("gse_ask_for_the_rest", js=ASK_FOR_THE_REST_JS)


def rest_follows(grid: bool = False) -> None:
    """On a session's first run, end the page here, after its headline: the browser asks for the rest once it shows it.

    The browser shows no part of a run until the code of every kind of element in it has loaded (Plotly, deck.gl, the
    data grid: megabytes), so a page sent whole shows its KPIs and findings only once it can show its charts too.
    Later runs (a filter, another page) find that code loaded and are sent whole.

    `grid` says the rest holds a data grid and no chart: an empty grid, hidden, goes with the headline, so the browser
    loads the grid's code while the server runs the rest. Review then finished at 2.31x the hello page, not 2.41x, and
    Taxonomy at 2.36x, not 2.48x. The same for Plotly or deck.gl was no quicker: compiling their megabytes competes with
    drawing the headline (docs/PERFORMANCE.md, "Issue 20, eighth round").
    """
    if st.session_state.get(RUNS_KEY) != 1:
        return
    with st.container(key=PENDING_KEY):
        st.caption(PENDING_TEXT)
        _ask_for_the_rest()(key="layout_rest", on_shown_change=lambda: None)
    if grid:
        with st.container(key=GRID_EARLY_KEY, height=1, border=False):
            st.dataframe(pd.DataFrame())
    st.stop()


def plotly_json(figure: dict) -> str:
    """A figure's plotly JSON (numpy arrays and dates as plotly writes them)."""
    import plotly.io

    return plotly.io.to_json(figure, validate=False)


def wide_only(key: str, *, desktop: bool = False):
    """A container shown only on screens wider than a phone, or with `desktop` a tablet (a heatmap, say, whose labels
    need the room)."""
    return st.container(key=f"{'desktop_only' if desktop else 'wide_only'}_{key}")


def narrow_only(key: str, *, desktop: bool = False):
    """A container shown only on a phone-width screen, or with `desktop` up to a tablet's (the sorted table that stands
    in for a heatmap, say)."""
    return st.container(key=f"{'below_desktop' if desktop else 'narrow_only'}_{key}")


def shown_as_zero(count) -> bool:
    """Whether a count is a real zero: a blanked count (NA or None) may be zero or not, and must not be told apart."""
    return count is not None and not pd.isna(count) and count == 0


def nothing_matches(what: str) -> None:
    """One notice at the top of the page that the filters match no `what`, then stop: no zero KPIs, empty maps or grids."""
    st.warning(
        f"No {what} match these filters, so there is nothing to show. Widen or reset the filters in the sidebar.",
        icon=":material/filter_alt_off:",
    )
    st.stop()


PHONE_TABLE_ROWS, PHONE_TABLE_PX = 10, 420
# A container of text about keyboard shortcuts, hidden on touch screens by RESPONSIVE_CSS.
KEYBOARD_ONLY_KEY = "keyboard_only"


def chart_or_table(figure, rows, key: str, *, percent: Iterable[str] = (), desktop: bool = False, **options) -> None:
    """A chart that needs the width of a tablet or more (with `desktop`, of a desktop); on a narrower screen its title
    heads a table of `rows` (sorted to read).

    Both are sent and CSS shows one, as the server cannot know the screen's width. The phone's table is Markdown, not a
    data grid: the grid's code is large, and the browser shows no part of a page before the code of all of it is in.
    """
    heading = charts.title_text(figure)
    with wide_only(key, desktop=desktop):
        chart(figure, key=key, **options)
    with narrow_only(key, desktop=desktop):
        if heading:
            st.markdown(f"**{plaintext.markdown(heading)}**")
        # A long table scrolls in a box, as the data grid did, so the rest of the page is not a long swipe away.
        with st.container(height=PHONE_TABLE_PX if len(rows) > PHONE_TABLE_ROWS else "content"):
            st.markdown(markdown_table(rows, percent))


def _missing(value) -> bool:
    # Strings first: `pd.NA == ""` is NA, whose truth value is an error.
    return value == "" if isinstance(value, str) else value is None or bool(pd.isna(value))


def _reads_as_number(value) -> bool:
    """Whether a cell is a number, or one written out ("1,234", "35.2") or blanked ("[c]"): it aligns right."""
    if isinstance(value, str):
        return value == disclosure.SUPPRESSED or value.replace(",", "").replace(".", "", 1).isdigit()
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def markdown_table(frame: pd.DataFrame, percent: Iterable[str] = ()) -> str:
    """A small table as Markdown, every cell shown literally: counts with commas, `percent` columns as whole per cents."""
    percent = set(percent)

    def cell(value, column: str) -> str:
        if _missing(value):
            return MISSING
        if isinstance(value, bool | str):
            return plaintext.markdown(value)
        if column in percent:
            return f"{value:.0%}"
        return f"{value:,}" if isinstance(value, numbers.Integral) else f"{value:,.1f}"

    numeric = [
        all(_reads_as_number(value) for value in frame[column] if not _missing(value)) for column in frame.columns
    ]
    lines = [
        "| " + " | ".join(plaintext.markdown(column) for column in frame.columns) + " |",
        "| " + " | ".join("---:" if number else ":---" for number in numeric) + " |",
        *(
            "| " + " | ".join(cell(value, column) for value, column in zip(row, frame.columns, strict=True)) + " |"
            for row in frame.itertuples(index=False)
        ),
    ]
    return "\n".join(lines)


# The browser grid sizes a column from its first rows only, so a longer name further down ("Salisbury (Porton Down)",
# tenth on the tour) was cut short. Text columns get a width from their longest value instead, up to a cap that keeps
# the key columns of a table on a phone's screen; the rest are reached by scrolling the table sideways.
CHARACTER_PX = 7.5
CELL_PADDING_PX = 28
TEXT_WIDTH_PX = (60, 240)
# The grid wraps text only in rows taller than 4rem (64 px); this leaves room for a long name on three lines.
WRAPPED_ROW_PX = 66
DATE_FORMAT = "D MMMM YYYY"  # "9 July 2025", as the pages' text says it; the cell keeps its date, so it sorts by date
MISSING = "–"


def _present(column: pd.Series) -> list:
    """A column's values without the missing ones, as plain Python objects (one pass, no pandas copies)."""
    return [value for value in column.tolist() if value is not None and value is not pd.NA and value == value]


def text_width(values: list, label: str, widest: int = TEXT_WIDTH_PX[1]) -> int:
    """Pixels for a text column to show its longest value (or its label) in full, within TEXT_WIDTH_PX."""
    longest = max([len(label), *(len(str(value)) for value in values)])
    return int(min(widest, max(TEXT_WIDTH_PX[0], longest * CHARACTER_PX + CELL_PADDING_PX)))


def table_settings(
    frame: pd.DataFrame, column_config: Mapping | None = None, widest: Mapping | None = None
) -> tuple[dict, bool]:
    """Column settings for a screen table (dates written out, text columns wide enough; `column_config` wins), and
    whether a text column holds a value too long for one line at its width, so that rows must be tall enough to wrap.

    `widest` caps given text columns lower (a long suggestion wraps in its row instead of filling a phone's screen).
    """
    settings: dict = {}
    wraps = False
    widest = widest or {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            settings[name] = st.column_config.DatetimeColumn(format=f"{DATE_FORMAT}, HH:mm")
            continue
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        values = _present(column)
        if values and all(isinstance(value, date) and not isinstance(value, datetime) for value in values):
            settings[name] = st.column_config.DateColumn(format=DATE_FORMAT)
            continue
        cap = widest.get(name, TEXT_WIDTH_PX[1])
        settings[name] = st.column_config.TextColumn(width=text_width(values, str(name), cap))
        wraps = wraps or any(len(str(value)) * CHARACTER_PX + CELL_PADDING_PX > cap for value in values)
    for name, given in (column_config or {}).items():
        # A page's own setting (say, a pinned first column) keeps the width worked out here unless it sets one.
        if isinstance(given, Mapping):
            settings[name] = {
                **settings.get(name, {}),
                **{key: value for key, value in given.items() if value is not None},
            }
        else:
            settings[name] = given
    return settings, wraps


# A table this short is shown whole: a box of Streamlit's default height stopped mid-row with more rows below unseen.
WHOLE_TABLE_ROWS = 15


# A share on screen: one decimal place in every row. Streamlit's "percent" format wrote "16.12%" beside "8.5%".
SHARE_FORMAT = "%.1f%%"


def table(
    frame: pd.DataFrame,
    *,
    column_config: Mapping | None = None,
    widest: Mapping | None = None,
    percent: Iterable[str] = (),
    **options,
):
    """st.dataframe for a page: names in full, dates as '9 July 2025' (still sorted as dates), a dash where none, and
    every row of a short table in view. `percent` names columns of shares (0 to 1), shown as '16.1%'."""
    shares = [name for name in percent if name in frame.columns]
    if shares:
        frame = frame.assign(**{name: frame[name] * 100 for name in shares})
        column_config = {
            **{name: st.column_config.NumberColumn(format=SHARE_FORMAT) for name in shares},
            **(column_config or {}),
        }
    options.setdefault("hide_index", True)
    if len(frame) <= WHOLE_TABLE_ROWS:
        options.setdefault("height", "content")
    options.setdefault("placeholder", MISSING)
    settings, wraps = table_settings(frame, column_config, widest)
    if wraps and "row_height" not in options:
        options["row_height"] = WRAPPED_ROW_PX
    return st.dataframe(frame, column_config=settings, **options)


def sections(parts: Sequence[tuple[str, Callable[[], None]]], key: str) -> None:
    """Tabs that each draw one part of a page, running only the chosen one; the chosen tab is bound to the link."""
    tabs = st.tabs([label for label, _ in parts], key=key, on_change="rerun", bind="query-params")
    for tab, (_, draw) in zip(tabs, parts, strict=True):
        if tab.open:
            with tab:
                draw()


def on_opening(
    label: str, key: str, draw: Callable[[], None], *, in_link: bool = False, expanded: bool = False
) -> None:
    """An expander whose part of the page is built and sent only while it is open: a table behind a chart, say.

    Closed, it costs a rerun nothing and the browser lays out nothing behind it, so the headline shows sooner.
    `in_link` keeps it open in a shared link; `expanded` opens it when the link (or a click elsewhere) calls for it.
    """
    section = st.expander(label, expanded, key=key, on_change="rerun", bind="query-params" if in_link else None)
    if section.open:
        with section:
            draw()


def pdf_download(make: Callable[[], bytes], made_for, file_name: str, key: str) -> None:
    """A report as a PDF: made on request, then downloaded.

    Chromium takes seconds to start and print, longer than a browser keeps a click's permission to download, so the
    PDF is made when "Make PDF report" is clicked (in the button's callback, before the page reruns) and the download
    button then hands over bytes already made. `made_for` names what the PDF shows (filters, story version): a PDF made
    for anything else is made again.
    """
    made_key = f"{key}_made"
    if report.chromium() is None:
        st.button("Make PDF report", key=f"{key}_make", disabled=True, icon=":material/picture_as_pdf:")
        st.caption("The PDF needs Chromium on the server, which is not installed: print the HTML report instead.")
        return
    made = st.session_state.get(made_key)
    if isinstance(made, str):  # the last attempt failed: say why, once
        st.error(made, icon=":material/error:")
        del st.session_state[made_key]
        made = None
    if made is None or made[0] != (made_for, file_name):  # none yet, or made for another view or data
        st.button(
            "Make PDF report",
            key=f"{key}_make",
            on_click=_make_pdf,
            args=(make, (made_for, file_name), made_key),
            icon=":material/picture_as_pdf:",
            help="Prints the report to a PDF on the server; this takes a few seconds.",
        )
        return
    st.download_button(
        "Download report (PDF)",
        data=made[1],
        file_name=file_name,
        mime="application/pdf",
        key=key,
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )


def _make_pdf(make: Callable[[], bytes], made_for, made_key: str) -> None:
    """The button's callback: print the report to PDF and keep it (or why it failed) for the page run."""
    try:
        st.session_state[made_key] = (made_for, make())
    except report.PdfUnavailable as error:
        st.session_state[made_key] = str(error)
