"""Page furniture shared by every page: header, filter caption and KPI row."""

from collections.abc import Iterable, Mapping, Sequence

import streamlit as st

from dashboard import about, data, exports, filters, plaintext
from dashboard.changes import Change
from dashboard.filters import Filters

ABOUT_PAGE = "dashboard/pages/about.py"


def link_notices(allowed: dict[str, Iterable]) -> None:
    """Warn about values in the link that the page's own widgets cannot take (see filters.unknown_in_link).

    Call it before drawing the widgets: once drawn, they rewrite the link without the unknown values.
    """
    for notice in filters.unknown_in_link(allowed):
        st.warning(notice, icon=":material/link_off:")


def header(title: str, question: str) -> None:
    """The page title and the one line that says what the page answers."""
    st.title(plaintext.markdown(title))
    st.markdown(plaintext.markdown(question))


def filter_caption(active: Filters, ignored: Iterable[str] = ()) -> None:
    """Say which filters are active in words, which this page ignores, and when the data is from."""
    info = data.build_info()
    text = f"**Filters:** {plaintext.markdown(filters.in_words(active))}"
    ignored = list(ignored)
    if ignored:
        text += f" This page ignores the {', '.join(ignored)} filter{'s' if len(ignored) > 1 else ''}."
    st.caption(f"{text} Data as of {data.as_date(info['data_date']):%-d %B %Y}.")
    st.page_link(ABOUT_PAGE, label="About this data", icon=":material/info:")


def kpi_row(
    values: Sequence[tuple[str, str]], columns: int | None = None, changes: Mapping[str, Change] | None = None
) -> None:
    """Rows of labelled KPI cards, `columns` to a row; values are already formatted (and suppressed where needed).

    `changes` gives a KPI its change, said with what it is against. Its trend goes in words (changes.caption), not in
    the card's sparkline: Streamlit draws that as an SVG with no text alternative, which axe-core fails as serious.
    """
    width = columns or len(values)
    changes = changes or {}
    for start in range(0, len(values), width):
        for column, (label, value) in zip(st.columns(width), values[start : start + width], strict=False):
            change = changes.get(label)
            if change is None:
                column.metric(label, value, border=True)
                continue
            column.metric(
                label,
                value,
                delta=None if change.delta is None else f"{change.delta:+,}",
                delta_color="off",
                delta_description=change.against,
                border=True,
            )


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
    info = data.build_info()
    return exports.Context(
        title=title,
        filters=filters_text,
        data_date=data.as_date(info["data_date"]),
        status=about.status(info),
        source=about.source(info, data.query("imports_history")),
    )


def download_buttons(table, context: exports.Context, key: str, label: str = "") -> None:
    """CSV, XLSX and ODS buttons for a table: a DataFrame is written now, a function that returns one only on a click."""
    stem = context.file_stem()
    for column, (kind, writer, mime) in zip(
        st.columns(3),
        [
            ("CSV", exports.to_csv, "text/csv"),
            ("XLSX", exports.to_xlsx, exports.XLSX_TYPE),
            ("ODS", exports.to_ods, exports.ODS_TYPE),
        ],
        strict=True,
    ):
        column.download_button(
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
