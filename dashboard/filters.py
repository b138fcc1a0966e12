"""The shared filter state: one frozen value built from the sidebar widgets, which are bound to the URL."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import data

NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
STATE_KEY = "active_filters"
# The notices of a link whose old theme labels were followed, kept for the run that shows them.
FOLLOWED_KEY = "filters_followed_labels"


@dataclass(frozen=True)
class Filters:
    """What the user has chosen; an empty tuple or None means no filter on that field."""

    theme_ids: tuple[str, ...] = ()
    nations: tuple[str, ...] = ()
    location_ids: tuple[str, ...] = ()
    department_ids: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def params(self) -> dict:
        """The query parameters: each empty filter becomes NULL, which the SQL reads as 'everything'."""
        return {field.name: (getattr(self, field.name) or None) for field in fields(self)}

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return not any(self.params().values())


def options() -> dict[str, pd.DataFrame]:
    """The choices the sidebar offers, from the database."""
    return {
        "themes": data.query("theme_options"),
        "locations": data.query("location_options"),
        "departments": data.query("department_options"),
        "dates": data.query("date_bounds"),
    }


def describe(filters: Filters, choices: dict[str, pd.DataFrame]) -> str:
    """The active filters in words, for captions and downloads."""
    if filters.is_empty():
        return "No filters: all data."
    parts = []
    named = (
        ("Themes", filters.theme_ids, choices["themes"], "theme_id", "label"),
        ("Nations", filters.nations, None, None, None),
        ("Locations", filters.location_ids, choices["locations"], "location_id", "name"),
        ("Departments", filters.department_ids, choices["departments"], "department_id", "name"),
    )
    for title, chosen, frame, key, label in named:
        if chosen:
            names = chosen if frame is None else frame.set_index(key).loc[list(chosen), label].tolist()
            parts.append(f"{title}: {', '.join(names)}")
    if filters.date_from or filters.date_to:
        start = filters.date_from.isoformat() if filters.date_from else "start"
        end = filters.date_to.isoformat() if filters.date_to else "end"
        parts.append(f"Dates: {start} to {end}")
    return "; ".join(parts) + "."


def in_words(active: Filters) -> str:
    """describe() against the current data's choices, cached: every caption and download on a page asks for it."""
    return _in_words(active, data.run_database())


@st.cache_data(max_entries=256, show_spinner=False)
def _in_words(active: Filters, database: data.Database) -> str:
    return describe(active, options())


def current() -> Filters:
    """The filters the sidebar set on this run (no filters before it has run)."""
    return st.session_state.get(STATE_KEY, Filters())


def unknown_in_link(allowed: dict[str, Iterable]) -> list[str]:
    """A notice for each URL parameter holding values that are not among its widget's choices.

    `allowed` maps a bound widget's key (its URL parameter) to the values its choices write into a link: their labels.
    Streamlit drops the others without a word; the page says so.
    """
    notices = []
    for key, choices in allowed.items():
        valid = {str(choice) for choice in choices}
        dropped = [value for value in st.query_params.get_all(key) if value and value not in valid]
        if dropped:
            noun = key.split("_", 1)[-1].replace("_", " ")
            notices.append(f"Ignored {len(dropped)} unknown {noun} value(s) in the link.")
    return notices


def follow_old_labels(key: str, old_labels: Mapping[str, str], labels: Mapping[str, str]) -> list[str]:
    """Point a link's theme values that name a theme's old label (renamed, merged or retired) at its theme now.

    `old_labels` maps a label no theme has now to the theme id it leads to, and `labels` theme ids to labels now. Call
    it before the widget bound to `key` is drawn, so the shared link opens the theme it meant, and the address then
    names the theme's label now, so a copy of it shares the same view; a notice for each value says so.
    """
    values = st.query_params.get_all(key)
    followed = [value for value in values if value in old_labels and old_labels[value] in labels]
    if not followed:
        return st.session_state.pop(FOLLOWED_KEY, [])
    now = list(dict.fromkeys(labels[old_labels[value]] if value in followed else value for value in values))
    notices = [
        f"The link's theme “{value}” is now “{labels[old_labels[value]]}”: showing that."
        for value in dict.fromkeys(followed)
    ]
    by_label = {label: theme_id for theme_id, label in labels.items()}
    try:
        # A link just opened: the widget is not bound yet, but when it is drawn it reads the address as it came, not
        # st.query_params, and drops the old label from the address. So write the labels now into the address and
        # run again: the widget then reads them, and the address keeps them.
        st.query_params[key] = now
    except StreamlitAPIException:
        # The widget is bound already (a theme was renamed while this page was open): a value set in code moves a
        # bound widget and its address together.
        st.session_state[key] = [by_label[label] for label in now if label in by_label]
        return notices
    st.session_state[FOLLOWED_KEY] = notices
    st.rerun()
