"""Roadtrip: where the strategy tour went, whom it heard from, and what each place told it."""

from dataclasses import replace

import streamlit as st

from dashboard import attendees, config, data, disclosure, filters, findings, layout, plaintext, roadtrip

# The map's colour key: fixed text (the four nations and their colours), never data, so it may go to st.html as it
# is; tests/test_roadtrip.py keeps it equal to roadtrip.map_legend_html().
MAP_LEGEND = (
    '<div aria-label="Map key: colour shows the nation" style="display:flex;flex-wrap:wrap;gap:0.25rem 1r'
    'em;font-size:0.9rem;color:#0b0c0c"><strong>Key:</strong><span style="display:inline-flex;align-items'
    ':center;gap:0.35rem"><span style="width:0.85rem;height:0.85rem;border-radius:50%;background:#12436D;'
    'border:1px solid #ffffff;outline:1px solid #12436D"></span>England</span><span style="display:inline'
    '-flex;align-items:center;gap:0.35rem"><span style="width:0.85rem;height:0.85rem;border-radius:50%;ba'
    'ckground:#28A197;border:1px solid #ffffff;outline:1px solid #28A197"></span>Scotland</span><span sty'
    'le="display:inline-flex;align-items:center;gap:0.35rem"><span style="width:0.85rem;height:0.85rem;bo'
    'rder-radius:50%;background:#801650;border:1px solid #ffffff;outline:1px solid #801650"></span>Wales<'
    '/span><span style="display:inline-flex;align-items:center;gap:0.35rem"><span style="width:0.85rem;he'
    "ight:0.85rem;border-radius:50%;background:#F46A25;border:1px solid #ffffff;outline:1px solid #F46A25"
    '"></span>Northern Ireland</span></div>'
)

MAP_KEY, LOCATION_KEY, SIZE_KEY = "roadtrip_map", "roadtrip_location", "roadtrip_size"


def follow_map_click() -> None:
    """Mirror a click on the map in the location picker, which drives the rest of the page."""
    clicked = st.session_state[MAP_KEY]["selection"]
    st.session_state[LOCATION_KEY] = roadtrip.location_after_click(clicked, st.session_state.get(LOCATION_KEY))


active = filters.current()
layout.header("Roadtrip", "Where did the strategy tour go, whom did we hear from, and what did each place tell us?")
layout.filter_caption(active, ignored=["department"])

shared = active.params()
kpi_row, route_row, stops, locations = data.queries(
    ("roadtrip_kpis", shared),
    ("roadtrip_route_length", shared),
    ("roadtrip_stops", shared),
    ("roadtrip_locations", shared),
)
kpis, route = data.only_row(kpi_row), data.only_row(route_row)
if not kpis["workshops"]:
    layout.nothing_matches("workshops")
# Attendees are protected once, over the whole tour, for this page and the Profession page alike.
attendee_totals = attendees.protected_totals()

layout.kpi_row(
    [
        ("Workshops", f"{kpis['workshops']:,}"),
        ("Locations", f"{kpis['locations']:,}"),
        ("Nations", f"{kpis['nations']:,}"),
        ("Suggestions", f"{kpis['suggestions']:,}"),
        ("Attendees", roadtrip.attendees_kpi(stops, attendee_totals)),
        ("Miles travelled (reported)", f"{kpis['reported_miles']:,.0f}"),
        ("Route as the crow flies (miles)", f"{route['route_miles']:,.0f}"),
        ("Route as the crow flies (km)", f"{route['route_km']:,.0f}"),
    ],
    columns=4,
)
st.caption(
    f"Attendees add up the {kpis['workshops_with_attendees']} of {findings.plural(int(kpis['workshops']), 'workshop')} "
    "that recorded them. "
    "Reported miles are what the team travelled to reach each workshop; the route is the great-circle distance from "
    "stop to stop in date order."
)
layout.findings([roadtrip.key_finding(kpis, route, locations)])
layout.rest_follows()

names = locations.set_index("location_id")
# A location the sidebar has since filtered out cannot stay selected.
if st.session_state.get(LOCATION_KEY) not in (None, *names.index):
    st.session_state[LOCATION_KEY] = None

layout.link_notices({LOCATION_KEY: names["name"], SIZE_KEY: ("true", "false", "True", "False")})
st.subheader("The route")
picker, sizing = st.columns([3, 1], vertical_alignment="bottom")
selected = picker.selectbox(
    "Show one location (the same as clicking it on the map; click it again to show all)",
    names.index,
    index=None,
    # The URL carries the name (a bound widget writes its label), as the sidebar's location filter does.
    format_func=lambda location_id: names.at[location_id, "name"],
    key=LOCATION_KEY,
    bind="query-params",
    placeholder="All locations",
)
size_by = "attendees" if sizing.toggle("Size points by attendees", key=SIZE_KEY, bind="query-params") else "suggestions"
deck = roadtrip.build_deck(
    locations,
    stops,
    roadtrip.uk_nations(),
    attendee_totals,
    size_by=size_by,
    selected=selected,
    basemap=config.basemap_enabled(),
)
st.pydeck_chart(
    deck,
    on_select=follow_map_click,
    selection_mode="single-object",
    key=MAP_KEY,
    height=roadtrip.MAP_HEIGHT,
    alt=roadtrip.map_alt(locations),
)
st.html(MAP_LEGEND)
layout.story_button(MAP_KEY)
st.caption(f"{roadtrip.map_key(size_by)} The Workshops tab below lists every workshop.")


def map_table() -> None:
    """The map's places and numbers, with their downloads."""
    places = roadtrip.map_table(locations)
    layout.table(places)
    layout.downloads(places, "Roadtrip locations", active, key="roadtrip_map_download")


layout.on_opening("Map as a table", "roadtrip_map_table", map_table)

place = names.at[selected, "name"] if selected else "the tour"


def told_section() -> None:
    """The chosen place's (or the whole tour's) theme mix and three of its suggestions."""
    st.subheader(f"What {plaintext.markdown(place)} told us")
    mix_column, voices_column = st.columns([3, 2])
    focused = (replace(active, location_ids=(selected,)) if selected else active).params()
    theme_counts, voices = data.queries(("theme_counts", focused), ("roadtrip_representative_suggestions", focused))
    with mix_column:
        layout.chart(roadtrip.theme_mix_figure(theme_counts, place), key="roadtrip_theme_mix")

        def mix_table() -> None:
            mix = roadtrip.theme_mix_table(theme_counts)
            layout.table(mix, percent=["Share"])
            layout.downloads(mix, f"Theme mix, {place}", active, key="roadtrip_theme_mix_download")

        layout.on_opening("Theme mix as a table", "roadtrip_theme_mix_table", mix_table)
    with voices_column:
        st.markdown("**Three representative suggestions**")
        if voices.empty:
            st.info("No suggestions match these filters.")
        for voice in voices.to_dict("records"):
            with st.container(border=True):
                # st.text, not Markdown: members wrote this, and Streamlit turns any URL in Markdown into a live link.
                st.text(voice["text"])
                st.caption(
                    plaintext.markdown(
                        f"{voice['theme']} · {voice['location']}, {data.as_date(voice['held_on']):%-d %B %Y}"
                    )
                )
        if selected:
            st.page_link(
                "dashboard/pages/themes.py",
                label=f"Every suggestion from {plaintext.markdown(place)}, on the Themes page",
                icon=":material/forum:",
                # The sidebar's location filter reads location names from the URL.
                query_params={"location": place},
            )
        else:
            st.page_link(
                "dashboard/pages/themes.py", label="Every suggestion, on the Themes page", icon=":material/forum:"
            )


def timeline_section() -> None:
    """The tour in date order, the chosen place marked; its route runs through every stop, whatever the choice."""
    st.subheader("When the tour heard it")
    timeline = roadtrip.timeline_table(stops)
    # Fourteen labelled points need a wide screen; on a phone the timeline's finding heads its table instead.
    layout.chart_or_table(
        roadtrip.timeline_figure(stops, selected),
        timeline[["Stop", "Location", "Suggestions"]],
        key="roadtrip_timeline",
    )

    def timeline_table() -> None:
        layout.table(timeline)
        layout.downloads(timeline, "Roadtrip timeline", active, key="roadtrip_timeline_download")

    layout.on_opening("Timeline as a table", "roadtrip_timeline_table", timeline_table)


def workshops_section() -> None:
    """Every workshop, or the chosen place's, with its figures and downloads."""
    st.subheader("Every workshop" if not selected else f"Workshops in {plaintext.markdown(place)}")
    workshops = roadtrip.workshop_table(stops, attendee_totals)
    if selected:
        workshops = workshops[(stops["location_id"] == selected).to_numpy()].reset_index(drop=True)
    layout.table(
        workshops,
        # Every workshop in view at once: with the map's table, the text alternative to the map.
        height="content",
        key="roadtrip_workshops",
        column_config={"Miles travelled (reported)": st.column_config.NumberColumn(format="%,.0f")},
    )
    st.caption(disclosure.note())
    layout.downloads(workshops, "Roadtrip workshops" + (f", {place}" if selected else ""), active, key="roadtrip_table")


if selected:
    st.caption(
        f"The numbers above cover the whole tour; the workshops and suggestions below are "
        f"{plaintext.markdown(place)}'s, and the timeline marks it on the whole tour."
    )
# One part at a time, each run only when its tab is chosen: a page that sent the map, the workshop grid and two Plotly
# charts at once finished drawing at three times the hello page (docs/PERFORMANCE.md, "Issue 20, seventh round").
# The tabs follow the page's question: whom the tour heard, what each place said, and when. The choice is in the link.
layout.sections(
    [("Workshops", workshops_section), ("What each place said", told_section), ("Timeline", timeline_section)],
    key="roadtrip_section",
)
