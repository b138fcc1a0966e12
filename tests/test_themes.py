"""The Suggestion themes page: its queries against independent pandas sums, its builders, and the page under AppTest."""

import re
import shutil
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import build, config, data, sidebar, theme_views, themes
from dashboard.filters import STATE_KEY, Filters
from dashboard.review import taxonomy
from tests.conftest import FIXTURES, kpis, opened_from_a_link

PAGE = "dashboard/pages/themes.py"
ENTRY = str(config.ROOT / "streamlit_app.py")
FILTER_CASES = [
    Filters(),
    Filters(theme_ids=("cpd", "skills")),
    Filters(nations=("Scotland",)),
    Filters(location_ids=("london",), theme_ids=("cpd", "leadership", "careers")),
    Filters(date_from=date(2025, 4, 1)),
    Filters(nations=("England", "Wales"), date_to=date(2025, 5, 31)),
]
EXPLORER_NONE = {
    "explorer_theme_ids": None,
    "explorer_location_ids": None,
    "workshop_ids": None,
    "questions": None,
    "search_pattern": None,
    "review_only": None,
    "review_below": themes.REVIEW_THRESHOLD,
}


def stored_tags(path) -> pd.DataFrame:
    """The theme, source and confidence the build stored for each suggestion (the classifier's output, read plainly)."""
    with duckdb.connect(str(path), read_only=True, config=data.CONNECTION_CONFIG) as connection:
        return connection.execute("select suggestion_id, theme_id, theme_source, confidence from suggestions").df()


def expected_suggestions(csvs: dict[str, pd.DataFrame], path) -> pd.DataFrame:
    """Suggestions joined to workshops and locations in pandas, with hand tags from the CSV and auto tags as stored."""
    tags = stored_tags(path).set_index("suggestion_id")
    suggestions = csvs["suggestions"].copy()
    untagged = suggestions["theme_id"].isna()
    suggestions.loc[untagged, "theme_id"] = suggestions.loc[untagged, "suggestion_id"].map(tags["theme_id"])
    suggestions["theme_source"] = np.where(untagged, "auto", "manual")
    suggestions["confidence"] = suggestions["suggestion_id"].map(tags["confidence"])
    workshops = csvs["workshops"].merge(csvs["locations"], on="location_id")
    workshops["held_on"] = pd.to_datetime(workshops["held_on"]).dt.date
    return suggestions.merge(workshops, on="workshop_id").merge(
        csvs["themes"][["theme_id", "label"]], on="theme_id", how="left"
    )


def apply_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The shared filters, applied in pandas."""
    keep = pd.Series(True, index=frame.index)
    if filters.theme_ids:
        keep &= frame["theme_id"].isin(filters.theme_ids)
    if filters.nations:
        keep &= frame["nation"].isin(filters.nations)
    if filters.location_ids:
        keep &= frame["location_id"].isin(filters.location_ids)
    if filters.date_from:
        keep &= frame["held_on"] >= filters.date_from
    if filters.date_to:
        keep &= frame["held_on"] <= filters.date_to
    return frame[keep]


@pytest.fixture(params=["fixture", "bundled"])
def database(request, use_db):
    """Each test runs on the hand-checkable fixture and on the bundled data, with pandas' view of the same CSVs."""
    path = request.getfixturevalue(f"{request.param}_db")
    use_db(path)
    return path, request.getfixturevalue(f"{request.param}_csvs")


def test_build_stores_manual_and_auto_tags(database):
    path, csvs = database
    tags = stored_tags(path).set_index("suggestion_id")
    source = csvs["suggestions"].set_index("suggestion_id")
    hand = source["theme_id"].notna()
    assert (tags.loc[hand[hand].index, "theme_id"] == source.loc[hand, "theme_id"]).all()
    assert (tags.loc[hand[hand].index, "theme_source"] == "manual").all()
    auto = tags.loc[hand[~hand].index]
    assert (auto["theme_source"] == "auto").all()
    assert auto["theme_id"].isin(csvs["themes"]["theme_id"]).all()
    assert auto["confidence"].between(0, 1).all()
    # Nine themes: the chosen theme's probability can never be under one in nine.
    assert (auto["confidence"] >= 1 / 9 - 1e-9).all()


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_theme_counts_and_shares_match_pandas(database, filters):
    path, csvs = database
    chosen = apply_filters(expected_suggestions(csvs, path), filters)
    expected = chosen.groupby("theme_id").size()
    result = data.query("theme_counts", **filters.params()).set_index("theme_id")
    assert {k: v for k, v in result["suggestions"].items() if v} == expected.to_dict()
    if len(chosen):
        assert result["share"].to_dict() == pytest.approx((result["suggestions"] / len(chosen)).to_dict())
        assert result.loc[expected.index, "share"].to_dict() == pytest.approx((expected / len(chosen)).to_dict())


@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize(
    ("query", "row"),
    [("theme_by_location", "location_id"), ("theme_by_nation", "nation"), ("theme_by_question", "question")],
)
def test_theme_breakdowns_match_pandas(database, filters, query, row):
    path, csvs = database
    chosen = apply_filters(expected_suggestions(csvs, path), filters).fillna({"question": theme_views.NOT_RECORDED})
    expected_counts = chosen.groupby([row, "theme_id"]).size()
    expected_shares = expected_counts / expected_counts.groupby(level=0).transform("sum")
    result = data.query(query, **filters.params()).set_index([row, "theme_id"])
    shown = result[result["suggestions"] > 0]
    assert shown["suggestions"].to_dict() == expected_counts.to_dict()
    assert shown["share"].to_dict() == pytest.approx(expected_shares.to_dict())
    # Every row of the heatmap has every chosen theme, so the grid has no holes.
    theme_total = len(filters.theme_ids) if filters.theme_ids else len(csvs["themes"])
    assert (result.groupby(level=0).size() == theme_total).all()


@pytest.mark.parametrize("filters", FILTER_CASES[:4])
def test_kpis_match_pandas(database, filters):
    path, csvs = database
    chosen = apply_filters(expected_suggestions(csvs, path), filters)
    auto = chosen[chosen["theme_source"] == "auto"]
    kpis = data.query_one("suggestion_kpis", **filters.params(), review_below=themes.REVIEW_THRESHOLD)
    assert kpis["suggestions"] == len(chosen)
    assert kpis["manual"] == (chosen["theme_source"] == "manual").sum()
    assert kpis["auto"] == len(auto)
    assert kpis["needs_review"] == (auto["confidence"] < themes.REVIEW_THRESHOLD).sum()


def matches(filters: Filters = Filters(), page_size=None, page_offset=None, **explorer) -> pd.DataFrame:
    """Run the explorer's page query."""
    parameters = {**filters.params(), **EXPLORER_NONE, **explorer}
    return data.query("suggestion_matches", **parameters, page_size=page_size, page_offset=page_offset)


def match_count(filters: Filters = Filters(), **explorer) -> int:
    """Run the explorer's count query."""
    return int(data.query_one("suggestion_match_count", **filters.params(), **EXPLORER_NONE | explorer)["matches"])


@pytest.mark.parametrize("search", ["chartership", "CHARTERSHIP", "pay", "mentor", "data science", "Ment"])
def test_search_is_case_insensitive_and_matches_pandas(database, search):
    _path, csvs = database
    expected = csvs["suggestions"]["text"].str.contains(search, case=False, regex=False).sum()
    pattern = theme_views.search_pattern(search)
    assert match_count(search_pattern=pattern) == expected
    assert len(matches(search_pattern=pattern)) == expected


@pytest.mark.parametrize("search", ["' or 1=1 --", "%", "_", "100%", "\\", "'; drop table suggestions; --"])
def test_search_text_is_literal(database, search):
    _path, csvs = database
    expected = csvs["suggestions"]["text"].str.contains(search, case=False, regex=False).sum()
    assert match_count(search_pattern=theme_views.search_pattern(search)) == expected
    assert match_count() == len(csvs["suggestions"])


def test_explorer_filters_combine_with_the_sidebar(database):
    path, csvs = database
    frame = expected_suggestions(csvs, path)
    london = frame["location_id"] == "london"
    cpd_or_careers = frame["theme_id"].isin(["cpd", "careers"])
    assert match_count(explorer_theme_ids=("cpd", "careers")) == cpd_or_careers.sum()
    assert match_count(explorer_location_ids=("london",)) == london.sum()
    both = match_count(
        Filters(nations=("England",)), explorer_theme_ids=("cpd", "careers"), explorer_location_ids=("london",)
    )
    assert both == (london & cpd_or_careers & (frame["nation"] == "England")).sum()
    unrecorded = frame["question"].isna().sum()
    assert match_count(questions=(theme_views.NOT_RECORDED,)) == unrecorded
    first_workshop = frame["workshop_id"].iloc[0]
    assert match_count(workshop_ids=(first_workshop,)) == (frame["workshop_id"] == first_workshop).sum()


def test_needs_review_filter(database):
    path, csvs = database
    frame = expected_suggestions(csvs, path)
    low = (frame["theme_source"] == "auto") & (frame["confidence"] < themes.REVIEW_THRESHOLD)
    result = matches(review_only=True)
    assert len(result) == match_count(review_only=True) == low.sum()
    assert set(result["suggestion_id"]) == set(frame.loc[low, "suggestion_id"])
    assert result["needs_review"].all()


def test_pages_cover_every_match_once_in_order(database):
    _path, csvs = database
    everything = matches()
    assert len(everything) == len(csvs["suggestions"])
    ordered = everything.sort_values(["held_on", "suggestion_id"], ascending=[False, True])
    assert everything["suggestion_id"].tolist() == ordered["suggestion_id"].tolist()
    size = 10
    pages = [matches(page_size=size, page_offset=offset) for offset in range(0, len(everything), size)]
    assert all(len(page) <= size for page in pages)
    assert pd.concat(pages)["suggestion_id"].tolist() == everything["suggestion_id"].tolist()


def typicality_by_hand(csvs: dict[str, pd.DataFrame], longest: int, fewest_words: int = 0) -> pd.DataFrame:
    """Each quotable hand-tagged suggestion's score (suggestion_id, theme_id, score), by the README's definition, in
    numpy: at most `longest` characters, at least `fewest_words` words."""
    manual = csvs["suggestions"].dropna(subset=["theme_id"]).reset_index(drop=True)
    tokens = [re.findall(r"[a-z][a-z0-9&]+", text.lower()) for text in manual["text"]]
    vocabulary = sorted({word for words in tokens for word in words})
    index = {word: i for i, word in enumerate(vocabulary)}
    counts = np.zeros((len(manual), len(vocabulary)))
    for row, words in enumerate(tokens):
        for word in words:
            counts[row, index[word]] += 1
    documents = (counts > 0).sum(axis=0)
    weights = np.where(counts > 0, 1 + np.log(np.where(counts > 0, counts, 1)), 0) * np.log(len(manual) / documents)
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    unit = np.divide(weights, norms, out=np.zeros_like(weights), where=norms > 0)
    scored = []
    for theme_id, rows in manual.groupby("theme_id").groups.items():
        centroid = unit[rows].mean(axis=0)
        texts = manual.loc[rows, "text"]
        short = rows[(texts.str.len() <= longest) & (texts.str.split().str.len() >= fewest_words)]
        scored.append(
            pd.DataFrame(
                {
                    "suggestion_id": manual.loc[short, "suggestion_id"],
                    "theme_id": theme_id,
                    "score": unit[short] @ centroid,
                }
            )
        )
    return pd.concat(scored, ignore_index=True)


def top_three(scored: pd.DataFrame) -> dict[str, list[str]]:
    """The three best-scored suggestions of each theme, ties by id."""
    ranked = scored.sort_values(["score", "suggestion_id"], ascending=[False, True])
    return ranked.groupby("theme_id")["suggestion_id"].agg(lambda ids: ids.head(3).tolist()).to_dict()


def typical_by_hand(csvs: dict[str, pd.DataFrame], longest: int, fewest_words: int = 0) -> dict[str, list[str]]:
    """The three most typical hand-tagged suggestions per theme, by the README's definition, in plain numpy."""
    return top_three(typicality_by_hand(csvs, longest, fewest_words))


@pytest.mark.parametrize(
    ("longest", "fewest_words"), [(theme_views.QUOTE_LENGTH, theme_views.QUOTE_WORDS), (60, 8), (None, None)]
)
def test_typical_quotes_follow_the_definition(database, longest, fewest_words):
    _path, csvs = database
    quotes = data.query("theme_quotes", **Filters().params(), quote_length=longest, quote_words=fewest_words)
    found = quotes.sort_values(["theme_id", "quote_rank"]).groupby("theme_id")["suggestion_id"].agg(list).to_dict()
    expected = typical_by_hand(csvs, longest or 2000, fewest_words or 0)
    assert found == {theme_id: ids for theme_id, ids in expected.items() if ids}


def test_a_quotes_words_are_counted_as_str_split_counts_them(use_db, tmp_path):
    """Two lines of two words are two words, not four (DuckDB's trim keeps newlines); four words joined by non-breaking
    spaces, as text pasted from Word has them, are four, not one. Each theme of the fixture gets one such suggestion."""
    folder = tmp_path / "csv"
    shutil.copytree(FIXTURES, folder)
    suggestions = pd.read_csv(folder / "suggestions.csv", dtype=str, keep_default_na=False)
    texts = {"S01": "\nCPD budget\n", "S11": "more\u00a0working\u00a0across\u00a0teams"}
    assert [len(text.split()) for text in texts.values()] == [2, 4]
    suggestions["text"] = suggestions["suggestion_id"].map(texts).fillna(suggestions["text"])
    suggestions.to_csv(folder / "suggestions.csv", index=False)
    path = tmp_path / "gse.duckdb"
    build.build_bundled(folder, path)
    use_db(path)
    everything = {
        **Filters().params(),
        "quote_length": theme_views.QUOTE_LENGTH,
        "quote_words": theme_views.QUOTE_WORDS,
    }
    quoted = set(data.query("theme_quotes", **everything)["suggestion_id"])
    unlimited = set(data.query("theme_quotes", **{**everything, "quote_words": None})["suggestion_id"])
    assert "S01" in unlimited and "S01" not in quoted
    assert "S11" in quoted


def test_a_suggestion_of_a_word_or_two_is_not_quoted_as_typical(bundled_db, use_db):
    """The bundled data's most typical Recruitment and reward suggestion was "pay!!!": typical of the theme's words,
    and of no use to a board. Without the minimum it is quoted; with it, each quote has at least QUOTE_WORDS words."""
    use_db(bundled_db)
    everything = {**Filters().params(), "quote_length": theme_views.QUOTE_LENGTH}
    unlimited = data.query("theme_quotes", **everything, quote_words=None)
    assert (unlimited["text"].str.split().str.len() < theme_views.QUOTE_WORDS).any()
    quoted = data.query("theme_quotes", **everything, quote_words=theme_views.QUOTE_WORDS)
    assert (quoted["text"].str.split().str.len() >= theme_views.QUOTE_WORDS).all()
    assert (quoted.groupby("theme_id").size() == 3).all() and len(quoted) == len(unlimited)


@pytest.mark.parametrize(("merged", "into"), [("mentoring", "careers"), ("cpd", "leadership")])
def test_a_merged_themes_typical_quotes_are_quoted_under_the_theme_it_went_to(database, fresh_store, merged, into):
    _path, csvs = database
    taxonomy.record("merge", request_id=taxonomy.new_request_id(), theme_id=merged, into=into)
    quotes = data.query(
        "theme_quotes", **Filters().params(), quote_length=theme_views.QUOTE_LENGTH, quote_words=theme_views.QUOTE_WORDS
    )
    found = quotes.sort_values(["theme_id", "quote_rank"]).groupby("theme_id")["suggestion_id"].agg(list).to_dict()
    # Expected by hand: each suggestion's score against its own theme; the merged theme's counted as the other's, the
    # two themes' best in turn (each one's first, the better scored first, then each one's second...).
    scored = typicality_by_hand(csvs, theme_views.QUOTE_LENGTH, theme_views.QUOTE_WORDS).sort_values("suggestion_id")
    scored["part_rank"] = scored.groupby("theme_id")["score"].rank(method="first", ascending=False)
    scored = scored.replace({"theme_id": {merged: into}})
    in_turn = scored.sort_values(["part_rank", "score", "suggestion_id"], ascending=[True, False, True])
    expected = in_turn.groupby("theme_id")["suggestion_id"].agg(lambda ids: ids.head(3).tolist()).to_dict()
    assert found == expected
    assert merged not in found
    assert set(quotes.loc[quotes["theme_id"] == into, "label"]) == set(
        csvs["themes"].set_index("theme_id").loc[[into], "label"]
    )


def test_typical_quotes_respect_filters(database):
    path, csvs = database
    filters = Filters(nations=("Scotland",), theme_ids=("cpd", "mentoring", "skills", "recognition"))
    quotes = data.query(
        "theme_quotes", **filters.params(), quote_length=theme_views.QUOTE_LENGTH, quote_words=theme_views.QUOTE_WORDS
    )
    frame = expected_suggestions(csvs, path).set_index("suggestion_id")
    assert (frame.loc[quotes["suggestion_id"], "nation"] == "Scotland").all()
    assert (frame.loc[quotes["suggestion_id"], "theme_source"] == "manual").all()
    assert set(quotes["theme_id"]) <= set(filters.theme_ids)
    assert (quotes.groupby("theme_id").size() <= 3).all()
    assert (quotes["text"].str.len() <= theme_views.QUOTE_LENGTH).all()
    assert (quotes["text"].str.split().str.len() >= theme_views.QUOTE_WORDS).all()


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("pay", "%pay%"),
        ("  pay ", "%pay%"),
        ("100%", "%100\\%%"),
        ("a_b", "%a\\_b%"),
        ("back\\slash", "%back\\\\slash%"),
        ("' or 1=1 --", "%' or 1=1 --%"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_search_pattern_escapes_wildcards(text, pattern):
    assert theme_views.search_pattern(text) == pattern


def test_page_window_clamps_and_rejects_sizes_off_the_list():
    assert theme_views.page_window(1, 25, 0) == (1, 0)
    assert theme_views.page_window(3, 10, 95) == (3, 20)
    assert theme_views.page_window(12, 10, 95) == (10, 90)
    assert theme_views.page_count(95, 10) == 10
    with pytest.raises(ValueError):
        theme_views.page_window(1, 1_000_000, 10)


THEME_COUNTS = pd.DataFrame(
    {
        "theme_id": ["skills", "cpd", "careers"],
        "label": ["Skills and tools", "CPD", "Careers"],
        "suggestions": [3, 5, 0],
        "share": [0.375, 0.625, 0.0],
        "by_hand": [1, 4, 0],
        "reviewed": [0, 1, 0],
        "unreviewed": [2, 0, 0],
    }
)


def test_theme_bar_is_sorted_labelled_and_carries_theme_ids():
    figure = theme_views.theme_bar(THEME_COUNTS)
    by_hand, reviewed, unreviewed = figure.data
    # Plotly draws horizontal bars bottom-up: the largest is last. Each bar is stacked from its three parts.
    for part in figure.data:
        assert list(part.y) == ["Careers", "Skills and tools", "CPD"]
        assert list(part.customdata) == ["careers", "skills", "cpd"]
    assert [part.name for part in figure.data] == ["Coded by hand", "Reviewed", "Unreviewed classifier tags"]
    assert (list(by_hand.x), list(reviewed.x), list(unreviewed.x)) == ([0, 1, 4], [0, 0, 1], [0, 2, 0])
    assert figure.layout.barmode == "stack"
    # The total's label sits at the end of the whole bar, on its last part.
    assert list(unreviewed.text) == ["0 (0%)", "3 (38%)", "5 (62%)"]
    assert by_hand.text is None and reviewed.text is None
    assert figure.layout.title.text == "CPD is the most common theme (62% of suggestions)"


def test_bar_title_names_ties_and_empty_results():
    tied = THEME_COUNTS.assign(suggestions=[4, 4, 0], share=[0.5, 0.5, 0])
    assert (
        theme_views.theme_bar_title(tied)
        == "CPD and Skills and tools are the most common themes (50% of suggestions each)"
    )
    assert (
        theme_views.theme_bar_title(THEME_COUNTS.assign(suggestions=0, share=0.0)) == "No suggestions match the filters"
    )


def test_selected_theme_ids_reads_plotly_selection():
    event = {
        "selection": {"points": [{"customdata": "cpd", "y": "CPD"}, {"customdata": "cpd"}, {"customdata": "skills"}]}
    }
    assert theme_views.selected_theme_ids(event) == ["cpd", "skills"]
    assert theme_views.selected_theme_ids({"selection": {"points": []}}) == []
    assert theme_views.selected_theme_ids(None) == []


def test_heatmap_writes_every_share_and_finds_the_standout():
    frame = pd.DataFrame(
        {
            "location_id": ["a", "a", "b", "b"],
            "name": ["Aberdeen", "Aberdeen", "Bath", "Bath"],
            "theme_id": ["cpd", "skills", "cpd", "skills"],
            "label": ["CPD", "Skills and tools", "CPD", "Skills and tools"],
            "suggestions": [30, 10, 10, 30],
            "share": [0.75, 0.25, 0.25, 0.75],
        }
    )
    counts = pd.DataFrame(
        {
            "theme_id": ["cpd", "skills"],
            "label": ["CPD", "Skills and tools"],
            "suggestions": [40, 40],
            "share": [0.5, 0.5],
        }
    )
    figure = theme_views.share_heatmap(frame, "name", "title")
    assert list(figure.data[1].text) == ["75%", "25%", "25%", "75%"]
    assert np.allclose(np.array(figure.data[0].z, dtype=float), [[0.75, 0.25], [0.25, 0.75]])
    sentence = theme_views.standout_sentence(frame, "location_id", "name", counts)
    assert sentence == "CPD makes up 75% of suggestions in Aberdeen, against 50% overall."
    small = frame.assign(suggestions=[3, 1, 1, 3])
    assert theme_views.standout_sentence(small, "location_id", "name", counts) is None


def test_question_heatmap_title_quotes_the_question_and_wraps():
    frame = pd.DataFrame(
        {
            "question": ["How can GSE help you work across government, today and tomorrow?"] * 2 + ["Other"] * 2,
            "theme_id": ["cpd", "skills"] * 2,
            "label": ["CPD", "Skills and tools"] * 2,
            "suggestions": [30, 10, 20, 20],
            "share": [0.75, 0.25, 0.5, 0.5],
        }
    )
    counts = pd.DataFrame(
        {
            "theme_id": ["cpd", "skills"],
            "label": ["CPD", "Skills and tools"],
            "suggestions": [50, 30],
            "share": [0.625, 0.375],
        }
    )
    title = theme_views.heatmap_title(frame, "question", "question", counts, "question")
    assert title.replace("\n", " ") == (
        'Skills and tools stands out in answers to "Other": 50% of its suggestions, against 38% overall'
    )
    assert all(len(line) <= 90 for line in title.split("\n"))
    assert (
        theme_views.heatmap_title(frame.iloc[:0], "question", "question", counts, "question")
        == "Theme shares by question"
    )


def test_explorer_table_and_download_title_say_how_each_theme_was_tagged():
    rows = pd.DataFrame(
        {
            "suggestion_id": ["S1", "S2"],
            "text": ["a", "b"],
            "theme": ["CPD", "Skills and tools"],
            "theme_source": ["manual", "auto"],
            "confidence": [1.0, 0.4321],
            "needs_review": [False, True],
            "location": ["London", "Glasgow"],
            "held_on": [date(2025, 3, 4), date(2025, 3, 20)],
            "question": [None, "What CPD does GSE need?"],
        }
    )
    table = theme_views.explorer_table(rows)
    assert table["Tagged"].tolist() == ["By hand", "Classifier, 43%"]
    assert table["Needs review"].tolist() == ["No", "Yes"]
    assert table["Question"].tolist() == [theme_views.NOT_RECORDED, "What CPD does GSE need?"]
    title = theme_views.explorer_title(["CPD"], [], [], ["q1", "q2"], " chart ", True)
    assert title == 'Suggestions (themes CPD; 2 questions; text containing "chart"; needing review)'
    assert theme_views.explorer_title([], [], [], [], "", False) == "Suggestions"


def test_quotes_come_best_first_as_plain_pairs():
    quotes = pd.DataFrame(
        {
            "theme_id": ["cpd", "cpd", "skills"],
            "quote_rank": [2, 1, 1],
            "text": ["second", "[click](http://x) *now*", "other"],
            "location": ["York", "Leeds", "Hull"],
        }
    )
    assert theme_views.theme_quotes(quotes, "cpd") == [("[click](http://x) *now*", "Leeds"), ("second", "York")]
    assert theme_views.theme_quotes(quotes, "careers") == []


def explorer_count(app) -> int:
    """The number of matches the explorer reports."""
    text = next(md.value for md in app.markdown if "matching suggestion" in md.value)
    return int(re.search(r"\*\*([\d,]+) matching", text).group(1).replace(",", ""))


def test_page_counts_follow_theme_location_and_search(fixture_db, fixture_csvs, use_db, open_page):
    use_db(fixture_db)
    frame = expected_suggestions(fixture_csvs, fixture_db)
    app = open_page(PAGE)
    assert not app.exception
    assert explorer_count(app) == len(frame)
    metrics = kpis(app)
    assert metrics["Suggestions"] == str(len(frame))
    assert metrics["Coded by hand"] == str((frame["theme_source"] == "manual").sum())

    app.multiselect(key="themes_explorer_theme").set_value(["cpd"]).run()
    assert explorer_count(app) == (frame["theme_id"] == "cpd").sum()
    app.multiselect(key="themes_explorer_theme").set_value([]).run()

    app.multiselect(key="themes_explorer_location").set_value(["glasgow"]).run()
    assert explorer_count(app) == (frame["location_id"] == "glasgow").sum()
    app.multiselect(key="themes_explorer_location").set_value([]).run()

    app.text_input(key="themes_search").input("CHARTERSHIP").run()
    assert explorer_count(app) == frame["text"].str.contains("chartership", case=False).sum() == 2

    app.text_input(key="themes_search").input("' or 1=1 --").run()
    assert not app.exception
    assert explorer_count(app) == 0

    app.text_input(key="themes_search").input("").run()
    app.multiselect(key="theme").set_value(["mentoring"]).run()
    metrics = kpis(app)
    assert metrics["Suggestions"] == str((frame["theme_id"] == "mentoring").sum())
    assert explorer_count(app) == (frame["theme_id"] == "mentoring").sum()


def test_page_explorer_theme_comes_from_the_link(fixture_db, fixture_csvs, use_db):
    use_db(fixture_db)
    frame = expected_suggestions(fixture_csvs, fixture_db)
    # As a shared link opens the page directly: the page's own parameter is in the URL on its first run.
    app = AppTest.from_file(ENTRY, default_timeout=60)
    app.switch_page(PAGE)
    app.query_params["themes_explorer_theme"] = "Recognition"  # a bound widget puts its label in the URL
    opened_from_a_link(app)
    assert not app.exception
    assert explorer_count(app) == (frame["theme_id"] == "recognition").sum()


def test_page_pagination_shows_one_page(bundled_db, bundled_csvs, use_db, open_page):
    use_db(bundled_db)
    app = open_page(PAGE)
    assert not app.exception
    assert explorer_count(app) == len(bundled_csvs["suggestions"])
    table = app.dataframe[-1].value
    assert len(table) == theme_views.DEFAULT_PAGE_SIZE
    app.selectbox(key="themes_page_size").set_value(10).run()
    pagination(app).set_value(3).run()
    table = app.dataframe[-1].value
    expected = matches(page_size=None)["suggestion_id"].iloc[20:30].tolist()
    assert table["ID"].tolist() == expected


def pagination(app):
    """The explorer's page picker."""
    return next(widget for widget in app.get("pagination") if widget.key == "themes_page")


# Sidebar filter combinations for the page-level check: a nation; themes and a date range; all three together.
PAGE_FILTER_CASES = [
    Filters(nations=("Scotland",)),
    Filters(theme_ids=("cpd", "skills", "mentoring"), date_from=date(2025, 4, 1), date_to=date(2025, 6, 30)),
    Filters(
        nations=("England",),
        theme_ids=("cpd", "careers", "leadership"),
        date_from=date(2025, 3, 10),
        date_to=date(2025, 5, 31),
    ),
]


@pytest.mark.parametrize("filters", PAGE_FILTER_CASES, ids=["nation", "themes-dates", "nation-themes-dates"])
def test_page_table_of_suggestions_per_theme_matches_pandas(filters, bundled_db, bundled_csvs, use_db, open_page):
    use_db(bundled_db)
    app = open_page(PAGE)
    if filters.theme_ids:
        app.multiselect(key=sidebar.THEMES).set_value(list(filters.theme_ids)).run()
    if filters.nations:
        app.multiselect(key=sidebar.NATION).set_value(list(filters.nations)).run()
    if filters.date_from:
        app.date_input(key=sidebar.DATES).set_value((filters.date_from, filters.date_to)).run()
    assert not app.exception, [exception.message for exception in app.exception]
    assert app.session_state[STATE_KEY] == filters

    chosen = apply_filters(expected_suggestions(bundled_csvs, bundled_db), filters)
    expected = chosen.groupby("label").size()
    assert 0 < len(chosen) < len(bundled_csvs["suggestions"])
    expander = next(block for block in app.expander if block.label == "Table: suggestions per theme")
    table = expander.dataframe[0].value.set_index("Theme")
    offered = bundled_csvs["themes"].set_index("theme_id")["label"]
    assert set(table.index) == set(offered[list(filters.theme_ids)] if filters.theme_ids else offered)
    counted = table[table["Suggestions"] > 0]
    assert counted["Suggestions"].to_dict() == expected.to_dict()
    # Shown in percent (layout.table's `percent`).
    assert counted["Share"].to_dict() == pytest.approx((100 * expected / len(chosen)).to_dict())
    assert (table.loc[table["Suggestions"] == 0, "Share"] == 0).all()
    assert table["Share"].sum() == pytest.approx(100)
    metrics = kpis(app)
    assert metrics["Suggestions"] == f"{len(chosen):,}"


def workshop_label(csvs: dict[str, pd.DataFrame], workshop_id: str) -> str:
    """The label a link carries for a workshop, 'London, 19 Mar 2025', from the CSVs."""
    workshop = csvs["workshops"].set_index("workshop_id").loc[workshop_id]
    held_on = date.fromisoformat(workshop["held_on"])
    place = csvs["locations"].set_index("location_id").at[workshop["location_id"], "name"]
    return f"{place}, {held_on.day} {held_on:%b %Y}"


# Links with every explorer parameter a reviewer could share: the page (2) and its size are set in both, so the test
# also checks which rows the page shows.
EXPLORER_LINKS = {
    "workshops-questions": {
        "workshops": ("w03", "w13"),
        "questions": ("What CPD does GSE need?", theme_views.NOT_RECORDED),
        "review": False,
        "page_size": 10,
        "page": 2,
    },
    "needs-review": {"workshops": (), "questions": (), "review": True, "page_size": 50, "page": 2},
}


@pytest.mark.parametrize("case", list(EXPLORER_LINKS))
def test_a_link_opens_the_explorer_with_its_workshops_questions_review_and_page(case, bundled_db, bundled_csvs, use_db):
    use_db(bundled_db)
    chosen = EXPLORER_LINKS[case]
    frame = expected_suggestions(bundled_csvs, bundled_db)
    keep = pd.Series(True, index=frame.index)
    if chosen["workshops"]:
        keep &= frame["workshop_id"].isin(chosen["workshops"])
    if chosen["questions"]:
        keep &= frame["question"].fillna(theme_views.NOT_RECORDED).isin(chosen["questions"])
    if chosen["review"]:
        keep &= (frame["theme_source"] == "auto") & (frame["confidence"] < themes.REVIEW_THRESHOLD)
    expected = frame[keep].sort_values(["held_on", "suggestion_id"], ascending=[False, True])["suggestion_id"]
    size, page = chosen["page_size"], chosen["page"]
    assert len(expected) > size * (page - 1)  # the page exists

    # A fresh session opened on the page by the link, with each value as the browser writes it.
    app = AppTest.from_file(ENTRY, default_timeout=60)
    app.switch_page(PAGE)
    if chosen["workshops"]:
        app.query_params["themes_workshop"] = [workshop_label(bundled_csvs, w) for w in chosen["workshops"]]
    if chosen["questions"]:
        app.query_params["themes_question"] = list(chosen["questions"])
    if chosen["review"]:
        app.query_params["themes_review"] = "true"
    app.query_params["themes_page_size"] = str(size)
    app.query_params["themes_page"] = str(page)
    opened_from_a_link(app)

    assert not app.exception, [exception.message for exception in app.exception]
    assert not app.warning
    assert app.multiselect(key="themes_workshop").value == list(chosen["workshops"])
    assert app.multiselect(key="themes_question").value == list(chosen["questions"])
    assert app.toggle(key="themes_review").value is chosen["review"]
    assert app.selectbox(key="themes_page_size").value == size
    assert pagination(app).value == page
    assert explorer_count(app) == len(expected)
    shown = app.dataframe[-1].value  # the explorer's table is the page's last
    assert shown["ID"].tolist() == expected.iloc[size * (page - 1) : size * page].tolist()


def test_bad_explorer_link_values_are_dropped_with_a_notice(fixture_db, use_db):
    use_db(fixture_db)
    app = AppTest.from_file(ENTRY, default_timeout=60)
    app.switch_page(PAGE)
    # "inf" is the value a bound integer st.number_input cannot take (Streamlit raises OverflowError).
    for key, value in {
        "themes_page": "inf",
        "themes_page_size": "7",
        "themes_review": "maybe",
        "themes_workshop": ["Atlantis, 1 Jan 2020"],
        "themes_question": ["' or 1=1 --"],
    }.items():
        app.query_params[key] = value
    opened_from_a_link(app)
    assert not app.exception, [exception.message for exception in app.exception]
    assert sorted(warning.value for warning in app.warning) == sorted(
        f"Ignored 1 unknown {name} value(s) in the link."
        for name in ("page", "page size", "question", "review", "workshop")
    )
    assert app.multiselect(key="themes_workshop").value == []
    assert app.multiselect(key="themes_question").value == []
    assert app.toggle(key="themes_review").value is False
    assert app.selectbox(key="themes_page_size").value == theme_views.DEFAULT_PAGE_SIZE
    assert pagination(app).value == 1


def test_workshop_labels_are_unique():
    workshops = pd.DataFrame(
        {
            "workshop_id": ["w1", "w2", "w3", "w4"],
            "held_on": [date(2025, 3, 4), date(2025, 3, 4), date(2025, 3, 4), date(2025, 3, 5)],
            "location": ["York", "York", "York", "York"],
            "venue": ["Hall", "Hall", "Annexe", "Hall"],
        }
    )
    assert theme_views.workshop_labels(workshops)["label"].tolist() == [
        "York, 4 Mar 2025 (Hall) [w1]",
        "York, 4 Mar 2025 (Hall) [w2]",
        "York, 4 Mar 2025 (Annexe)",
        "York, 5 Mar 2025",
    ]


@pytest.mark.parametrize(
    ("suggestions", "unreviewed", "sentence"),
    [
        ([1_000, 470], [200, 94], "294 of 1,470 suggestions carry an unreviewed classifier tag."),
        ([3, 1], [1, 0], "1 of 4 suggestions carries an unreviewed classifier tag."),
        ([1], [1], "1 of 1 suggestion carries an unreviewed classifier tag."),
        ([2, 3], [0, 0], "All 5 suggestions have their theme coded by hand or checked by a reviewer."),
        ([1, 0], [0, 0], "The one suggestion in view has its theme coded by hand or checked by a reviewer."),
        ([0, 0], [0, 0], None),
    ],
)
def test_the_reliance_sentence_counts_suggestions_not_themes(suggestions, unreviewed, sentence):
    counts = pd.DataFrame({"suggestions": suggestions, "unreviewed": unreviewed})
    assert theme_views.reliance_sentence(counts) == sentence


def test_the_page_says_how_many_suggestions_carry_an_unreviewed_tag(bundled_db, bundled_csvs, use_db, open_page):
    use_db(bundled_db)
    app = open_page(PAGE)
    assert not app.exception
    # Expected from the CSV: the suggestions the file left without a theme are the ones the classifier tagged.
    untagged, total = int(bundled_csvs["suggestions"]["theme_id"].isna().sum()), len(bundled_csvs["suggestions"])
    expected = f"{untagged:,} of {total:,} suggestions carry an unreviewed classifier tag."
    assert any(expected in caption.value for caption in app.caption)
    assert not any("themes are unreviewed" in caption.value for caption in app.caption)


def test_the_explorer_and_the_tables_run_only_once_opened(fixture_db, fixture_csvs, use_db, open_page):
    use_db(fixture_db)
    app = open_page(PAGE, closed=True)
    assert not app.exception
    # Closed, nothing behind them is built or sent: no table but the heatmap's phone stand-in (Markdown, not a data
    # grid), no explorer count, no explorer widget.
    assert not app.dataframe
    assert [md for md in app.markdown if md.value.startswith("| Location | Theme | Share |")]
    assert not [md for md in app.markdown if "matching suggestion" in md.value]
    assert not [widget for widget in app.multiselect if widget.key == "themes_explorer_theme"]
    closed = {section.label for section in app.expander if not section.proto.expanded}
    assert {"Filter, search and read every suggestion", "Table: suggestions per theme"} <= closed
    # Opened, as a reader clicks it, the explorer counts every suggestion.
    app.session_state["themes_explorer"] = True
    app.run()
    assert explorer_count(app) == len(fixture_csvs["suggestions"])


@pytest.mark.parametrize("parameter", ["themes_search", "themes_explorer_location", "themes_review"])
def test_a_link_with_an_explorer_filter_opens_the_explorer(parameter, fixture_db, fixture_csvs, use_db):
    use_db(fixture_db)
    value = {"themes_search": "chartership", "themes_explorer_location": "Glasgow", "themes_review": "false"}[parameter]
    app = AppTest.from_file(ENTRY, default_timeout=60)
    app.switch_page(PAGE)
    app.query_params[parameter] = value
    opened_from_a_link(app)
    assert not app.exception
    suggestions = fixture_csvs["suggestions"]
    glasgow = suggestions["workshop_id"].map(fixture_csvs["workshops"].set_index("workshop_id")["location_id"])
    expected = {
        "themes_search": suggestions["text"].str.contains("chartership", case=False).sum(),
        "themes_explorer_location": (glasgow == "glasgow").sum(),
        "themes_review": len(suggestions),
    }[parameter]
    assert explorer_count(app) == expected


def test_the_theme_tables_show_each_share_to_one_decimal_place(fixture_db, fixture_csvs, use_db, open_page):
    import json

    use_db(fixture_db)
    app = open_page("dashboard/pages/themes.py")
    tables = [frame for frame in app.dataframe if "Share" in frame.value.columns]
    assert len(tables) >= 2  # suggestions per theme, and the open breakdown's
    for frame in tables:
        # Percentages with one decimal each ("16.1%", "8.5%"): Streamlit's "percent" format wrote "16.12%" beside "8.5%".
        assert json.loads(frame.proto.columns)["Share"]["type_config"]["format"] == "%.1f%%"
    counts = tables[0].value.set_index("Theme")
    suggestions = fixture_csvs["suggestions"]
    # Each theme's share of the suggestions, in percent, from the fixture files' own count.
    assert np.allclose(counts["Share"], 100 * counts["Suggestions"] / len(suggestions))
