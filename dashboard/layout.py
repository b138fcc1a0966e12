"""Page furniture shared by every page: header, filter caption and KPI row."""

from collections.abc import Iterable, Sequence

import streamlit as st

from dashboard import data, exports, filters, plaintext
from dashboard.filters import Filters


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


def kpi_row(values: Sequence[tuple[str, str]], columns: int | None = None) -> None:
    """Rows of labelled KPI cards, `columns` to a row; values are already formatted (and suppressed where needed)."""
    width = columns or len(values)
    for start in range(0, len(values), width):
        for column, (label, value) in zip(st.columns(width), values[start : start + width], strict=False):
            column.metric(label, value, border=True)


def findings(sentences: Iterable[str | None]) -> None:
    """Key findings as a bulleted list, skipping any that the data could not support.

    A finding is plain text that names data (a theme, a department, a place), so each is shown literally.
    """
    lines = [f"- {plaintext.markdown(sentence)}" for sentence in sentences if sentence]
    if lines:
        st.header("Key findings")
        st.markdown("\n".join(lines))


def downloads(frame, title: str, active: Filters, key: str) -> None:
    """CSV and XLSX buttons for a table, each file stating the title, filters and data date.

    The files are made only when a button is clicked, so a page with many tables stays fast. `frame` may be a
    function that returns the table, for one that costs a query the page itself does not need.
    """
    context = exports.Context(
        title=title,
        filters=filters.in_words(active),
        data_date=data.as_date(data.build_info()["data_date"]),
    )
    stem = context.file_stem()
    table = frame if callable(frame) else lambda: frame
    left, right = st.columns(2)
    left.download_button(
        "Download CSV",
        lambda: exports.to_csv(table(), context),
        f"{stem}.csv",
        "text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        "Download XLSX",
        lambda: exports.to_xlsx(table(), context),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )
