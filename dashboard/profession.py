"""Profession page builders: composition tables and charts, the regional map, voices coverage and key findings."""

import json
import math
import textwrap
from functools import cache
from numbers import Number

import pandas as pd
import plotly.graph_objects as go

from dashboard import attendees, charts, config, disclosure, findings, members, plaintext

GRADES = ("AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS")
BACKGROUNDS = {"science": "Science", "engineering": "Engineering", "both": "Both", "interest": "Interest"}
TOP_DEPARTMENTS = 10
OTHER = "_other"
# A region or nation whose share of suggestions is under 80% of its share of members is flagged as under-represented.
UNDER_REPRESENTED = 0.8
REGIONS_GEOJSON = config.DATA_DIR / "geo" / "uk_regions.geojson"
MAP_HEIGHT = 620
# The plot area is only known in the browser. Measured in Chromium, it is 432 pixels tall at every width (the colour
# bar and the legend under the map take the rest) and 338 wide on a 390-pixel phone; fitted to a little less, so that
# no coast is cut (fitted to 470 pixels, Cornwall fell off the bottom at every width).
MAP_AREA = (330, 410)
SUPPRESSED_GREY = "#D9D9D9"
NOT_RECORDED = attendees.NOT_RECORDED

# Members are protected once for every page, in members.protected_rollup: each count of members here (the KPI, the
# breakdowns, the map, the voices table, the contributors' profession column) is built from that rollup's published
# cells, and a share is blank wherever its count or its total is (beside its count, a share gives the total away).
# Identified contributors are protected here, by breakdown: each breakdown adds up to the same known total.
CONTRIBUTOR_PROTECTION = {
    "counts": ["contributors"],
    "rates": {"contributor_share": ("contributors", "contributors")},
    "groups": [["breakdown"]],
}
# Attendees are people too, but they are protected once for this page and the Roadtrip page alike, in
# attendees.protected_totals: the voices table's regions and the map's locations are rows of that rollup.


@cache
def regions_geojson() -> dict:
    """The 12 ITL1 region outlines (Natural Earth, public domain), keyed by properties.region."""
    return json.loads(REGIONS_GEOJSON.read_text())


def percent(share) -> str:
    """A share as a percentage a reader can compare: whole numbers, one decimal below 1%, [c] when blanked."""
    if share is None or pd.isna(share):
        return disclosure.SUPPRESSED
    if 0 < share < 0.01:
        return f"{share:.1%}"
    return f"{share:.0%}"


def count_text(count) -> str:
    """A count of people that may have been blanked, as text."""
    return disclosure.SUPPRESSED if count is None or pd.isna(count) else f"{int(count):,}"


def titled(figure: go.Figure, title: str, *, height: int, width: int = 100, **layout) -> go.Figure:
    """The house style with the title wrapped to `width` characters and aligned with the chart's left edge; `layout`
    adds to it as in charts.style (its margin is added to the title's)."""
    lines = textwrap.wrap(title, width) or [""]
    margin = {"t": 40 + 22 * len(lines), **layout.pop("margin", {})}
    # Streamlit's theme would otherwise place the title over the plot area, which long axis labels push right.
    return charts.style(
        figure,
        "\n".join(lines),
        height=height + 22 * (len(lines) - 1),
        title={"xref": "container", "x": 0.01},
        margin=margin,
        **layout,
    )


def bar_room(largest: float) -> list[float]:
    """An x-axis range with room on the right of horizontal bars for their outside labels."""
    return [0, (largest or 1) * 1.22]


def composition(rows: pd.DataFrame, breakdown: str) -> pd.DataFrame:
    """One breakdown of the composition_members result, in its display order."""
    return rows[rows["breakdown"] == breakdown].reset_index(drop=True)


def member_filters(department_ids=None, nations=None, grades=None, backgrounds=None) -> dict:
    """The page's choices as members.count arguments (None for no filter)."""
    return {
        "department_ids": department_ids or None,
        "grades": grades or None,
        "regions": members.nation_regions(nations or None),
        "backgrounds": backgrounds or None,
    }


def composition_members(rows: pd.DataFrame, rollup: members.Rollup, chosen: dict) -> pd.DataFrame:
    """The profession_composition rows with each category's members and share taken from the protected rollup.

    `chosen` is member_filters(...). A category narrows its own dimension to itself; 'Other departments' is every
    chosen department not shown on its own. The share is of the members of all the choices together.
    """
    narrows = {"department": "department_ids", "grade": "grades", "region": "regions", "background": "backgrounds"}
    alone = set(rows.loc[(rows["breakdown"] == "department") & (rows["category"] != OTHER), "category"])
    every = set(rollup.departments)
    others = set(chosen["department_ids"] or every) - alone
    counts = [
        members.or_exact(
            members.count(rollup, **{**chosen, narrows[breakdown]: others if category == OTHER else [category]}), exact
        )
        for breakdown, category, exact in zip(rows["breakdown"], rows["category"], rows["members"], strict=True)
    ]
    exact_totals = rows.groupby("breakdown")["members"].sum()
    total = members.or_exact(members.count(rollup, **chosen), int(exact_totals.iloc[0]) if len(rows) else 0)
    counts = _rest_of_departments(rows, counts, total)
    return rows.assign(
        members=pd.array(counts, dtype="Int64"),
        share=pd.array([members.share(count, total) for count in counts], dtype="Float64"),
    )


def _rest_of_departments(rows: pd.DataFrame, counts: list, total) -> list:
    # 'Other departments' is the total less the departments shown on their own whenever those are all shown: anyone
    # can subtract, so a [c] there would hide nothing. It stays [c] when that difference is below the threshold.
    departments = (rows["breakdown"] == "department").to_numpy()
    other = departments & (rows["category"] == OTHER).to_numpy()
    named = [count for count, is_named in zip(counts, departments & ~other, strict=True) if is_named]
    if not other.any() or pd.isna(total) or any(pd.isna(count) for count in named):
        return counts
    rest = total - sum(named)
    if disclosure.is_small(rest):
        return counts
    return [rest if is_other else count for count, is_other in zip(counts, other, strict=True)]


def contributor_members(rows: pd.DataFrame, rollup: members.Rollup) -> pd.DataFrame:
    """The protected profession_contributors rows with the whole profession's members and shares from the rollup."""
    alone = set(rows.loc[(rows["breakdown"] == "department") & (rows["category"] != OTHER), "category"])
    others = set(rollup.departments) - alone
    narrows = {"department": "department_ids", "grade": "grades"}
    counts = [
        members.count(rollup, **{narrows[breakdown]: others if category == OTHER else [category]})
        for breakdown, category in zip(rows["breakdown"], rows["category"], strict=True)
    ]
    total = members.count(rollup)
    counts = _rest_of_departments(rows, counts, total)
    return rows.assign(
        members=pd.array(counts, dtype="Int64"),
        member_share=pd.array([members.share(count, total) for count in counts], dtype="Float64"),
    )


def composition_table(frame: pd.DataFrame, heading: str) -> pd.DataFrame:
    """A breakdown as a table for the screen and downloads, blanked cells written as [c]."""
    table = pd.DataFrame(
        {
            heading: frame["label"],
            "Members": frame["members"],
            "Share of members (%)": (frame["share"] * 100).round(1),
        }
    )
    return disclosure.display(table, ["Members", "Share of members (%)"])


def for_screen(table: pd.DataFrame) -> pd.DataFrame:
    """A display table with every column of numbers and [c] written as text, since the browser grid needs one type."""
    shown = table.copy()
    for column in shown.columns:
        if shown[column].dtype == object and any(isinstance(value, Number) for value in shown[column]):
            shown[column] = [f"{value:,}" if isinstance(value, Number) else value for value in shown[column]]
    return shown


def largest(frame: pd.DataFrame, noun: str, verb: str = "is the most common") -> str:
    """A title that states the finding: the largest shown category and its share of members."""
    shown = frame[frame["members"].notna() & (frame["category"] != OTHER)]
    if shown.empty or not shown["members"].max():
        return f"Members by {noun}"
    top = shown.loc[shown["members"].astype(float).idxmax()]
    return f"{top['label']} {verb} {noun}: {percent(top['share'])} of members ({count_text(top['members'])})"


def composition_bar(frame: pd.DataFrame, title: str, *, title_width: int = 80) -> go.Figure:
    """Members per category as horizontal bars, first row at the top, each labelled with its count and share."""
    labelled = frame.assign(
        text=[
            disclosure.SUPPRESSED if pd.isna(members) else f"{int(members):,} ({percent(share)})"
            for members, share in zip(frame["members"], frame["share"], strict=True)
        ],
        # A blanked count is drawn as an empty bar labelled [c], so the category stays on the chart.
        members=frame["members"].astype(float).fillna(0),
        label=frame["label"].map(charts.wrap_label),
    )
    figure = charts.bar_figure(labelled, x="members", y="label", text="text", hover="%{y}: %{text}<extra></extra>")
    lines = max((label.count("\n") + 1 for label in labelled["label"]), default=1)
    return titled(
        figure,
        title,
        height=max(260, max(32, 15 * lines + 6) * len(frame) + 100),
        width=title_width,
        # Every bar carries its count: tick numbers would repeat them, and in a half-width column on a tablet they ran
        # into each other ("0 2000 4000 6000").
        xaxis={
            "title": {"text": "Members"},
            "range": bar_room(labelled["members"].max()),
            "showticklabels": False,
            "showgrid": False,
            "ticks": "",
        },
    )


def region_bounds(geojson: dict) -> dict[str, tuple[float, float, float, float]]:
    """Each region's bounding box as (west, south, east, north), for framing the map."""
    boxes = {}
    for feature in geojson["features"]:
        points = list(_coordinates(feature["geometry"]))
        longitudes, latitudes = zip(*points, strict=True)
        boxes[feature["properties"]["region"]] = (min(longitudes), min(latitudes), max(longitudes), max(latitudes))
    return boxes


def _coordinates(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            yield from ((point[0], point[1]) for point in ring)


def _mercator(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


@cache
def bundled_region_bounds() -> dict[str, tuple[float, float, float, float]]:
    """region_bounds of the bundled outlines, worked out once: walking every point took 0.1 s a run."""
    return region_bounds(regions_geojson())


def map_view(regions: list[str], boxes: dict[str, tuple[float, float, float, float]]) -> dict:
    """The centre and zoom that fit the given regions (with their region_bounds) into the map (web Mercator)."""
    chosen = [boxes[region] for region in regions if region in boxes] or list(boxes.values())
    west, south = min(box[0] for box in chosen), min(box[1] for box in chosen)
    east, north = max(box[2] for box in chosen), max(box[3] for box in chosen)
    width, height = MAP_AREA
    zoom_x = math.log2(width * 360 / (512 * max(east - west, 0.1)))
    zoom_y = math.log2(height * 2 * math.pi / (512 * max(_mercator(north) - _mercator(south), 0.002)))
    centre_y = (_mercator(north) + _mercator(south)) / 2
    centre_latitude = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return {"center": {"lon": (west + east) / 2, "lat": centre_latitude}, "zoom": min(zoom_x, zoom_y)}


def outlines(geojson: dict, regions) -> dict:
    """Only the named regions' outlines: each map trace carries just its own, so no outline is sent twice."""
    wanted = set(regions)
    return {**geojson, "features": [f for f in geojson["features"] if f["properties"]["region"] in wanted]}


def recorded(frame: pd.DataFrame) -> pd.Series:
    """True where at least one workshop recorded its attendance, so that `attendees` is a count of people."""
    return frame["workshops"] > frame["workshops_without_attendance"]


def attendees_text(frame: pd.DataFrame) -> list[str]:
    """Recorded attendees as text: a count, [c] when blanked, or 'not recorded' where no workshop recorded any."""
    return [
        attendees.text(value if was_recorded else None)
        for value, was_recorded in zip(frame["attendees"], recorded(frame), strict=True)
    ]


def workshop_locations(locations: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The profession_workshop_locations rows with each location's protected attendees (`totals`, the attendee rollup).

    Where no workshop at a location recorded attendance, `attendees` is missing and `recorded` says so.
    """
    values = attendees.location_rows(totals).set_index("location_id")["attendees"]
    return locations.assign(
        attendees=pd.array([values.get(location_id, pd.NA) for location_id in locations["location_id"]], dtype="Int64")
    )


def members_map(regions: pd.DataFrame, workshops: pd.DataFrame, title: str, geojson: dict | None = None) -> go.Figure:
    """Members per region shaded on an offline map (no tiles), with the workshop locations on top.

    `regions` is a protected region breakdown (blank members are drawn grey and named in the legend); `workshops` is the
    profession_workshop_locations result with its protected attendees (workshop_locations).
    """
    boxes = region_bounds(geojson) if geojson else bundled_region_bounds()
    geojson = geojson or regions_geojson()
    shown = regions[regions["members"].notna()]
    hidden = regions[regions["members"].isna()]
    figure = go.Figure()
    if not shown.empty:
        figure.add_trace(
            go.Choroplethmap(
                geojson=outlines(geojson, shown["category"]),
                featureidkey="properties.region",
                locations=shown["category"],
                z=shown["members"].astype(float),
                zmin=0,
                zmax=float(shown["members"].max()),
                colorscale=charts.SEQUENTIAL_SCALE,
                # Under the map, not beside it: on a phone a bar at the side covered East of England.
                colorbar={
                    "title": {"text": "Members", "side": "top"},
                    "orientation": "h",
                    "thickness": 12,
                    "len": 0.8,
                    "x": 0,
                    "xanchor": "left",
                    "y": -0.02,
                    "yanchor": "top",
                },
                marker={"line": {"color": "white", "width": 1}},
                customdata=[
                    [count_text(members), percent(share)]
                    for members, share in zip(shown["members"], shown["share"], strict=True)
                ],
                hovertemplate="<b>%{location}</b><br>%{customdata[0]} members (%{customdata[1]})<extra></extra>",
                name="Members",
                showlegend=False,
            )
        )
    if not hidden.empty:
        figure.add_trace(
            go.Choroplethmap(
                geojson=outlines(geojson, hidden["category"]),
                featureidkey="properties.region",
                locations=hidden["category"],
                z=[0] * len(hidden),
                colorscale=[[0, SUPPRESSED_GREY], [1, SUPPRESSED_GREY]],
                showscale=False,
                marker={"line": {"color": "white", "width": 1}},
                hovertemplate=f"<b>%{{location}}</b><br>{disclosure.SUPPRESSED}: too few members to show<extra></extra>",
                name=f"{disclosure.SUPPRESSED}: too few members to show",
                showlegend=True,
            )
        )
    if not workshops.empty:
        figure.add_trace(
            go.Scattermap(
                lon=workshops["longitude"],
                lat=workshops["latitude"],
                mode="markers",
                marker={"size": 13, "color": charts.ORANGE},
                customdata=workshops[["name", "workshops", "suggestions"]]
                .assign(
                    attendees=[
                        f"{text} recorded attendees" if text != NOT_RECORDED else "attendance not recorded"
                        for text in attendees_text(workshops)
                    ]
                )
                .to_numpy(),
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]} workshop(s), %{customdata[2]} suggestions,"
                    " %{customdata[3]}<extra></extra>"
                ),
                name="Workshop location",
            )
        )
    figure.update_layout(
        map={"style": "white-bg", **map_view(list(regions["category"]), boxes)},
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        showlegend=True,
    )
    return titled(figure, title, height=MAP_HEIGHT)


def region_detail(region: str, regions: pd.DataFrame, voices: pd.DataFrame) -> str:
    """What the page knows about one region, as Markdown: its matching members, and its voice in the whole tour."""
    members = regions.set_index("category").loc[region]
    heard = voices.set_index("region").loc[region]
    ratio = heard["representation_ratio"]
    # A suggestion counts for the region its workshop was held in, as in the findings.
    voice = (
        f"and its {heard['workshops']:,} workshop(s) gave {percent(heard['suggestion_share'])} of suggestions "
        f"({heard['suggestions']:,})"
        if heard["workshops"]
        else "but no workshop was held there"
    )
    flagged = heard["under_represented"]
    flag = " and is under-represented" if pd.notna(flagged) and bool(flagged) else ""
    return (
        f"**{plaintext.markdown(region)}**: {count_text(members['members'])} matching members ({percent(members['share'])} of those shown). "
        f"In the whole profession it holds {percent(heard['member_share'])} of members, {voice}"
        + (f" (ratio {ratio:.2f}){flag}." if pd.notna(ratio) else ".")
    )


def voices(rows: pd.DataFrame, totals: pd.DataFrame, rollup: members.Rollup) -> pd.DataFrame:
    """The profession_voices result with each region's protected members and attendees, and under-represented flags.

    Members come from `rollup`, the protected member rollup (members.protected_rollup): a blank count blanks its share
    and the ratio built on it. A ratio of 0 (no suggestions) is kept whatever the member count, since it reveals
    nothing about it. Attendees and their share come from `totals`, the protected attendee rollup
    (attendees.protected_totals): a share is blank where its region's attendees or the total are. Where no workshop
    recorded attendance the 0 is structural (see `recorded`): shown as 0.
    """
    counts = [members.count(rollup, regions=[region]) for region in rows["region"]]
    total = members.count(rollup)
    flagged = rows.assign(
        members=pd.array(counts, dtype="Int64"),
        member_share=pd.array([members.share(count, total) for count in counts], dtype="Float64"),
    )
    shares = flagged["member_share"].astype(float)
    flagged["representation_ratio"] = pd.array(
        [
            0.0 if suggestions == 0 else pd.NA if pd.isna(share) or not share else share_of_suggestions / share
            for suggestions, share_of_suggestions, share in zip(
                flagged["suggestions"], flagged["suggestion_share"], shares, strict=True
            )
        ],
        dtype="Float64",
    )
    values = attendees.region_rows(totals).set_index("region")["attendees"]
    flagged["attendees"] = pd.array([values.get(region, pd.NA) for region in flagged["region"]], dtype="Int64")
    counted, total = flagged["attendees"].astype("Float64"), attendees.grand_total(totals)
    # A shown share beside its shown count gives the total away, so no share is shown when the total is blank.
    flagged["attendee_share"] = counted * pd.NA if pd.isna(total) else counted / total if total else counted * 0.0
    structural = ~recorded(flagged)
    flagged.loc[structural, "attendees"] = 0
    flagged.loc[structural, "attendee_share"] = 0.0
    flagged["under_represented"] = (flagged["representation_ratio"] < UNDER_REPRESENTED).astype("boolean")
    return flagged


def voices_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Voices coverage as a table for the screen and downloads, every region kept, blanked cells as [c]."""
    table = pd.DataFrame(
        {
            "Region or nation": frame["region"],
            "Members": frame["members"],
            "Members (%)": (frame["member_share"] * 100).round(1),
            "Recorded attendees (%)": (frame["attendee_share"] * 100).round(1),
            "Suggestions (%)": (frame["suggestion_share"] * 100).round(1),
            "Representation ratio": frame["representation_ratio"].round(2),
            "Workshops": frame["workshops"],
            "Workshops without attendance": frame["workshops_without_attendance"],
            "Attendees (recorded)": frame["attendees"],
            "Suggestions": frame["suggestions"],
            "Nation": frame["nation"],
        }
    )
    protected = ["Members", "Members (%)", "Recorded attendees (%)", "Representation ratio", "Attendees (recorded)"]
    shown = disclosure.display(table, protected)
    # A region with workshops but no recorded attendance says so, as the Roadtrip page does; with no workshop it is 0.
    shown.loc[((frame["workshops"] > 0) & ~recorded(frame)).to_numpy(), "Attendees (recorded)"] = NOT_RECORDED
    flags = [
        disclosure.SUPPRESSED if pd.isna(flag) else ("Yes" if flag else "No") for flag in frame["under_represented"]
    ]
    shown.insert(shown.columns.get_loc("Representation ratio") + 1, "Under-represented (< 0.8)", flags)
    return shown


def share_bars(
    frame: pd.DataFrame, label: str, series: list[tuple[str, str, str, str]], title: str, *, bar_height: int
) -> go.Figure:
    """Grouped horizontal bars of shares, first row at the top, each bar labelled; a blanked share is labelled [c].

    `series` lists (legend name, share column, noun for the hover text, colour), drawn top to bottom in each group.
    """
    ordered = frame.iloc[::-1]
    names = ordered[label].map(charts.wrap_label)
    # Plotly stacks a group's bars from the bottom up, so the series go in reversed and the legend reverses them back.
    bars = [
        go.Bar(
            y=names,
            x=ordered[column].astype(float).fillna(0),
            orientation="h",
            name=name,
            marker_color=colour,
            text=[percent(share) for share in ordered[column]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}: %{{text}} of {noun}<extra></extra>",
        )
        for name, column, noun, colour in reversed(series)
    ]
    largest = max(frame[column].astype(float).max() for _, column, _, _ in series)
    # Built whole, traces and layout at once: each add_* or update_* call afterwards validates the figure again.
    return titled(
        go.Figure(bars),
        title,
        # Plotly gives every group the same height, so each is as tall as the longest name: at a fixed height a name on
        # four lines ran into the next group's.
        height=100 + len(names) * max(bar_height, 15 * max((name.count("\n") + 1 for name in names), default=1) + 8),
        barmode="group",
        legend={"orientation": "h", "traceorder": "reversed", "x": 0, "y": 0, "yanchor": "bottom", "yref": "container"},
        xaxis={
            "tickformat": ".0%",
            "showgrid": True,
            "range": bar_room(largest if pd.notna(largest) else 1),
        },
        margin={"b": 80},
    )


def voices_chart(frame: pd.DataFrame) -> go.Figure:
    """Each region's share of members, workshop attendees and suggestions as grouped bars, most members first."""
    series = [
        ("Share of members", "member_share", "members", charts.DARK_BLUE),
        ("Share of recorded workshop attendees", "attendee_share", "recorded attendees", charts.TURQUOISE),
        ("Share of suggestions", "suggestion_share", "suggestions", charts.ORANGE),
    ]
    ordered = frame.sort_values("member_share", ascending=False, na_position="last")
    return share_bars(ordered, "region", series, voices_title(frame), bar_height=60)


def _regions(count: int, verb: bool = True) -> str:
    """'12 regions and nations are' or '1 region or nation is' (the verb agreeing with the count), or without it."""
    if count == 1:
        return "1 region or nation is" if verb else "1 region or nation"
    return f"{count} regions and nations are" if verb else f"{count} regions and nations"


def voices_title(frame: pd.DataFrame) -> str:
    """'5 of 12 regions and nations are under-represented in the suggestions'."""
    flagged = int(frame["under_represented"].fillna(False).sum())
    return f"{flagged} of {_regions(len(frame))} under-represented in the suggestions"


def ratio_chart(frame: pd.DataFrame) -> go.Figure:
    """The representation ratio per region, lowest at the top, with the 0.8 threshold and parity marked."""
    ordered = frame.sort_values("representation_ratio", ascending=False, na_position="last").iloc[::-1]
    flagged = ordered["under_represented"].fillna(False).astype(bool)
    labels = []
    for ratio, is_flagged, count in zip(ordered["representation_ratio"], flagged, ordered["members"], strict=True):
        if pd.isna(ratio):
            labels.append("no members" if pd.notna(count) and count == 0 else disclosure.SUPPRESSED)
        else:
            labels.append(f"{ratio:.2f} under-represented" if is_flagged else f"{ratio:.2f}")
    bars = go.Bar(
        y=ordered["region"].map(charts.wrap_label),
        x=ordered["representation_ratio"].astype(float).fillna(0),
        orientation="h",
        marker_color=[charts.DARK_PINK if is_flagged else charts.DARK_BLUE for is_flagged in flagged],
        marker_pattern_shape=["/" if is_flagged else "" for is_flagged in flagged],
        text=labels,
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: ratio %{text}<extra></extra>",
        showlegend=False,
    )
    marks = ((UNDER_REPRESENTED, "dash", "0.8", "right"), (1, "dot", "parity 1.0", "left"))
    # Built whole, traces and layout at once: each add_* or update_* call afterwards validates the figure again.
    return titled(
        go.Figure(bars),
        ratio_title(frame),
        height=120 + 34 * len(frame),
        shapes=[
            charts.vertical_line(x, {"dash": dash, "color": charts.DARK_GREY}, layer="below") for x, dash, _, _ in marks
        ],
        annotations=[
            {"x": x, "y": 1, "yref": "paper", "text": text, "showarrow": False, "xanchor": side, "yanchor": "bottom"}
            for x, _, text, side in marks
        ],
        xaxis={
            "title": {"text": "Share of suggestions ÷ share of members"},
            "showgrid": True,
            "range": bar_room(max(frame["representation_ratio"].astype(float).fillna(0).max(), 1.2)),
        },
    )


def ratio_title(frame: pd.DataFrame) -> str:
    """'Workshops in Wales gave 4.2 times its share of members in suggestions; 5 fall below 0.8'."""
    ratios = frame["representation_ratio"].astype(float)
    flagged = int(frame["under_represented"].fillna(False).sum())
    if not ratios.notna().any() or ratios.max() <= 0:
        return f"Representation ratio: {flagged} of {_regions(len(frame), verb=False)} fall below 0.8"
    top = frame.loc[ratios.idxmax()]
    return (
        f"Workshops in {top['region']} gave {top['representation_ratio']:.1f} times its share of members in "
        "suggestions; "
        f"{flagged} of {len(frame)} fall below 0.8"
    )


def under_represented(frame: pd.DataFrame) -> str | None:
    """'... no workshop was held in South East (17% of members) or North East (2%); Wales holds 5% of members but its
    workshops gave 1% of suggestions': the regions where no workshop was held first, then the rest, each by its share
    of members, largest first.

    A suggestion counts for the region its workshop was held in, not its author's: a region where no workshop was held
    heard nothing from the tour, though its members may have spoken elsewhere.
    """
    flagged = frame[frame["under_represented"].fillna(False).astype(bool)]
    if flagged.empty:
        return (
            "No region or nation is under-represented: each gave at least 0.8 of its share of members in suggestions."
        )
    flagged = flagged.assign(order=flagged["member_share"].astype(float).fillna(0)).sort_values(
        "order", ascending=False
    )
    absent = flagged[flagged["workshops"] == 0]
    clauses = []
    if not absent.empty:
        places = [
            f"{row.region} ({percent(row.member_share)}{' of members' if number == 0 else ''})"
            for number, row in enumerate(absent.itertuples())
        ]
        clauses.append(f"no workshop was held in {findings.listed(places, 'or')}")
    for row in flagged[flagged["workshops"] > 0].itertuples():
        gave = f"gave {percent(row.suggestion_share)} of suggestions" if row.suggestions else "gave no suggestions"
        holds = f" holds {percent(row.member_share)} of members but" if pd.notna(row.member_share) else ":"
        clauses.append(f"{row.region}{holds} its workshops {gave}")
    count = f"{len(flagged)} of {len(frame)} regions and nations are" if len(flagged) > 1 else "One region or nation is"
    return (
        f"{count} under-represented (the share of suggestions from workshops held there is below 0.8 of the share of "
        f"members): {'; '.join(clauses)}."
    )


def best_heard(frame: pd.DataFrame) -> str | None:
    """'Workshops in Wales gave 12% of suggestions; it holds 3% of members (ratio 4.2), the highest of any region or
    nation.'"""
    ratios = frame["representation_ratio"].astype(float)
    if not ratios.notna().any() or ratios.max() <= 0:
        return None
    top = frame.loc[ratios.idxmax()]
    return (
        f"Workshops in {top['region']} gave {percent(top['suggestion_share'])} of suggestions; it holds "
        f"{percent(top['member_share'])} of members (ratio {top['representation_ratio']:.1f}), the highest of any "
        "region or nation."
    )


def attendance_note(kpis: dict) -> str:
    """How workshops without a recorded attendance are treated."""
    missing, total = kpis["workshops_without_attendance"], kpis["workshops"]
    if not missing:
        return (
            "The workshop recorded its attendance."
            if total == 1
            else f"All {total} workshops recorded their attendance."
        )
    return (
        f"{missing} of {findings.plural(int(total), 'workshop')} recorded no attendance: they count for suggestions but add nothing to their "
        "region's attendees or to the total, so attendee shares are shares of recorded attendance."
    )


def identified(kpis: dict) -> str | None:
    """'410 of 1,170 suggestions (35%) carry a member ID, from 398 identified contributors.'"""
    total, named = kpis["suggestions"], kpis["identified_suggestions"]
    if not total:
        return None
    if not named:
        return f"None of the {findings.plural(int(total), 'suggestion')} carries a member ID, so contributors cannot be compared with the profession."
    return (
        f"{named:,} of {findings.plural(int(total), 'suggestion')} ({percent(named / total)}) carry a member ID, from "
        f"{disclosure.format_count(kpis['identified_contributors'])} identified contributors."
    )


def contributor_mix(rows: pd.DataFrame, breakdown: str) -> pd.DataFrame:
    """One breakdown of the protected profession_contributors result, in its display order."""
    return rows[rows["breakdown"] == breakdown].reset_index(drop=True)


def contributor_table(frame: pd.DataFrame, heading: str) -> pd.DataFrame:
    """A contributor mix as a table for the screen and downloads, blanked cells as [c]."""
    table = pd.DataFrame(
        {
            heading: frame["label"],
            "Members": frame["members"],
            "Share of the profession (%)": (frame["member_share"] * 100).round(1),
            "Identified contributors": frame["contributors"],
            "Share of identified contributors (%)": (frame["contributor_share"] * 100).round(1),
        }
    )
    columns = [
        "Members",
        "Share of the profession (%)",
        "Identified contributors",
        "Share of identified contributors (%)",
    ]
    return disclosure.display(table, columns)


def _largest_gaps(frame: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    # The categories whose share of contributors is furthest above and below their share of members (shown ones only).
    shown = frame[frame["member_share"].notna() & frame["contributor_share"].notna()]
    if shown.empty:
        return None, None
    gap = shown["contributor_share"].astype(float) - shown["member_share"].astype(float)
    over = shown.loc[gap.idxmax()] if gap.max() > 0 else None
    under = shown.loc[gap.idxmin()] if gap.min() < 0 else None
    return over, under


def _name(row: pd.Series) -> str:
    # "Other departments (19)" reads as a list heading; in a sentence it is the smaller departments taken together.
    if row["category"] == OTHER:
        return f"the other {row['label'].removeprefix('Other departments (').rstrip(')')} departments together"
    return row["label"]


def mix_gap(frame: pd.DataFrame, noun: str) -> str | None:
    """'By grade, identified contributors over-represent G7 (30.1% against 22.4% of members) and under-represent EO.'"""
    over, under = _largest_gaps(frame)
    parts = []
    if over is not None:
        parts.append(
            f"over-represent {_name(over)} ({over['contributor_share']:.1%} of contributors against "
            f"{over['member_share']:.1%} of members)"
        )
    if under is not None:
        parts.append(
            f"under-represent {_name(under)} ({under['contributor_share']:.1%} against {under['member_share']:.1%})"
        )
    if not parts:
        return None
    return f"By {noun}, identified contributors {' and '.join(parts)}."


def mix_title(frame: pd.DataFrame, noun: str) -> str:
    """'By grade, identified contributors over-represent G7 and under-represent EO' (shares in the chart and table)."""
    over, under = _largest_gaps(frame)
    if over is None and under is None:
        return f"Identified contributors and the profession by {noun}"
    parts = [
        f"{verb} {_name(row)}"
        for verb, row in (("over-represent", over), ("under-represent", under))
        if row is not None
    ]
    return f"By {noun}, identified contributors {' and '.join(parts)}"


def mix_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """Share of the profession beside share of identified contributors, per category, as grouped bars."""
    series = [
        ("Share of the profession", "member_share", "the profession", charts.DARK_BLUE),
        ("Share of identified contributors", "contributor_share", "identified contributors", charts.ORANGE),
    ]
    return share_bars(frame, "label", series, title, bar_height=44)
