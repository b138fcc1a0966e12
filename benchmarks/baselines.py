"""Pandas baselines: the main queries computed the way a typical Streamlit app does it, to compare DuckDB against.

A typical app reads its CSVs into pandas once and then, on every rerun, filters, merges and groups those frames. Each
function here takes the frames and a query's parameters and returns the same rows and columns as queries/NAME.sql.
"""

from collections.abc import Callable
from datetime import date

import pandas as pd

from dashboard import build, data

DEVOLVED = ("Wales", "Scotland", "Northern Ireland")  # in the contract's region order
GRADE_ORDER = ("AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS")
BACKGROUND_LABELS = {"science": "Science", "engineering": "Engineering", "both": "Both", "interest": "Interest"}
ENGLISH_REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
REGION_NATIONS = {**dict.fromkeys(ENGLISH_REGIONS, "England"), **{nation: nation for nation in DEVOLVED}}


def tagged_themes() -> pd.DataFrame:
    """Each suggestion's theme as the build stored it (hand-tagged or classified), from the app's current database."""
    cursor = data.cursor()
    try:
        return cursor.execute("select suggestion_id, theme_id from suggestions").df()
    finally:
        cursor.close()


def read_frames(folder, tagged_themes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The contract CSVs as pandas reads them, with the classifier's tags from the build in suggestions.theme_id.

    The tags come from the database because the CSVs leave some suggestions untagged; a pandas app would need them too.
    """
    frames = {
        table: pd.read_csv(folder / f"{table}.csv", keep_default_na=False, na_values=[""]) for table in build.TABLES
    }
    frames["workshops"]["held_on"] = pd.to_datetime(frames["workshops"]["held_on"])
    tags = tagged_themes.set_index("suggestion_id")["theme_id"]
    # A theme in the file is the team's own; the build's classifier gave the rest (no review decisions here).
    frames["suggestions"]["theme_source"] = (
        frames["suggestions"]["theme_id"].notna().map({True: "manual", False: "auto"})
    )
    frames["suggestions"]["theme_id"] = frames["suggestions"]["suggestion_id"].map(tags)
    return frames


def _chosen(frame: pd.DataFrame, column: str, values) -> pd.DataFrame:
    return frame if values is None else frame[frame[column].isin(list(values))]


def chosen_workshops(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """Workshops with their location's name and nation, filtered by nation, location and dates."""
    workshops = frames["workshops"].merge(frames["locations"][["location_id", "name", "nation"]], on="location_id")
    workshops = _chosen(workshops, "nation", params.get("nations"))
    workshops = _chosen(workshops, "location_id", params.get("location_ids"))
    if params.get("date_from"):
        workshops = workshops[workshops["held_on"] >= pd.Timestamp(params["date_from"])]
    if params.get("date_to"):
        workshops = workshops[workshops["held_on"] <= pd.Timestamp(params["date_to"])]
    return workshops


def chosen_members(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """Members filtered by department, the nation of their region, grade and background."""
    members = _chosen(frames["members"], "department_id", params.get("department_ids"))
    if params.get("nations") is not None:
        members = members[members["region"].map(REGION_NATIONS).isin(list(params["nations"]))]
    members = _chosen(members, "grade", params.get("grades"))
    return _chosen(members, "background", params.get("backgrounds"))


def chosen_suggestions(frames: dict[str, pd.DataFrame], params: dict, workshops: pd.DataFrame) -> pd.DataFrame:
    """Suggestions made at the chosen workshops, filtered by theme, with the workshop's location and nation."""
    suggestions = frames["suggestions"].merge(workshops[["workshop_id", "location_id", "nation"]], on="workshop_id")
    return _chosen(suggestions, "theme_id", params.get("theme_ids"))


def overview_kpis(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """queries/overview_kpis.sql in pandas."""
    members = chosen_members(frames, {**params, "grades": None, "backgrounds": None})
    workshops = chosen_workshops(frames, params)
    suggestions = chosen_suggestions(frames, params, workshops)
    participants = frames["participation"][frames["participation"]["member_id"].isin(members["member_id"])]
    row = {
        "members": len(members),
        "departments": members["department_id"].nunique(),
        "workshops": len(workshops),
        "locations": workshops["location_id"].nunique(),
        "suggestions": len(suggestions),
        "miles_travelled": workshops["miles_travelled"].sum(),
        "participants": participants["status"].isin(["accepted", "completed"]).sum(),
        "scheme_applicants": participants["member_id"].nunique(),
    }
    return pd.DataFrame([row])


def theme_counts(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """queries/theme_counts.sql in pandas."""
    suggestions = chosen_suggestions(frames, params, chosen_workshops(frames, params))
    counted = _chosen(frames["themes"], "theme_id", params.get("theme_ids"))[["theme_id", "label"]].copy()
    counted["suggestions"] = counted["theme_id"].map(suggestions.groupby("theme_id").size()).fillna(0).astype(int)
    by_source = suggestions.groupby(["theme_id", "theme_source"]).size()
    for column, source in (("by_hand", "manual"), ("reviewed", "reviewed"), ("unreviewed", "auto")):
        part = by_source.xs(source, level="theme_source") if source in by_source.index.get_level_values(1) else {}
        counted[column] = counted["theme_id"].map(part).fillna(0).astype(int)
    total = counted["suggestions"].sum()
    counted["share"] = counted["suggestions"] / total if total else 0.0
    return counted.sort_values(["suggestions", "label"], ascending=[False, True], ignore_index=True)


def location_suggestions(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """queries/location_suggestions.sql in pandas."""
    workshops = chosen_workshops(frames, params)
    suggestions = _chosen(frames["suggestions"], "theme_id", params.get("theme_ids"))
    per_workshop = workshops["workshop_id"].map(suggestions.groupby("workshop_id").size()).fillna(0)
    counted = (
        workshops.assign(suggestions=per_workshop.astype(int))
        .groupby(["location_id", "name", "nation"], as_index=False)["suggestions"]
        .sum()
    )
    return counted.sort_values(["suggestions", "name"], ascending=[False, True], ignore_index=True)


def roadtrip_kpis(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """queries/roadtrip_kpis.sql in pandas."""
    workshops = chosen_workshops(frames, params)
    suggestions = chosen_suggestions(frames, params, workshops)
    row = {
        "workshops": len(workshops),
        "locations": workshops["location_id"].nunique(),
        "nations": workshops["nation"].nunique(),
        "suggestions": len(suggestions),
        "workshops_with_attendees": workshops["attendees"].count(),
        "reported_miles": workshops["miles_travelled"].sum(),
    }
    return pd.DataFrame([row])


def theme_by_nation(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """queries/theme_by_nation.sql in pandas."""
    workshops = chosen_workshops(frames, params)
    themes = _chosen(frames["themes"], "theme_id", params.get("theme_ids"))[["theme_id", "label"]]
    grid = pd.DataFrame({"nation": workshops["nation"].unique()}).merge(themes, how="cross")
    suggestions = chosen_suggestions(frames, params, workshops)
    counts = suggestions.groupby(["nation", "theme_id"]).size().rename("suggestions").reset_index()
    counted = grid.merge(counts, on=["nation", "theme_id"], how="left")
    counted["suggestions"] = counted["suggestions"].fillna(0).astype(int)
    totals = counted.groupby("nation")["suggestions"].transform("sum")
    counted["share"] = (counted["suggestions"] / totals.where(totals > 0)).fillna(0.0)
    return counted.sort_values(["nation", "label"], ignore_index=True)


def leadership_funnel(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """queries/leadership_funnel.sql in pandas."""
    members = chosen_members(frames, {"department_ids": params.get("department_ids"), "grades": params.get("grades")})
    applications = frames["participation"][frames["participation"]["member_id"].isin(members["member_id"])]
    if params.get("scheme_id") is not None:
        applications = applications[applications["scheme_id"] == params["scheme_id"]]
    applications = _chosen(applications, "cohort_year", params.get("cohort_years"))
    status = applications["status"].value_counts()
    row = {
        "applications": len(applications),
        "places": status.get("accepted", 0) + status.get("completed", 0),
        "accepted": status.get("accepted", 0),
        "completed": status.get("completed", 0),
        "rejected": status.get("rejected", 0),
        "withdrawn": status.get("withdrawn", 0),
        "awaiting": status.get("applied", 0),
    }
    return pd.DataFrame([row])


def profession_composition(frames: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """queries/profession_composition.sql in pandas."""
    members = chosen_members(frames, params)
    grades = _chosen(pd.DataFrame({"category": GRADE_ORDER}), "category", params.get("grades"))
    backgrounds = _chosen(pd.DataFrame({"category": list(BACKGROUND_LABELS)}), "category", params.get("backgrounds"))
    regions = pd.DataFrame({"category": list(REGION_NATIONS), "nation": list(REGION_NATIONS.values())})
    regions = _chosen(regions, "nation", params.get("nations"))
    departments = (
        members.groupby("department_id")
        .size()
        .rename("members")
        .reset_index()
        .merge(frames["departments"], on="department_id")
        .sort_values(["members", "name"], ascending=[False, True], ignore_index=True)
    )
    departments["sort_order"] = departments.index + 1
    top = params.get("top_departments")
    if top is not None and len(departments) > top + 1:
        others = departments.iloc[top:]
        other = {"department_id": "_other", "name": f"Other departments ({len(others)})"}
        departments = pd.concat(
            [
                departments.iloc[:top],
                pd.DataFrame([{**other, "members": others["members"].sum(), "sort_order": top + 1}]),
            ],
            ignore_index=True,
        )
    departments = departments.rename(columns={"department_id": "category", "name": "label"}).assign(
        breakdown="department", nation=None
    )

    def with_zero_rows(categories: pd.DataFrame, column: str, breakdown: str, labels: dict | None = None):
        counts = members.groupby(column).size()
        return categories.assign(
            breakdown=breakdown,
            label=categories["category"].map(labels) if labels else categories["category"],
            sort_order=categories.index + 1,
            members=categories["category"].map(counts).fillna(0).astype(int),
        )

    parts = [
        departments,
        with_zero_rows(grades, "grade", "grade"),
        with_zero_rows(backgrounds, "background", "background", BACKGROUND_LABELS),
        with_zero_rows(regions, "region", "region"),
    ]
    combined = pd.concat(parts, ignore_index=True)
    totals = combined.groupby("breakdown")["members"].transform("sum")
    combined["share"] = (combined["members"] / totals.where(totals > 0)).fillna(0.0)
    columns = ["breakdown", "category", "label", "nation", "sort_order", "members", "share"]
    return combined[columns].sort_values(["breakdown", "sort_order", "label"], ignore_index=True)


BASELINES: dict[str, Callable[[dict[str, pd.DataFrame], dict], pd.DataFrame]] = {
    function.__name__: function
    for function in (
        overview_kpis,
        theme_counts,
        location_suggestions,
        roadtrip_kpis,
        theme_by_nation,
        leadership_funnel,
        profession_composition,
    )
}


def same_result(duckdb_result: pd.DataFrame, pandas_result: pd.DataFrame, key: list[str] | None) -> bool:
    """Whether two results hold the same rows (in key order when a key is given) and the same values, to rounding."""
    if list(duckdb_result.columns) != list(pandas_result.columns) or len(duckdb_result) != len(pandas_result):
        return False
    left, right = duckdb_result, pandas_result
    if key:
        left = left.sort_values(key, ignore_index=True)
        right = right.sort_values(key, ignore_index=True)
    for column in left.columns:
        ours, theirs = left[column], right[column]
        numeric = pd.api.types.is_numeric_dtype(ours) and pd.api.types.is_numeric_dtype(theirs)
        if numeric:
            ours, theirs = ours.astype("float64"), theirs.astype("float64")
            close = ((ours - theirs).abs() <= 1e-9 * theirs.abs().clip(lower=1)) | (ours.isna() & theirs.isna())
            if not close.all():
                return False
        elif not all(_same_value(a, b) for a, b in zip(ours, theirs, strict=True)):
            return False
    return True


def _same_value(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if isinstance(a, date) or isinstance(b, date):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return str(a) == str(b)
