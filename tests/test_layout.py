"""Screen tables (layout.table_settings): names in full, dates in words, long text wrapped."""

from datetime import date, datetime

import pandas as pd

from dashboard import layout

# Twelve short names first, as on the Roadtrip: the browser grid sized its column from the first rows only.
NAMES = [*(f"Town {n}" for n in range(10)), "Salisbury (Porton Down)", "Bournemouth"]


def workshops() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Stop": range(1, 13),
            "Date": [date(2025, 3, n) for n in range(1, 13)],
            "Location": NAMES,
            "Host": [None, *(["A host"] * 11)],
            "Loaded at": pd.to_datetime([datetime(2026, 12, 4, 20, 32)] * 12),
        }
    )


def test_a_name_below_the_first_rows_gets_room():
    settings, wraps = layout.table_settings(workshops())
    # At 14 px Source Sans a character is about 7 px: the column must hold 23 of them and the cell's padding.
    assert settings["Location"]["width"] >= 23 * 7 + 16
    assert not wraps
    assert "Stop" not in settings  # numbers keep Streamlit's own column


def test_dates_read_as_words_and_stay_dates():
    settings, _ = layout.table_settings(workshops())
    assert settings["Date"]["type_config"]["type"] == "date"
    assert settings["Date"]["type_config"]["format"] == "D MMMM YYYY"  # moment.js: "9 July 2025"
    assert settings["Loaded at"]["type_config"]["type"] == "datetime"
    assert settings["Loaded at"]["type_config"]["format"].startswith("D MMMM YYYY")


def test_a_name_too_long_for_a_phone_wraps_and_a_pinned_column_keeps_its_width():
    frame = pd.DataFrame({"Department": ["Medicines and Healthcare products Regulatory Agency", "Met Office"]})
    pinned = {"Department": {"pinned": True, "width": None}}
    settings, wraps = layout.table_settings(frame, pinned)
    assert wraps
    assert settings["Department"]["pinned"] is True
    assert 60 <= settings["Department"]["width"] <= 260  # capped, so the next column shows on a 390 px phone


def test_a_cap_for_one_column():
    frame = pd.DataFrame({"Suggestion": ["x" * 80], "Theme": ["CPD"]})
    settings, wraps = layout.table_settings(frame, widest={"Suggestion": 190})
    assert settings["Suggestion"]["width"] == 190
    assert wraps


def test_a_phone_table_in_markdown_shows_each_cell_literally_and_aligns_numbers_right():
    frame = pd.DataFrame(
        {
            "Department": ["Met Office", "A | B *bold* [x](http://evil.example)", None],
            "Members": [1234, 5, 60],
            "Rate": ["35.2", "[c]", ""],
            "Share": [0.214, 0.05, 0.5],
            "Mean": [2.25, 1.0, 3.75],
            "Participants": pd.array([7, pd.NA, 12], dtype="Int64"),
        }
    )
    lines = layout.markdown_table(frame, percent=["Share"]).splitlines()
    assert lines[0] == "| Department | Members | Rate | Share | Mean | Participants |"
    # Text to the left; counts, written-out rates with a blank among them, shares and means to the right.
    assert lines[1] == "| :--- | ---: | ---: | ---: | ---: | ---: |"
    # "35.2" at the start of a cell would read as a numbered list item elsewhere: escaped, it still shows as 35.2.
    assert lines[2] == "| Met Office | 1,234 | 35\\.2 | 21% | 2.2 | 7 |"
    # A pipe would split the cell and the rest would be Markdown: every one is escaped, and the URL cannot autolink.
    assert lines[3] == ("| A \\| B \\*bold\\* \\[x\\](http\u2060\\://evil.example) | 5 | \\[c\\] | 5% | 1.0 | – |")
    # A nullable count's gap (pd.NA) is a dash too, not an error.
    assert lines[4] == "| – | 60 | – | 50% | 3.8 | 12 |"
    assert len(lines) == 5


def test_a_page_stops_after_its_headline_on_a_session_s_first_run_only():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from dashboard import layout

        layout.count_run()
        st.metric("Suggestions", "1,470")
        layout.rest_follows()
        st.write("the charts")

    app = AppTest.from_function(script).run()
    assert [metric.value for metric in app.metric] == ["1,470"]
    assert [text.value for text in app.caption] == ["Drawing the charts and tables…"]
    assert "the charts" not in [markdown.value for markdown in app.markdown]
    # The browser asks for the rest (a rerun) once it shows the headline: this run and every later one is whole.
    app.run()
    assert [markdown.value for markdown in app.markdown] == ["the charts"]
    assert not app.caption
    app.run()
    assert [markdown.value for markdown in app.markdown] == ["the charts"]


def test_a_page_whose_rest_holds_a_grid_sends_an_empty_one_with_its_headline_only():
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd
        import streamlit as st

        from dashboard import layout

        layout.count_run()
        layout.rest_follows(grid=True)
        st.dataframe(pd.DataFrame({"Theme": ["CPD"], "Suggestions": [248]}))

    app = AppTest.from_function(script).run()
    # The first run ends with one empty grid, so the browser loads the grid's code early; the page's own is not sent.
    # It sits in the box the page's CSS hides (a grid outside it would show as an empty table under the headline).
    assert [len(grid.value) for grid in app.dataframe] == [0]
    early = [block for block in app.main.children.values() if getattr(block, "key", None) == "layout_grid_early"]
    assert [type(element).__name__ for block in early for element in block.children.values()] == ["Dataframe"]
    # Later runs send only the page's own grid.
    app.run()
    assert [grid.value["Suggestions"].tolist() for grid in app.dataframe] == [[248]]
