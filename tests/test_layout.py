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
