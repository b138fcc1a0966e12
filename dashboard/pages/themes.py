"""Suggestion themes: what members are asking for, and where, with an explorer over every suggestion."""

import streamlit as st

from dashboard import charts, data, filters, findings, layout, plaintext, theme_views, themes
from dashboard.review import views as review_views

BAR_KEY = "themes_bar"
EXPLORER_THEMES, EXPLORER_LOCATIONS = "themes_explorer_theme", "themes_explorer_location"
WORKSHOPS, QUESTIONS, SEARCH = "themes_workshop", "themes_question", "themes_search"
REVIEW, PAGE_SIZE, PAGE = "themes_review", "themes_page_size", "themes_page"
EXPLORER_OPEN, PICKED_KEY = "themes_explorer", "themes_picked_bars"
# A link carrying any of the explorer's own filters opens it.
EXPLORER_KEYS = (EXPLORER_THEMES, EXPLORER_LOCATIONS, WORKSHOPS, QUESTIONS, SEARCH, REVIEW, PAGE_SIZE, PAGE)


def follow_bar_click() -> None:
    """Mirror a click on a theme bar in the explorer's theme filter, open the explorer, and go to its first page."""
    picked = theme_views.selected_theme_ids(st.session_state[BAR_KEY])
    if not picked:
        return
    st.session_state[PAGE] = 1
    if st.session_state.get(EXPLORER_OPEN):
        st.session_state[EXPLORER_THEMES] = picked
    else:
        # Closed, the explorer's widgets are not bound: drawn for the first time, they read the address, not the session.
        st.session_state[EXPLORER_OPEN] = True
        st.session_state[PICKED_KEY] = picked


active = filters.current()
shared = active.params()
layout.header("Suggestion themes", "What are members asking for, and where?")
layout.filter_caption(active, ignored=["department"])

kpi_row, theme_counts, by_location, by_question, quotes = data.queries(
    ("suggestion_kpis", {**shared, "review_below": themes.REVIEW_THRESHOLD}),
    ("theme_counts", shared),
    ("theme_by_location", shared),
    ("theme_by_question", shared),
    ("theme_quotes", {**shared, "quote_length": theme_views.QUOTE_LENGTH, "quote_words": theme_views.QUOTE_WORDS}),
)
kpis = data.only_row(kpi_row)

suggestions = int(kpis["suggestions"])
if not suggestions:
    layout.nothing_matches("suggestions")
layout.kpi_row(
    [
        ("Suggestions", f"{suggestions:,}"),
        ("Coded by hand", f"{int(kpis['manual']):,}"),
        ("Reviewed", f"{int(kpis['reviewed']):,}"),
        ("Unreviewed tags", f"{int(kpis['auto']):,}"),
        ("Need review", f"{int(kpis['needs_review']):,}"),
    ]
)
st.caption(
    f"Suggestions without a theme in the source data are tagged by an offline classifier when the database is built; "
    f"the analysis team checks and corrects those tags on the Theme review page. A classifier tag with confidence "
    f"under {themes.REVIEW_THRESHOLD:.0%} is flagged for review. "
    + " ".join(
        sentence
        for sentence in (theme_views.reliance_sentence(theme_counts), theme_views.unthemed_sentence(kpis))
        if sentence
    )
)
layout.findings(
    [
        findings.top_theme(theme_counts),
        theme_views.standout_sentence(by_location, "location_id", "name", theme_counts),
        theme_views.question_sentence(by_question),
        theme_views.review_sentence(kpis),
    ]
)

if not suggestions:
    st.info("No suggestions match the filters. Widen them in the sidebar.")
    st.stop()
layout.rest_follows()

st.subheader("Themes")
bar_figure = theme_views.theme_bar(theme_counts)
layout.chart(
    bar_figure,
    alt=f"Bar chart of suggestions per theme. {charts.title_text(bar_figure)}. The table below has the numbers.",
    key=BAR_KEY,
    on_select=follow_bar_click,
    selection_mode="points",
    config={"displayModeBar": False},
)
st.caption(
    "Each bar is split by how its suggestions got their theme: coded by hand, checked by a reviewer, or an unreviewed "
    "classifier tag. Click a bar to list that theme's suggestions in the explorer below."
)
theme_table = theme_counts[["label", "suggestions", "share", "by_hand", "reviewed", "unreviewed"]].rename(
    columns={
        "label": "Theme",
        "suggestions": "Suggestions",
        "share": "Share",
        **{column: name for column, name, _ in theme_views.SOLIDITY},
    }
)


def counts_table() -> None:
    """The bar chart's numbers, with their downloads."""
    layout.table(theme_table, percent=["Share"])
    layout.downloads(theme_table, "Suggestions per theme", active, key="themes_counts_download")


layout.on_opening("Table: suggestions per theme", "themes_counts_table", counts_table)

st.subheader("Where and in answer to what")


def breakdown(frame, row: str, key: str, place: str, heading: str) -> None:
    """One breakdown's heatmap (a sorted table on a phone), with its table and downloads underneath."""
    title = theme_views.heatmap_title(frame, key, row, theme_counts, place)
    order = list(dict.fromkeys(frame[row]))
    table = frame[[row, "label", "suggestions", "share"]].rename(
        columns={row: heading, "label": "Theme", "suggestions": "Suggestions", "share": "Share"}
    )
    if not theme_views.comparable(frame):
        st.markdown(plaintext.markdown(theme_views.single_theme_sentence(frame, place)))
    else:
        # A phone is too narrow for the grid's labels: there the same shares come as a table, largest first.
        layout.chart_or_table(
            theme_views.share_heatmap(frame, row, title, row_order=order),
            table.sort_values("Share", ascending=False, kind="stable")[[heading, "Theme", "Share"]],
            key=f"themes_heatmap_{place}",
            percent=["Share"],
            alt=f"Heatmap of each theme's share of suggestions by {place}. {title}. The table below has the numbers.",
            config={"displayModeBar": False},
        )
        # Said of the shares, not of the rows: on a phone the table lists one share a row, largest first.
        st.caption(f"Each share is of that {place}'s suggestions: a {place}'s shares across the themes add up to 100%.")

    def numbers() -> None:
        layout.table(table, percent=["Share"])
        layout.downloads(table, f"Suggestion themes by {place}", active, key=f"themes_{place}_download")

    layout.on_opening(f"Table: themes by {place}", f"themes_{place}_table", numbers)


# Only the chosen tab's heatmap is built and sent.
layout.sections(
    [
        ("By location", lambda: breakdown(by_location, "name", "location_id", "location", "Location")),
        (
            "By nation",
            lambda: breakdown(data.query("theme_by_nation", **shared), "nation", "nation", "nation", "Nation"),
        ),
        ("By question", lambda: breakdown(by_question, "question", "question", "question", "Question")),
    ],
    key="themes_where",
)

st.subheader("In their own words")
st.markdown(
    "For each theme, the three hand-tagged suggestions most typical of it: those whose wording is closest to the "
    f"theme's average wording (TF-IDF word vectors, cosine similarity), among suggestions of at least "
    f"{theme_views.QUOTE_WORDS} words and at most {theme_views.QUOTE_LENGTH} characters."
)
quoted = theme_counts[theme_counts["theme_id"].isin(quotes["theme_id"])]
for start in range(0, len(quoted), 3):
    for column, theme in zip(st.columns(3), quoted.iloc[start : start + 3].itertuples(), strict=False):
        with column.container(border=True):
            st.markdown(f"**{plaintext.markdown(theme.label)}**")
            # st.text, not Markdown: members wrote this, and Streamlit turns any URL in Markdown into a live link. One
            # element a theme, not two a quote: the page sends 45 fewer, each a cost on every rerun and in the browser.
            st.text(
                "\n\n".join(
                    f"“{text}”\n— {location}" for text, location in theme_views.theme_quotes(quotes, theme.theme_id)
                )
            )


def decision_log() -> None:
    """Every review decision, oldest first, with its downloads."""
    st.caption(
        "Decisions are never changed or deleted; a suggestion's theme is its latest decision that still applies."
    )
    # Every theme's latest label, merged and retired ones too: the log names themes as they were.
    log = review_views.log_table(data.decision_log(), data.taxonomy().names)
    if log.empty:
        st.caption("No review decisions yet.")
    else:
        layout.table(log)
        layout.downloads(log, "Theme decision log", active, key="themes_log_download")


def theme_history(suggestion_id: str, labels) -> None:
    """One suggestion's theme history: its tag in the data, then every review decision on it."""
    state = data.query("review_suggestions", suggestion_ids=(suggestion_id,)).iloc[0].to_dict()
    st.markdown(f"**History of suggestion {plaintext.markdown(suggestion_id)}**")
    st.text(review_views.state_sentence(state, labels))
    layout.table(review_views.history_table(data.decision_log(suggestion_id), state, labels))


@st.fragment
def suggestion_explorer() -> None:
    """The explorer's own filters, count, page and downloads: changing them reruns only this part of the page."""
    theme_choices = data.query("theme_options").set_index("theme_id")["label"]
    location_choices = data.query("location_options").set_index("location_id")["name"]
    workshop_choices = theme_views.workshop_labels(data.query("suggestion_workshops")).set_index("workshop_id")
    question_choices = data.query("suggestion_questions")["question"]
    picked = st.session_state.pop(PICKED_KEY, None)
    if picked:
        # A bar clicked while the explorer was closed: put its themes in the address and run again, so the explorer's
        # theme filter reads them there and the address keeps them (as filters.follow_old_labels does).
        st.query_params[EXPLORER_THEMES] = [theme_choices[theme_id] for theme_id in picked if theme_id in theme_choices]
        st.rerun()
    layout.link_notices(
        {
            EXPLORER_THEMES: theme_choices,
            EXPLORER_LOCATIONS: location_choices,
            WORKSHOPS: workshop_choices["label"],
            QUESTIONS: question_choices,
            REVIEW: ("true", "false", "True", "False"),
            PAGE_SIZE: theme_views.PAGE_SIZES,
        }
    )

    left, right = st.columns(2)
    explorer_themes = left.multiselect(
        "Themes",
        theme_choices.index,
        format_func=theme_choices.get,
        key=EXPLORER_THEMES,
        bind="query-params",
        placeholder="All themes",
    )
    explorer_locations = right.multiselect(
        "Locations",
        location_choices.index,
        format_func=location_choices.get,
        key=EXPLORER_LOCATIONS,
        bind="query-params",
        placeholder="All locations",
    )
    workshop_ids = left.multiselect(
        "Workshops",
        workshop_choices.index,
        format_func=workshop_choices["label"].get,
        key=WORKSHOPS,
        bind="query-params",
        placeholder="All workshops",
    )
    questions = right.multiselect(
        "Questions", question_choices, key=QUESTIONS, bind="query-params", placeholder="All questions"
    )
    search = left.text_input(
        "Search the text (any part of a word, not case-sensitive)", key=SEARCH, bind="query-params"
    )
    review_only = right.toggle(
        f"Only those that need review (classifier confidence under {themes.REVIEW_THRESHOLD:.0%})",
        key=REVIEW,
        bind="query-params",
    )
    st.caption("The explorer also follows the sidebar filters.")

    explorer = {
        **shared,
        "explorer_theme_ids": tuple(explorer_themes) or None,
        "explorer_location_ids": tuple(explorer_locations) or None,
        "workshop_ids": tuple(workshop_ids) or None,
        "questions": tuple(questions) or None,
        "search_pattern": theme_views.search_pattern(search),
        "review_only": review_only or None,
        "review_below": themes.REVIEW_THRESHOLD,
    }
    size_column, count_column = st.columns([1, 3], vertical_alignment="bottom")
    page_size = size_column.selectbox(
        "Rows per page",
        theme_views.PAGE_SIZES,
        index=theme_views.PAGE_SIZES.index(theme_views.DEFAULT_PAGE_SIZE),
        key=PAGE_SIZE,
        bind="query-params",
    )
    # The count and the page the reader was on, fetched together; the page is fetched again below only if the count
    # moves it (narrower filters, or a link's page not yet in the session).
    guessed_offset = (max(1, st.session_state.get(PAGE) or 1) - 1) * page_size
    counted, rows = data.queries(
        ("suggestion_match_count", explorer),
        ("suggestion_matches", {**explorer, "page_size": page_size, "page_offset": guessed_offset}),
    )
    matches = int(data.only_row(counted)["matches"])
    pages = theme_views.page_count(matches, page_size)
    layout.link_notices({PAGE: range(1, pages + 1)})
    # Narrower filters can leave the remembered page past the end: go back to the last page that exists.
    if st.session_state.get(PAGE, 1) > pages:
        st.session_state[PAGE] = pages
    count_column.markdown(f"**{matches:,} matching suggestion{'s' if matches != 1 else ''}**")
    table_area = st.container()
    # st.pagination, not a bound st.number_input: Streamlit 1.67's bound integer number_input raises OverflowError on a
    # link with ?themes_page=inf, while st.pagination drops any page number it cannot use.
    page = st.pagination(pages, key=PAGE, bind="query-params")
    page, offset = theme_views.page_window(page, page_size, matches)

    if offset != guessed_offset:
        rows = data.query("suggestion_matches", **explorer, page_size=page_size, page_offset=offset)
    with table_area:
        if rows.empty:
            st.info("No suggestions match. Clear a filter or change the search.")
        else:
            first = offset + 1
            st.caption(f"Showing {first:,} to {offset + len(rows):,} of {matches:,}.")
            shown = theme_views.explorer_table(rows).drop(columns="Confidence")
            # st.dataframe, not st.table: st.table renders its cells as Markdown, so a URL a member wrote would become
            # a live link. Tall rows let a long suggestion wrap; one page is at most 100 rows. The theme and a narrow
            # suggestion come first so that both fit a phone's screen; the other columns are a sideways scroll away.
            picked = layout.table(
                shown,
                row_height=84,
                column_order=["Theme", "Suggestion", *shown.columns.drop(["Theme", "Suggestion"])],
                widest={"Theme": 100, "Suggestion": 190},
                key="themes_explorer_table",
                on_select="rerun",
                selection_mode="single-row",
            )
            chosen_rows = picked.selection.rows if picked else []
            if chosen_rows:
                theme_history(rows.iloc[chosen_rows[0]]["suggestion_id"], theme_choices)
            else:
                st.caption("Select a row to see who set its theme, and when.")
    download_title = theme_views.explorer_title(
        [theme_choices[theme_id] for theme_id in explorer_themes],
        [location_choices[location_id] for location_id in explorer_locations],
        [f"{workshop_choices.at[w, 'location']} {workshop_choices.at[w, 'held_on']:%-d %b %Y}" for w in workshop_ids],
        list(questions),
        search,
        review_only,
    )
    st.caption(f"The downloads hold all {matches:,} matching suggestions, not only this page.")
    layout.downloads(
        lambda: theme_views.explorer_table(
            data.query("suggestion_matches", **explorer, page_size=None, page_offset=None)
        ),
        download_title,
        active,
        key="themes_matches_download",
    )


st.subheader("Suggestion explorer")
# Below the first screen, and the page's largest part: it runs only once opened, so the headline shows sooner.
layout.on_opening(
    "Filter, search and read every suggestion",
    EXPLORER_OPEN,
    suggestion_explorer,
    in_link=True,
    expanded=any(key in st.query_params for key in EXPLORER_KEYS),
)
layout.on_opening("Theme decision log: every review decision, oldest first", "themes_log", decision_log)
