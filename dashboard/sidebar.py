"""The shared sidebar: filter widgets bound to the URL, turned into one Filters value."""

from datetime import date

import streamlit as st

from dashboard import data, layout, plaintext
from dashboard import filters as filter_state
from dashboard.data import as_date
from dashboard.filters import NATIONS, Filters
from dashboard.story import presentation, standard

# URL parameter names, which are also the widget keys (bind="query-params" uses the key as the name).
THEMES, NATION, LOCATIONS, DEPARTMENTS, DATES = "theme", "nation", "location", "department", "dates"
# The data's first and last workshop dates as this session last saw them.
DATE_BOUNDS_KEY = "filters_date_bounds"
# What the sidebar said about the link the page was opened with, and the page and filters it led to.
LINK_NOTICES_KEY = "filters_link_notices"
IGNORED, FOLLOWED = ":material/link_off:", ":material/link:"
# The PDF report made on this session's request, with the view it was made for: ((filters, file name), bytes), or
# the message saying why it could not be made.


def url_notices(choices: dict, first: date, last: date, old_labels=()) -> list[str]:
    """Values in the URL that are not valid options; Streamlit drops them, we say so.

    A bound multiselect puts the option's label in the URL (`?theme=CPD&location=Bournemouth`), so labels are valid,
    and so are a theme's old labels (`old_labels`), which follow_old_labels has followed.
    A location outside the link's nations is not among the choices either, nor are dates outside the data's range
    (Streamlit then drops both dates).
    """
    notices = filter_state.unknown_in_link(
        {
            THEMES: [*choices["themes"]["label"], *old_labels],
            NATION: NATIONS,
            LOCATIONS: choices["locations"]["name"],
            DEPARTMENTS: choices["departments"]["name"],
        }
    )
    locations = choices["locations"]
    nations = [nation for nation in st.query_params.get_all(NATION) if nation in NATIONS]
    if nations:
        elsewhere = set(locations.loc[~locations["nation"].isin(nations), "name"])
        outside = [value for value in st.query_params.get_all(LOCATIONS) if value in elsewhere]
        if outside:
            notices.append(
                f"Ignored {len(outside)} location value(s) in the link outside the chosen nations ({', '.join(nations)})."
            )
    dates = []
    for value in st.query_params.get_all(DATES):
        try:
            dates.append(date.fromisoformat(value))
        except ValueError:
            notices.append("Ignored a malformed date in the link.")
            break
    else:
        if any(not first <= day <= last for day in dates):
            notices.append(
                f"Ignored the link's workshop dates: the data runs from {first:%-d %B %Y} to {last:%-d %B %Y}, "
                "and a date outside that range cannot be chosen."
            )
    return notices


def follow_date_bounds(first: date, last: date) -> None:
    """After an import moves the data's date range, keep a session's dates meaning what they meant.

    A date at the old first or last date meant "from the start" or "to the end" (the default range is no filter),
    so it moves with the range: without this, a session open during an import kept the old range as a filter and
    quietly left out the new workshops. A date chosen inside the range stays, kept within the new bounds.
    """
    seen = st.session_state.get(DATE_BOUNDS_KEY)
    st.session_state[DATE_BOUNDS_KEY] = (first, last)
    chosen = st.session_state.get(DATES)
    if seen is None or seen == (first, last) or not isinstance(chosen, tuple | list) or len(chosen) != 2:
        return
    old_first, old_last = seen
    start, end = chosen
    start = first if start is None or start == old_first else min(max(start, first), last)
    end = last if end is None or end == old_last else min(max(end, first), last)
    st.session_state[DATES] = (start, end)


def reset(date_range: tuple[date, date]) -> None:
    """Clear every shared filter (the widgets are bound to the URL, so the link is cleared too)."""
    for key in (THEMES, NATION, LOCATIONS, DEPARTMENTS):
        st.session_state[key] = []
    st.session_state[DATES] = date_range


def show_link_notices(notices: list[tuple[str, str]], page: str, chosen: Filters) -> None:
    """Say above the page what the link it was opened with could not do (a warning) or did instead (a note).

    Above the page, not in the sidebar, which a phone keeps closed. The widgets rewrite the link without what they
    dropped, so the next run's link has nothing to say: the notices stay for as long as the page and filters they
    explain, through the run that draws the rest of the page (layout.rest_follows) and any other that changes neither.
    """
    if notices:
        st.session_state[LINK_NOTICES_KEY] = (notices, page, chosen)
    else:
        kept, kept_page, kept_filters = st.session_state.get(LINK_NOTICES_KEY, ([], None, None))
        notices = kept if (kept_page, kept_filters) == (page, chosen) else []
        if not notices:
            st.session_state.pop(LINK_NOTICES_KEY, None)
    for notice, icon in notices:
        # Notices name themes by their labels: plain text, never markup.
        (st.warning if icon == IGNORED else st.info)(plaintext.markdown(notice), icon=icon)


def draw(page: str) -> Filters:
    """Draw the sidebar filters and return the chosen filter state; `page` is the page's URL path ("" for Overview)."""
    choices = filter_state.options()
    first, last = (as_date(choices["dates"].iloc[0][column]) for column in ("first_date", "last_date"))
    themes = choices["themes"].set_index("theme_id")["label"]
    # Before the notices and the widget: a link naming a theme's old label opens the theme it became.
    old_labels = data.taxonomy().old_labels
    followed = filter_state.follow_old_labels(THEMES, old_labels, themes.to_dict())
    notices = url_notices(choices, first, last, old_labels)
    follow_date_bounds(first, last)
    locations = choices["locations"].set_index("location_id")
    departments = choices["departments"].set_index("department_id")["name"]
    with st.sidebar:
        st.header("Filters")
        theme_ids = st.multiselect(
            "Themes", themes.index, format_func=themes.get, key=THEMES, bind="query-params", placeholder="All themes"
        )
        nations = st.multiselect("Nations", NATIONS, key=NATION, bind="query-params", placeholder="All nations")
        location_choices = locations.index[locations["nation"].isin(nations)] if nations else locations.index
        location_ids = st.multiselect(
            "Locations",
            location_choices,
            format_func=lambda location_id: locations.at[location_id, "name"],
            key=LOCATIONS,
            bind="query-params",
            placeholder="All locations",
        )
        department_ids = st.multiselect(
            "Departments",
            departments.index,
            format_func=departments.get,
            key=DEPARTMENTS,
            bind="query-params",
            placeholder="All departments",
        )
        # Day first, as the UK writes dates and as the Board story's pickers do; the link keeps ISO dates.
        dates = st.date_input(
            "Workshop dates",
            value=(first, last),
            min_value=first,
            max_value=last,
            key=DATES,
            bind="query-params",
            format="DD/MM/YYYY",
        )
        st.button(
            "Reset filters", key="filters_reset", on_click=reset, args=((first, last),), icon=":material/restart_alt:"
        )
    # One date is one day: the browser keeps a one-day range's repeated date once in the link, so a shared view of a
    # single day comes back as one date, which read as an open end would show every day after it.
    date_from, date_to = (dates[0], dates[-1]) if dates else (None, None)
    if date_from and date_to and date_from > date_to:
        # Only a hand-edited link can give an end before the start; read it the way round it must have meant.
        date_from, date_to = date_to, date_from
        notices.append("The link's dates ended before they started, so they were swapped.")
    chosen = Filters(
        theme_ids=tuple(theme_ids),
        nations=tuple(nations),
        location_ids=tuple(location_ids),
        department_ids=tuple(department_ids),
        date_from=date_from if date_from and date_from != first else None,
        date_to=date_to if date_to and date_to != last else None,
    )
    st.session_state[filter_state.STATE_KEY] = chosen
    if presentation.is_on():  # a slide fills the screen: what the link could not do is for the page views
        return chosen
    show_link_notices(
        [*((notice, FOLLOWED) for notice in followed), *((notice, IGNORED) for notice in notices)], page, chosen
    )
    return chosen


def draw_sharing(active: Filters) -> None:
    """Presentation mode and the board pack downloads, for the view the filters describe."""
    choices = filter_state.options()
    data_date = as_date(data.build_info()["data_date"])

    def name(kind: str, extension: str) -> str:
        return standard.file_name(kind, extension, active, data_date, choices)

    with st.sidebar:
        st.header("Present and share")
        st.button("Presentation mode", key="present_enter", on_click=presentation.enter, icon=":material/slideshow:")
        st.download_button(
            "Download board pack (PowerPoint)",
            data=data.deferred(lambda: standard.board_pack(active)),
            file_name=name("board-pack", "pptx"),
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            key="present_board_pack",
            on_click="ignore",
            icon=":material/co_present:",
        )
        st.download_button(
            "Download report (HTML)",
            data=data.deferred(lambda: standard.html_report(active)),
            file_name=name("report", "html"),
            mime="text/html",
            key="present_report",
            on_click="ignore",
            icon=":material/description:",
        )
        layout.pdf_download(
            lambda: standard.pdf_report(active), made_for=active, file_name=name("report", "pdf"), key="present_pdf"
        )
        st.caption("Copy the page's address to share this exact view: the filters are in the link.")
