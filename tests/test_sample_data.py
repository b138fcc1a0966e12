"""Tests for the synthetic data generator: determinism, the tour's facts, the contract, and the committed data/."""

import re
from collections import Counter, defaultdict
from itertools import product
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard import build, sample_data

ROOT = Path(__file__).resolve().parents[1]
COMMITTED_DATA = ROOT / "data"
SCHEMA = ROOT / "queries" / "schema.sql"
CSV_NAMES = tuple(sample_data.TABLE_COLUMNS)
MISSED_REGIONS = ("North East", "East Midlands", "West Midlands", "East of England")


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The CSVs as text, with empty cells as missing values."""
    return {
        name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
        for name in CSV_NAMES
    }


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval for a proportion."""
    share = successes / trials
    centre = (share + z * z / (2 * trials)) / (1 + z * z / trials)
    half_width = z * np.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return centre - half_width, centre + half_width


@pytest.fixture(scope="module")
def default_dir(tmp_path_factory) -> Path:
    """The generator's default output, written through the command line."""
    out = tmp_path_factory.mktemp("default")
    sample_data.main(["--out", str(out)])
    return out


@pytest.fixture(scope="module")
def tables(default_dir) -> dict[str, pd.DataFrame]:
    """The default output read back from CSV."""
    return read_tables(default_dir)


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    """The hand-written suggestion corpus."""
    return sample_data.load_corpus(sample_data.CORPUS_DIR)


@pytest.fixture(scope="module")
def decided(tables) -> pd.DataFrame:
    """Decided scheme applications joined to their members, with whether each got in."""
    applications = tables["participation"].merge(tables["members"], on="member_id")
    applications = applications[applications["status"] != "applied"].copy()
    applications["got_in"] = applications["status"].isin(["accepted", "completed"])
    return applications


def test_same_seed_gives_byte_identical_files(default_dir, tmp_path):
    sample_data.main(["--out", str(tmp_path), "--seed", str(sample_data.DEFAULT_SEED)])
    for name in CSV_NAMES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (default_dir / f"{name}.csv").read_bytes(), name


def test_another_seed_gives_different_files(default_dir, tmp_path):
    sample_data.main(["--out", str(tmp_path), "--seed", "7"])
    for name in ("members", "suggestions", "participation"):
        assert (tmp_path / f"{name}.csv").read_bytes() != (default_dir / f"{name}.csv").read_bytes(), name


def test_committed_data_is_the_default_output(default_dir):
    for name in CSV_NAMES:
        committed = COMMITTED_DATA / f"{name}.csv"
        assert committed.exists(), f"{committed} missing: run python -m dashboard.sample_data --out data/"
        assert committed.read_bytes() == (default_dir / f"{name}.csv").read_bytes(), (
            f"{committed} is stale: run python -m dashboard.sample_data --out data/"
        )


def test_files_have_contract_columns_and_unix_line_endings(default_dir):
    for name, columns in sample_data.TABLE_COLUMNS.items():
        raw = (default_dir / f"{name}.csv").read_bytes()
        assert b"\r" not in raw
        assert raw.decode("utf-8").split("\n", 1)[0] == ",".join(columns)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("departments", ["department_id"]),
        ("locations", ["location_id"]),
        ("workshops", ["workshop_id"]),
        ("members", ["member_id"]),
        ("themes", ["theme_id"]),
        ("suggestions", ["suggestion_id"]),
        ("schemes", ["scheme_id"]),
        ("participation", ["member_id", "scheme_id", "cohort_year"]),
    ],
)
def test_keys_are_unique_and_present(tables, name, key):
    table = tables[name]
    assert table[key].notna().all().all()
    assert not table.duplicated(key).any()


@pytest.mark.parametrize(
    ("child", "column", "parent", "parent_key"),
    [
        ("workshops", "location_id", "locations", "location_id"),
        ("members", "department_id", "departments", "department_id"),
        ("suggestions", "workshop_id", "workshops", "workshop_id"),
        ("suggestions", "theme_id", "themes", "theme_id"),
        ("suggestions", "member_id", "members", "member_id"),
        ("schemes", "department_id", "departments", "department_id"),
        ("participation", "member_id", "members", "member_id"),
        ("participation", "scheme_id", "schemes", "scheme_id"),
    ],
)
def test_foreign_keys_resolve(tables, child, column, parent, parent_key):
    references = tables[child][column].dropna()
    assert references.isin(tables[parent][parent_key]).all()


def test_output_satisfies_the_schema_constraints(default_dir):
    connection = duckdb.connect()
    connection.execute(SCHEMA.read_text())
    for name in CSV_NAMES:
        table_columns = {
            row[0]
            for row in connection.execute(
                "select column_name from information_schema.columns where table_name = $name", {"name": name}
            ).fetchall()
        }
        frame = pd.read_csv(default_dir / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
        if name == "suggestions":
            # The build fills theme_source; mimic it so the paired check constraint can run.
            frame["theme_source"] = frame["theme_id"].where(frame["theme_id"].isna(), "manual")
            frame["text_hash"] = frame["text"].map(build.text_hash)
        connection.register("incoming", frame[[column for column in frame.columns if column in table_columns]])
        connection.execute(f"insert into {name} by name select * from incoming")  # name from the generator's list
        connection.unregister("incoming")
        assert connection.execute(f"select count(*) from {name}").fetchone()[0] == len(frame)


def test_departments_are_many_and_include_a_small_one(tables):
    departments = tables["departments"]
    assert len(departments) >= 22
    assert {"DEFRA", "MOD", "DSTL", "EA", "METOFFICE", "UKHSA", "SG", "WG", "DAERA", "IPO"} <= set(
        departments["department_id"]
    )
    sizes = tables["members"]["department_id"].value_counts()
    assert sizes.min() < 30
    assert set(sizes.index) == set(departments["department_id"])


def test_locations_cover_four_nations_and_leave_regions_unvisited(tables):
    locations = tables["locations"]
    assert len(locations) == 12
    assert set(locations["nation"]) == {"England", "Scotland", "Wales", "Northern Ireland"}
    visited_regions = set(locations["region"])
    assert not visited_regions & set(MISSED_REGIONS)
    devolved = locations[locations["nation"] != "England"]
    assert (devolved["region"] == devolved["nation"]).all()
    assert locations["latitude"].str.fullmatch(r"-?\d+\.\d{1,4}").all()


def test_workshops_tell_the_tour_story(tables):
    workshops = tables["workshops"].merge(tables["locations"], on="location_id")
    assert list(workshops["workshop_id"]) == [f"w{number:02d}" for number in range(1, 15)]
    assert workshops["held_on"].is_monotonic_increasing
    visits = workshops["location_id"].value_counts()
    assert visits["london"] == 2
    assert (visits == 2).sum() == 2
    assert workshops["miles_travelled"].astype(float).sum() > 4500
    assert workshops["host"].isna().sum() == 1
    assert workshops["attendees"].isna().sum() == 1
    prospect = workshops[workshops["host"] == "Prospect"]
    assert list(prospect["location_id"]) == ["bournemouth"]
    assert list(workshops.loc[workshops["host"] == "Intellectual Property Office", "location_id"]) == ["newport"]
    others = workshops.loc[workshops["host"] != "Prospect", "attendees"].dropna().astype(int)
    assert others.between(15, 90).all()
    assert int(prospect["attendees"].iloc[0]) > others.max()


def test_members_are_many_pseudonymous_and_pyramid_shaped(tables):
    members = tables["members"]
    assert 10_500 <= len(members) <= 11_500
    assert members["member_id"].str.fullmatch(r"M\d{6}").all()
    grades = members["grade"].value_counts(normalize=True)
    assert set(grades.index) == set(sample_data.GRADES)
    assert 0.01 <= grades["SCS"] <= 0.03
    assert grades["AA"] < grades["EO"] < grades["HEO"]
    assert grades[["HEO", "SEO", "G7"]].sum() > 0.6
    assert set(members["region"]) <= set(sample_data.REGIONS)
    assert set(members["background"]) == set(sample_data.BACKGROUNDS)
    assert 0.07 <= (members["background"] == "interest").mean() <= 0.13


def test_members_work_where_their_department_does(tables):
    members = tables["members"]
    home = pd.crosstab(members["department_id"], members["region"], normalize="index")
    assert home.loc["SG", "Scotland"] == 1
    assert home.loc["WG", "Wales"] == 1
    assert home.loc["DAERA", "Northern Ireland"] == 1
    assert home.loc["IPO", "Wales"] > 0.8
    assert home.loc["METOFFICE", "South West"] > 0.8
    assert home.loc["DSIT", "London"] > 0.7
    assert home.loc["DSTL", ["South West", "South East"]].sum() > 0.9


def test_join_dates_span_1990_to_the_tour_with_a_few_unknown(tables):
    joined = tables["members"]["joined_on"]
    assert 0.02 <= joined.isna().mean() <= 0.04
    known = pd.to_datetime(joined.dropna(), format="%Y-%m-%d")
    assert known.min() >= pd.Timestamp("1990-01-01")
    assert known.max() <= pd.Timestamp(tables["workshops"]["held_on"].max())


def test_themes_match_the_taxonomy_and_the_corpus_files(tables):
    themes = tables["themes"]
    assert list(themes["theme_id"]) == list(sample_data.THEME_IDS)
    assert themes["description"].str.len().gt(10).all()
    for theme_id in themes["theme_id"]:
        assert (sample_data.CORPUS_DIR / f"{theme_id}.txt").exists()


def test_every_corpus_line_is_used_exactly_once(tables, corpus):
    suggestions = tables["suggestions"]
    assert len(suggestions) >= 1_000
    assert sorted(suggestions["text"]) == sorted(corpus["text"])
    assert suggestions["text"].str.len().between(1, 2000).all()
    assert suggestions["suggestion_id"].str.fullmatch(r"S\d{5}").all()


def sentence_frame_problems(texts: list[str]) -> list[str]:
    """Signs that suggestions were filled into templates: repeated texts, openings, endings or long phrases."""
    # Measured on the bundled data (1,470 suggestions): no repeats, at most 3 share an opening or 2 an ending of three
    # words, no 6-word phrase is in more than 2, and 8 share any 6-word phrase. The limits leave room for a few more
    # hand-written lines; a generator with a sentence frame repeats its frame in dozens of suggestions.
    words = [tuple(re.findall(r"[a-z0-9']+", text.lower())) for text in texts]
    problems = [f"{count} suggestions read {' '.join(text)!r}" for text, count in Counter(words).items() if count > 1]
    for part, sliced in (("open with", slice(None, 3)), ("end with", slice(-3, None))):
        frames = Counter(text[sliced] for text in words if len(text) >= 3)
        problems += [f"{count} suggestions {part} {' '.join(frame)!r}" for frame, count in frames.items() if count > 5]
    holders = defaultdict(set)
    for number, text in enumerate(words):
        for start in range(len(text) - 5):
            holders[text[start : start + 6]].add(number)
    problems += [
        f"{len(held)} suggestions contain {' '.join(phrase)!r}" for phrase, held in holders.items() if len(held) > 3
    ]
    sharing = set().union(*(held for held in holders.values() if len(held) > 1))
    if len(sharing) > len(texts) / 100:
        problems.append(f"{len(sharing)} of {len(texts)} suggestions share a 6-word phrase with another")
    return problems


def test_no_two_suggestions_share_a_sentence_frame(tables):
    # At scale 1 only: a larger scale deals every corpus line once per unit, so repeats are by design there.
    assert sentence_frame_problems(list(tables["suggestions"]["text"])) == []


TOPICS = ("mentoring", "training", "recognition", "networking", "secondments", "funding", "career paths", "outreach")
GROUPS = ("engineers", "analysts", "lab staff", "new joiners", "part-time staff", "regional teams")


@pytest.mark.parametrize(
    ("template", "caught"),
    [
        ("We really need more {topic} for {group}.", "open with 'we really need'"),
        ("Could {group} get better {topic} please", "end with"),
        (
            "{topic} matters because nobody in my team ever gets to meet {group}",
            "contain 'because nobody in my team ever'",
        ),
    ],
)
def test_the_sentence_frame_check_catches_a_template(template, caught):
    texts = [template.format(topic=topic, group=group) for topic, group in product(TOPICS, GROUPS)]
    problems = sentence_frame_problems(texts)
    assert any(caught in problem for problem in problems), problems


def test_tagged_suggestions_keep_their_corpus_theme(tables, corpus):
    tagged = tables["suggestions"].dropna(subset=["theme_id"])
    truth = corpus.drop_duplicates("text", keep=False).set_index("text")["theme_id"]
    matched = tagged[tagged["text"].isin(truth.index)]
    assert (matched["theme_id"].to_numpy() == truth[matched["text"]].to_numpy()).all()


def test_suggestion_shares_untagged_signed_and_unasked(tables):
    suggestions = tables["suggestions"]
    assert 0.15 <= suggestions["theme_id"].isna().mean() <= 0.25
    assert 0.30 <= suggestions["member_id"].notna().mean() <= 0.40
    assert 0.02 <= suggestions["question"].isna().mean() <= 0.08
    assert set(suggestions["question"].dropna()) == set(sample_data.QUESTIONS)


def test_conference_and_workshop_sizes(tables):
    per_workshop = tables["suggestions"]["workshop_id"].value_counts()
    assert 120 <= per_workshop["w11"] <= 140
    assert per_workshop.min() >= 20
    workshops = tables["workshops"].set_index("workshop_id")
    attended = workshops["attendees"].dropna().astype(int).drop("w11")
    correlation = np.corrcoef(attended, per_workshop[attended.index])[0, 1]
    assert correlation > 0.8


def test_questions_follow_themes_without_being_determined_by_them(corpus, tables):
    suggestions = tables["suggestions"].merge(
        corpus.drop_duplicates("text", keep=False), on="text", suffixes=("", "_true")
    )
    answered = suggestions.dropna(subset=["question"])
    cpd_question = answered["question"] == "What CPD does GSE need?"
    assert cpd_question[answered["theme_id_true"] == "cpd"].mean() > 0.4
    assert cpd_question[answered["theme_id_true"] == "recognition"].mean() < 0.15
    assert answered.groupby("theme_id_true")["question"].nunique().min() >= 4


def test_locations_have_a_local_flavour(corpus, tables):
    suggestions = tables["suggestions"].merge(
        corpus.drop_duplicates("text", keep=False), on="text", suffixes=("", "_true")
    )
    suggestions = suggestions.merge(tables["workshops"], on="workshop_id").merge(tables["locations"], on="location_id")
    share = pd.crosstab(suggestions["location_id"], suggestions["theme_id_true"], normalize="index")
    outside_london = suggestions[suggestions["location_id"] != "london"]
    assert share.loc["london", "leadership"] > (outside_london["theme_id_true"] == "leadership").mean()
    devolved = suggestions[suggestions["nation"] != "England"]
    assert (devolved["theme_id_true"] == "inclusion").mean() > share.loc["london", "inclusion"] * 1.5
    assert share.loc["exeter", "skills"] > (suggestions["theme_id_true"] == "skills").mean()


def test_signed_suggestions_mostly_come_from_nearby(tables):
    signed = tables["suggestions"].dropna(subset=["member_id"])
    signed = signed.merge(tables["members"], on="member_id").merge(tables["workshops"], on="workshop_id")
    scottish = signed[signed["location_id"].isin(["glasgow", "edinburgh"])]
    assert (scottish["region"] == "Scotland").mean() > 0.7


def test_schemes_are_central_profession_and_departmental(tables):
    schemes = tables["schemes"].set_index("scheme_id")
    assert schemes.loc["fls", "name"] == "Future Leaders Scheme"
    assert schemes.loc["sls", "name"] == "Senior Leaders Scheme"
    assert set(schemes.loc[["fls", "sls"], "kind"]) == {"central"}
    assert set(schemes.loc[["gse_mentoring", "egl_working_group"], "kind"]) == {"profession"}
    departmental = schemes[schemes["kind"] == "departmental"]
    assert 3 <= len(departmental) <= 4
    assert departmental["department_id"].notna().all()
    assert schemes.loc[schemes["kind"] != "departmental", "department_id"].isna().all()


def test_participation_volume_years_and_statuses(tables):
    participation = tables["participation"]
    assert 2_000 <= len(participation) <= 3_500
    assert participation["member_id"].nunique() >= 1_500
    years = participation["cohort_year"].astype(int)
    assert set(years) == set(range(2021, 2026))
    assert set(participation["status"]) == {"applied", "rejected", "accepted", "completed", "withdrawn"}
    assert (years[participation["status"] == "applied"] == 2025).all()


def test_participation_respects_eligibility(tables):
    applications = tables["participation"].merge(tables["members"], on="member_id")
    schemes = tables["schemes"].set_index("scheme_id")
    departmental = applications[applications["scheme_id"].map(schemes["kind"]) == "departmental"]
    assert (departmental["department_id"] == departmental["scheme_id"].map(schemes["department_id"])).all()
    fls_grades = applications.loc[applications["scheme_id"] == "fls", "grade"].value_counts(normalize=True)
    assert set(fls_grades.index) <= {"SEO", "G7", "G6"}
    assert fls_grades[["G7", "G6"]].sum() > 0.7
    assert set(applications.loc[applications["scheme_id"] == "sls", "grade"]) <= {"G7", "G6", "SCS"}
    assert applications.loc[applications["scheme_id"] == "gse_mentoring", "grade"].nunique() >= 7


def test_devolved_and_small_bodies_apply_less(tables):
    members = tables["members"]
    applicants = set(tables["participation"]["member_id"])
    apply_rate = members["member_id"].isin(applicants).groupby(members["department_id"]).mean()
    profession_wide = members["member_id"].isin(applicants).mean()
    for department_id in ("SG", "WG", "DAERA", "IPO"):
        assert apply_rate[department_id] < profession_wide * 0.6, department_id


def test_london_staff_are_accepted_more_often(decided):
    in_london = decided["region"] == "London"
    assert decided.loc[in_london, "got_in"].mean() > decided.loc[~in_london, "got_in"].mean() + 0.05


def test_two_large_departments_are_clearly_below_the_profession(decided):
    profession_rate = decided["got_in"].mean()
    outcomes = decided.groupby("department_id")["got_in"].agg(["sum", "count"])
    large = outcomes[outcomes["count"] >= 100]
    clearly_below = [
        department_id
        for department_id, (accepted, applied) in large.iterrows()
        if wilson_interval(accepted, applied)[1] < profession_rate
    ]
    assert {"EA", "MOD"} <= set(clearly_below)


def test_scale_multiplies_rows_and_keeps_ids_unique(corpus):
    single = sample_data.generate(scale=1, seed=11)
    double = sample_data.generate(scale=2, seed=11)
    assert len(double["members"]) == 2 * len(single["members"])
    assert len(double["suggestions"]) == 2 * len(corpus)
    assert double["suggestions"]["text"].value_counts().min() == 2 * corpus["text"].value_counts().min()
    assert 1.8 <= len(double["participation"]) / len(single["participation"]) <= 2.2
    for name, key in (("members", "member_id"), ("suggestions", "suggestion_id")):
        assert double[name][key].is_unique
    assert not double["participation"].duplicated(["member_id", "scheme_id", "cohort_year"]).any()
    assert double["participation"]["member_id"].isin(double["members"]["member_id"]).all()
    assert 2 * 120 <= (double["suggestions"]["workshop_id"] == "w11").sum() <= 2 * 140


def test_ids_widen_only_when_needed():
    assert sample_data.padded_ids("M", 3, 6) == ["M000001", "M000002", "M000003"]
    assert sample_data.padded_ids("S", 123_456, 5)[-1] == "S123456"


def test_a_custom_corpus_is_used(tmp_path):
    for theme_id in sample_data.THEME_IDS:
        (tmp_path / f"{theme_id}.txt").write_text(
            f"first {theme_id} idea\n\nsecond {theme_id} idea\n", encoding="utf-8"
        )
    suggestions = sample_data.generate(corpus_dir=tmp_path)["suggestions"]
    assert len(suggestions) == 2 * len(sample_data.THEME_IDS)
    assert suggestions["text"].str.contains("idea").all()


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        sample_data.generate(scale=0)
    (tmp_path / "recognition.txt").write_text("x" * 2001 + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="2,000"):
        sample_data.load_corpus(tmp_path)
