"""Presentation mode: one slide at a time, large type, no sidebar, for a meeting-room screen."""

import streamlit as st

from dashboard import data, filters, plaintext, story

SLIDE_KEY = "present_slide"
# Static CSS only (no data reaches it): hide the sidebar and toolbar, and enlarge the type for a room.
ROOM_STYLE = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
.block-container { max-width: 1500px; padding-top: 1.5rem; }
h1 { font-size: 3rem !important; }
.stMarkdown p, .stCaption p { font-size: 1.35rem !important; }
[data-testid="stMetricValue"] { font-size: 3.2rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
</style>"""


def enter() -> None:
    """Switch the current view to presentation mode (the filters in the URL stay)."""
    st.query_params["present"] = "true"


def leave() -> None:
    """Back to the dashboard."""
    st.query_params.pop("present", None)
    st.session_state[SLIDE_KEY] = 0


def is_on() -> bool:
    """True when the URL asks for presentation mode."""
    return st.query_params.get("present") == "true"


def _move(step: int, count: int) -> None:
    st.session_state[SLIDE_KEY] = (st.session_state.get(SLIDE_KEY, 0) + step) % count


def show() -> None:
    """Draw the current slide with its navigation."""
    st.html(ROOM_STYLE)
    active = filters.current()
    slides = story.slides(active)
    index = st.session_state.setdefault(SLIDE_KEY, 0) % len(slides)
    slide = slides[index]
    previous, position, following, leave_column = st.columns([1, 2, 1, 1], vertical_alignment="center")
    previous.button(
        "Previous", on_click=_move, args=(-1, len(slides)), shortcut="ArrowLeft", icon=":material/arrow_back:"
    )
    position.markdown(f"Slide {index + 1} of {len(slides)}: **{plaintext.markdown(slide.section)}**")
    following.button(
        "Next", on_click=_move, args=(1, len(slides)), shortcut="ArrowRight", icon=":material/arrow_forward:"
    )
    leave_column.button("Leave presentation", on_click=leave, icon=":material/close:")
    st.title(plaintext.markdown(slide.headline))
    if slide.kpis:
        for start in range(0, len(slide.kpis), 4):
            for column, (label, value) in zip(st.columns(4), slide.kpis[start : start + 4], strict=False):
                column.metric(label, value, border=True)
    if slide.deck is not None:
        st.pydeck_chart(slide.deck, height=560, key=f"present_deck_{index}")
    elif slide.figure is not None:
        st.plotly_chart(slide.figure, key=f"present_figure_{index}", config={"displayModeBar": False})
    for note in slide.notes:
        if note != slide.headline:
            st.markdown(f"- {plaintext.markdown(note)}")
    with st.expander("Table"):
        st.dataframe(slide.table, hide_index=True)
    info = data.build_info()
    st.caption(
        f"Filters: {plaintext.markdown(filters.in_words(active))} Data as of {data.as_date(info['data_date']):%-d %B %Y}."
    )
