"""The Leadership access page's protected tables, and pure builders for its rates, Wilson intervals, figures, tables
and key findings."""

import textwrap
from statistics import NormalDist

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboard import charts, data, disclosure, findings, members
from dashboard.disclosure import TOTAL
from dashboard.story.slides import Series

CONFIDENCE = 0.95
ALL_SCHEMES = "all"
GRADES = ("AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS")
# How each query's counts are protected (passed to data.protected). Applications and participants form one
# department x scheme table with row and column totals; stages add up within a row (the funnel, the cohorts).
STAGE_SUMS = {"applications": ["places", "rejected", "withdrawn", "awaiting"], "places": ["accepted", "completed"]}
STAGES = ["applications", "places", "accepted", "completed", "rejected", "withdrawn", "awaiting"]
DEPARTMENT_SCHEMES = {"counts": ["applications", "places"], "margins": ["department_id", "scheme_id"]}
FUNNEL = {"counts": STAGES, "sums": STAGE_SUMS}
# Each cohort's stages add up across the row; the cohorts, grades and regions add up to the funnel, which
# `page_links` tells the disclosure control.
COHORTS = {"counts": STAGES, "sums": STAGE_SUMS}
BREAKDOWN = {"counts": ["applications", "places"]}
# Every table of applications the page shows (and the board pack, from the same call), protected as one system.
# Members are not here: their counts come from the one member rollup every page reads (members.protected_rollup),
# so a member count this page blanks is blank on the Profession and Overview pages too, and the other way round.
PAGE_TABLES = {
    "schemes": ("leadership_department_schemes", DEPARTMENT_SCHEMES),
    "funnel": ("leadership_funnel", FUNNEL),
    "cohorts": ("leadership_cohorts", COHORTS),
    "grades": ("leadership_grades", BREAKDOWN),
    "regions": ("leadership_regions", BREAKDOWN),
}
STAGE_LABELS = {
    "applications": "Applied",
    "places": "Accepted (participants)",
    "accepted": "Accepted, in progress",
    "completed": "Completed",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "awaiting": "Awaiting decision",
}
NOT_OPEN = ""
NO_APPLICATIONS = "–"


def page_links(frames: dict[str, pd.DataFrame], parameters: dict) -> list[disclosure.Link]:
    """How the page's tables add up to one another: the funnel is the chosen scheme's total column; the cohorts,
    grades and regions each add up to the funnel, stage by stage."""
    schemes = frames["schemes"]
    column = parameters.get("scheme_id") or TOTAL
    totals = np.flatnonzero(
        (schemes["department_id"] == TOTAL).to_numpy() & (schemes["scheme_id"] == column).to_numpy()
    )
    links = []
    if frames["funnel"].empty:
        return links
    for count in ("applications", "places"):
        links += [disclosure.Link((("funnel", 0, count),), ("schemes", int(row), count)) for row in totals]
    for stage in STAGES:
        links.append(
            disclosure.Link(
                tuple(("cohorts", row, stage) for row in range(len(frames["cohorts"]))), ("funnel", 0, stage)
            )
        )
    for name in ("grades", "regions"):
        rows = range(len(frames[name]))
        for count in ("applications", "places"):
            links.append(disclosure.Link(tuple((name, row, count) for row in rows), ("funnel", 0, count)))
    return links


def protected_tables(parameters: dict) -> dict[str, pd.DataFrame]:
    """The page's tables of people for these choices: applications through disclosure control together (see
    PAGE_TABLES), members from the protected member rollup (member_tables)."""
    # Cached per choices, data version and threshold: the page asks twice a run (the choices, and the profession-wide
    # reference, which a department filter does not change), and the linear-programming check costs 20-60 ms a call.
    chosen = tuple(sorted((key, data.hashable(value)) for key, value in parameters.items()))
    return data.cached_call(_protected_tables, chosen, data.run_database(), disclosure.threshold())


@st.cache_data(max_entries=64, show_spinner=False)
def _protected_tables(parameters: tuple, database: data.Database, k: int) -> dict[str, pd.DataFrame]:
    parameters = dict(parameters)
    tables = data.protected_together(PAGE_TABLES, page_links, **parameters)
    counted = member_tables(parameters)
    tables["members"] = counted["members"]
    for name, key in (("grades", "grade"), ("regions", "area")):
        tables[name] = tables[name].assign(members=tables[name][key].map(counted[name]).astype("Int64"))
    return tables


def member_tables(parameters: dict) -> dict:
    """The members the page shows for these choices, all from the protected member rollup: `members` (a department
    table with its Total row), and the members of each grade and of London and the rest of the UK, by name."""
    rollup = members.protected_rollup()
    departments, grades = parameters.get("department_ids"), parameters.get("grades")
    areas = {members.LONDON: {members.LONDON}, members.REST_OF_UK: members.REST_REGIONS}
    return {
        "members": department_members(rollup, departments, grades),
        "grades": {
            grade: members.count(rollup, department_ids=departments, grades=[grade]) for grade in grades or GRADES
        },
        "regions": {
            area: members.count(rollup, department_ids=departments, grades=grades, regions=regions)
            for area, regions in areas.items()
        },
    }


def department_members(rollup: members.Rollup, department_ids, grades) -> pd.DataFrame:
    """Members at the chosen grades: one row per chosen department (every department when None), then a Total row."""
    every = sorted(rollup.departments)
    chosen = [department for department in every if department_ids is None or department in set(department_ids)]
    rows = [(department, members.count(rollup, department_ids=[department], grades=grades)) for department in chosen]
    rows.append((TOTAL, members.count(rollup, department_ids=department_ids, grades=grades)))
    frame = pd.DataFrame(rows, columns=["department_id", "members"])
    frame["members"] = _counts(frame["members"])
    return frame


def _counts(values) -> pd.Series:
    return pd.Series(list(values), dtype="Int64")


def z_score(confidence: float = CONFIDENCE) -> float:
    """The two-sided normal quantile: 1.96 for 95%."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: float, trials: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval for a proportion (NaN when there are no trials or a count is unknown)."""
    lower, upper = wilson_bounds(
        pd.Series([successes], dtype="Float64"), pd.Series([trials], dtype="Float64"), confidence
    )
    return float(lower.iloc[0]), float(upper.iloc[0])


def wilson_bounds(
    successes: pd.Series, trials: pd.Series, confidence: float = CONFIDENCE
) -> tuple[pd.Series, pd.Series]:
    """Wilson score interval bounds for each row; NaN where either count is blank or there are no trials."""
    x = _floats(successes)
    n = _floats(trials)
    n = np.where(n > 0, n, np.nan)
    z = z_score(confidence)
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return pd.Series(centre - half, index=successes.index), pd.Series(centre + half, index=successes.index)


def _floats(series: pd.Series) -> np.ndarray:
    return pd.Series(series).astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where either is blank or the denominator is zero."""
    bottom = _floats(denominator)
    return pd.Series(_floats(numerator) / np.where(bottom > 0, bottom, np.nan), index=numerator.index)


def scheme_label(scheme_id: str | None, schemes: pd.DataFrame) -> str:
    """A scheme's name for a sentence ('the Future Leaders Scheme'), or 'all schemes'."""
    if scheme_id is None:
        return "all schemes"
    return f"the {schemes.set_index('scheme_id').at[scheme_id, 'name']}"


def owner_department(scheme_id: str | None, schemes: pd.DataFrame) -> str | None:
    """The department a departmental scheme belongs to (None for a scheme open to all)."""
    if scheme_id is None:
        return None
    owner = schemes.set_index("scheme_id").at[scheme_id, "department_id"]
    return None if pd.isna(owner) else owner


def reference(
    department_schemes: pd.DataFrame, department_members: pd.DataFrame, schemes: pd.DataFrame, scheme_id: str | None
) -> dict:
    """Profession-wide figures for the chosen scheme: members it is open to, applications, participants and rates."""
    column = TOTAL if scheme_id is None else scheme_id
    totals = department_schemes[
        (department_schemes["department_id"] == TOTAL) & (department_schemes["scheme_id"] == column)
    ]
    members_by_department = department_members.set_index("department_id")["members"]
    owner = owner_department(scheme_id, schemes)
    members = members_by_department.get(owner if owner else TOTAL, pd.NA)
    row = totals.iloc[0] if len(totals) else pd.Series({"applications": pd.NA, "places": pd.NA})
    frame = pd.DataFrame(
        {"members": [members], "applications": [row["applications"]], "places": [row["places"]]}, dtype="Float64"
    )
    frame = with_rates(frame)
    return {name: (None if pd.isna(value) else value) for name, value in frame.iloc[0].items()}


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add participants per 100 members, the acceptance rate and its Wilson interval, from (protected) counts.

    Rates are computed from counts already through disclosure control, so a blank count blanks its rates too.
    """
    rated = frame.copy()
    if "members" in rated:
        rated["participation_rate"] = 100 * ratio(rated["places"], rated["members"])
    rated["acceptance_rate"] = ratio(rated["places"], rated["applications"])
    rated["lower"], rated["upper"] = wilson_bounds(rated["places"], rated["applications"])
    return rated


def department_view(
    department_schemes: pd.DataFrame,
    department_members: pd.DataFrame,
    departments: pd.DataFrame,
    scheme_id: str | None,
    reference_rate: float | None,
) -> pd.DataFrame:
    """One row per department the scheme is open to, highest participation first, with rates and the below flag."""
    column = TOTAL if scheme_id is None else scheme_id
    cells = department_schemes[
        (department_schemes["scheme_id"] == column) & (department_schemes["department_id"] != TOTAL)
    ][["department_id", "applications", "places"]]
    view = cells.merge(department_members, on="department_id", how="left").merge(departments, on="department_id")
    view = with_rates(view)
    # Wholly below: even the top of the department's interval is under the profession-wide rate.
    view["below"] = (view["upper"] < reference_rate).fillna(False) if reference_rate is not None else False
    return view.sort_values(["participation_rate", "name"], ascending=[False, True], na_position="last").reset_index(
        drop=True
    )


def per_100(value) -> str:
    """A rate per 100 members for text: '2.3'."""
    return disclosure.SUPPRESSED if value is None or pd.isna(value) else f"{value:.1f}"


def percent(value) -> str:
    """A proportion for text: '35%'."""
    return disclosure.SUPPRESSED if value is None or pd.isna(value) else f"{value:.0%}"


def tick_label(name: str, width: int = 24) -> str:
    """A name as an axis label, wrapped at `width` characters so a phone keeps room for the plot (style escapes it)."""
    return charts.wrap_label(name, width)


def row_height(labels: pd.Series, base: int) -> int:
    """Pixels per row of a chart whose axis labels are `labels` (wrapped by tick_label), so no two labels overlap."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(base, 15 * lines + 6)


def participation_title(view: pd.DataFrame, ref: dict, scheme: str) -> str:
    """'Participation in the Future Leaders Scheme ranges from 0.4 (Environment Agency) to 5.6 (...) per 100 members'."""
    shown = view.dropna(subset=["participation_rate"])
    if len(shown) < 2:
        return f"Participants in {scheme} per 100 members: {per_100(ref['participation_rate'])} profession-wide"
    top, bottom = shown.iloc[0], shown.iloc[-1]
    return (
        f"Participation in {scheme} ranges from {per_100(bottom['participation_rate'])} ({bottom['name']}) to "
        f"{per_100(top['participation_rate'])} ({top['name']}) per 100 members"
    )


def participation_chart(view: pd.DataFrame, ref: dict, title: str) -> go.Figure:
    """Participants per 100 members by department, largest at the top, labelled with the count; [c] where blanked."""
    shown = view[view["participation_rate"].notna()]
    hidden = view[view["participation_rate"].isna()]
    order = [*shown["name"].map(tick_label), *hidden["name"].map(tick_label)]
    bars = go.Bar(
        x=shown["participation_rate"],
        y=shown["name"].map(tick_label),
        orientation="h",
        marker_color=charts.DARK_BLUE,
        text=[
            f"{rate:.1f} ({int(count):,})"
            for rate, count in zip(shown["participation_rate"], shown["places"], strict=True)
        ],
        textposition="outside",
        cliponaxis=False,
        customdata=shown[["name"]],
        hovertemplate="%{customdata[0]}: %{x:.1f} participants per 100 members<extra></extra>",
        name="Participants per 100 members",
    )
    # Built whole, traces and layout at once: each add_* or update_* call afterwards validates the figure again.
    figure = go.Figure(
        [bars, *_blanked(hidden["name"].map(tick_label))],
        {
            **_reference(ref["participation_rate"], f"Profession-wide {per_100(ref['participation_rate'])}"),
            "yaxis": {"categoryorder": "array", "categoryarray": order[::-1], "title": None},
            # On two lines: a phone's chart is narrower than the title on one, and Plotly does not wrap it.
            "xaxis": {
                "title": {"text": "Participants per 100 members<br>(label: rate and count)"},
                "rangemode": "tozero",
            },
            "showlegend": False,
        },
    )
    return titled(figure, title, height=max(300, row_height(pd.Series(order), 26) * len(view) + 120))


def _blanked(labels: pd.Series) -> list[go.Scatter]:
    """A [c] label at zero for each blanked row: the value is not drawn, but its category stays in view, explained."""
    if not len(labels):
        return []
    return [
        go.Scatter(
            x=[0] * len(labels),
            y=list(labels),
            mode="text",
            text=[disclosure.SUPPRESSED] * len(labels),
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
        )
    ]


def _reference(value: float | None, label: str) -> dict:
    """The layout of a dashed line at the profession-wide value, labelled; nothing when there is no value."""
    if value is None or pd.isna(value):
        return {}
    return {
        # Below the traces: a bar's label that the line crosses is written over it, not struck through.
        "shapes": [
            charts.vertical_line(value, {"dash": "dash", "color": charts.DARK_GREY, "width": 1.5}, layer="below")
        ],
        # The label sits above the plot area, so it never covers a bar or a point.
        "annotations": [
            {
                "x": value,
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "text": label,
                "showarrow": False,
                "font": {"size": 12},
            }
        ],
    }


def alt_text(figure: go.Figure) -> str:
    """A figure's title as one plain line, for screen readers."""
    return charts.title_text(figure)


def titled(figure: go.Figure, title: str, *, height: int, width: int = 90, top: int = 0) -> go.Figure:
    """The house style, with a long title wrapped at `width` characters and room above the plot for labels."""
    lines = textwrap.wrap(title, width) or [""]
    return charts.style(
        figure,
        "\n".join(lines),
        height=height + 22 * (len(lines) - 1) + top,
        title={"xref": "container", "x": 0.01, "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}},
        margin={"t": 50 + 22 * len(lines) + top},
    )


def access_title(view: pd.DataFrame, ref: dict, label: str = "department") -> str:
    """'2 departments have acceptance rates clearly below the profession-wide 55%' (or none, or too few to show)."""
    below = int(view["below"].sum())
    rate = percent(ref["acceptance_rate"])
    shown = int(view["acceptance_rate"].notna().sum())
    if not shown:  # every rate is suppressed: no finding can be read from them
        return too_small_to_show(view, label)
    if below == 0:
        if shown < len(view):
            which = f"the one {label} is not" if shown == 1 else f"none of the {shown:,} {label}s is"
            return f"Of those large enough to show, {which} clearly below the profession-wide {rate}"
        return f"No {label}'s acceptance rate is clearly below the profession-wide {rate}"
    verb = "has an acceptance rate" if below == 1 else "have acceptance rates"
    return f"{findings.plural(below, label)} {verb} clearly below the profession-wide {rate}"


def too_small_to_show(view: pd.DataFrame, label: str = "department") -> str:
    """'The numbers for the Met Office are too small to show an acceptance rate' (for a blanked view)."""
    if len(view) == 1 and label == "department":
        return f"The numbers for {view['name'].iloc[0]} are too small to show an acceptance rate"
    if view.empty:
        return f"No {label} matches the filters"
    return f"The numbers for the chosen {label}s are too small to show an acceptance rate"


def interval_chart(
    frame: pd.DataFrame, label: str, ref: dict, title: str, *, hover: str | None = None, title_width: int = 90
) -> go.Figure:
    """Acceptance rate with its 95% Wilson interval per row, beside the profession-wide rate; [c] where blanked.

    Rows whose interval lies wholly below the profession-wide rate are drawn as pink downward triangles and say
    'below' in their label, so colour is not the only sign.
    """
    frame = frame.assign(**{label: frame[label].map(tick_label)})
    shown = frame[frame["acceptance_rate"].notna()]
    hidden = frame[frame["acceptance_rate"].isna()]
    traces = []
    for is_below, symbol, colour, name in (
        (False, "circle", charts.DARK_BLUE, "Acceptance rate, with its 95% interval"),
        (True, "triangle-down", charts.DARK_PINK, "Interval wholly below the profession-wide rate"),
    ):
        rows = shown[shown["below"] == is_below]
        if rows.empty:
            continue
        traces.append(
            go.Scatter(
                x=rows["acceptance_rate"],
                y=rows[label],
                mode="markers",
                marker={"symbol": symbol, "size": 11, "color": colour},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": rows["upper"] - rows["acceptance_rate"],
                    "arrayminus": rows["acceptance_rate"] - rows["lower"],
                    "color": colour,
                    "thickness": 1.5,
                },
                customdata=np.column_stack(
                    [rows[hover or label], rows["places"], rows["applications"], rows["lower"], rows["upper"]]
                ),
                hovertemplate=(
                    "%{customdata[0]}: %{x:.0%} accepted (%{customdata[1]:,} of %{customdata[2]:,}); "
                    "95% interval %{customdata[3]:.0%} to %{customdata[4]:.0%}<extra></extra>"
                ),
                name=name,
            )
        )
    # Labels sit just right of each interval, clear of the points and bars.
    traces.append(
        go.Scatter(
            x=shown["upper"] + 0.01,
            y=shown[label],
            mode="text",
            text=[
                f"{rate:.0%}{' below' if below else ''}"
                for rate, below in zip(shown["acceptance_rate"], shown["below"], strict=True)
            ],
            textposition="middle right",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    # Built whole, traces and layout at once: each add_* or update_* call afterwards validates the figure again.
    figure = go.Figure(
        [*traces, *_blanked(hidden[label])],
        {
            **_reference(ref["acceptance_rate"], f"Profession-wide {percent(ref['acceptance_rate'])}"),
            "yaxis": {"categoryorder": "array", "categoryarray": list(frame[label])[::-1], "title": None},
            "xaxis": {"title": {"text": "Share of applications accepted"}, "tickformat": ".0%", "range": [0, 1.12]},
            # The caption and the 'below' labels explain the two marks; a legend would only take room from the plot.
            "showlegend": False,
        },
    )
    return titled(figure, title, height=max(300, row_height(frame[label], 28) * len(frame) + 190), width=title_width)


def access_series(ordered: pd.DataFrame, ref: dict) -> Series:
    """The access chart's numbers for the board pack's native chart: rates with their 95% intervals, the departments
    wholly below marked, and the profession-wide rate as a reference line (as interval_chart draws them)."""

    def hundredths(values: pd.Series) -> tuple[float | None, ...]:
        return tuple(None if pd.isna(value) else round(100 * float(value), 1) for value in values)

    rate = percent(ref["acceptance_rate"])
    below = ordered[ordered["below"].astype(bool)]
    shown = int(ordered["acceptance_rate"].notna().sum())
    if not shown:
        finding = "too few applications to show"
    elif below.empty:
        finding = f"none clearly below the profession-wide {rate}"
    else:
        finding = f"{findings.plural(len(below), 'department')} clearly below the profession-wide {rate}"
    rates = hundredths(ordered["acceptance_rate"])
    return Series(
        categories=tuple(ordered["department_id"]),
        values=rates,
        name="Acceptance rate (%)",
        number_format="0.0",
        title=f"Acceptance rate (%) and 95% interval: {finding}",
        minus=tuple(
            None if value is None or low is None else round(value - low, 1)
            for value, low in zip(rates, hundredths(ordered["lower"]), strict=True)
        ),
        plus=tuple(
            None if value is None or high is None else round(high - value, 1)
            for value, high in zip(rates, hundredths(ordered["upper"]), strict=True)
        ),
        marked=tuple(bool(flag) for flag in ordered["below"]),
        marked_label="below",
        reference=None if ref["acceptance_rate"] is None else round(100 * ref["acceptance_rate"], 1),
        reference_label=f"Profession-wide {rate}",
        maximum=100.0,
        key=(
            "Black lines: each rate's 95% interval. Dashed line: the profession-wide rate. Dark pink bars, marked "
            "(below): the whole interval is below it."
        ),
    )


def below_sentences(view: pd.DataFrame, ref: dict) -> list[str]:
    """Plain words for each department whose acceptance interval lies wholly below the profession-wide rate."""
    return [
        f"{row['name']}: {row['acceptance_rate']:.0%} of applications accepted ({int(row['places']):,} of "
        f"{int(row['applications']):,}; 95% interval {row['lower']:.0%} to {row['upper']:.0%}). Even the top of that "
        f"range is below the profession-wide {percent(ref['acceptance_rate'])}, so chance is unlikely to explain it."
        for _, row in view[view["below"]].sort_values("upper").iterrows()
    ]


def funnel_chart(funnel: dict, scheme: str) -> go.Figure:
    """Applied, then accepted, then completed (above); what happened to every application (below).

    One panel above the other: side by side, on a tablet the first panel's labels ran into the second's stage names.
    """
    figure = make_subplots(
        rows=2,
        cols=1,
        row_heights=[0.43, 0.57],
        vertical_spacing=0.2,
        subplot_titles=("Stages reached", "Where every application stands"),
    )
    stages = ["applications", "places", "completed"]
    outcomes = ["places", "rejected", "withdrawn", "awaiting"]
    applied = funnel.get("applications")
    for panel, keys, colours in (
        (1, stages, [charts.DARK_BLUE] * 3),
        (2, outcomes, [charts.DARK_BLUE, charts.DARK_GREY, charts.ORANGE, charts.LIGHT_PURPLE]),
    ):
        labels = [STAGE_LABELS[key] for key in keys]
        values = [funnel.get(key) for key in keys]
        texts = [_count_and_share(value, applied) for value in values]
        figure.add_trace(
            go.Bar(
                # A blanked stage gets no bar, only its [c] label at zero.
                x=[0 if _blank(value) else value for value in values],
                y=labels,
                orientation="h",
                marker_color=colours,
                text=texts,
                textposition="outside",
                cliponaxis=False,
                hovertext=[f"{label}: {text}" for label, text in zip(labels, texts, strict=True)],
                hoverinfo="text",
                showlegend=False,
            ),
            row=panel,
            col=1,
        )
        figure.update_yaxes(categoryorder="array", categoryarray=labels[::-1], row=panel, col=1)
    largest = max([value for value in (funnel.get(key) for key in STAGES) if not _blank(value)], default=0)
    figure.update_xaxes(range=[0, 1.45 * (largest or 1)], showticklabels=False, showgrid=False, ticks="")
    return titled(figure, funnel_title(funnel, scheme), height=480)


def _blank(value) -> bool:
    return value is None or pd.isna(value)


def _count_and_share(value, applied) -> str:
    if _blank(value):
        return disclosure.SUPPRESSED
    if _blank(applied) or not applied:
        return f"{int(value):,}"
    return f"{int(value):,} ({value / applied:.0%})"


def funnel_title(funnel: dict, scheme: str) -> str:
    """'Of 529 applications to the Future Leaders Scheme, 29% were accepted and 19% have completed'."""
    applied, places, completed = (funnel.get(key) for key in ("applications", "places", "completed"))
    if _blank(applied) or not applied:
        return f"Applications to {scheme}: too few to show"
    text = f"Of {findings.plural(int(applied), 'application')} to {scheme}"
    if _blank(places):
        return text + ", the number accepted is too small to show"
    text += f", {places / applied:.0%} were accepted"
    return text + ("" if _blank(completed) else f" and {completed / applied:.0%} have completed")


def funnel_table(funnel: dict) -> pd.DataFrame:
    """The funnel as a table: stage, count and share of applications, with [c] where blanked."""
    applied = funnel.get("applications")
    rows = []
    for key in STAGES:
        value = funnel.get(key)
        share = None if _blank(value) or _blank(applied) or not applied else round(100 * value / applied, 1)
        rows.append({"Stage": STAGE_LABELS[key], "Applications": value, "Share of applications (%)": share})
    return disclosure.display(pd.DataFrame(rows), ["Applications", "Share of applications (%)"])


def cohort_frame(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Cohorts with acceptance rate and interval added."""
    return with_rates(cohorts)


def trend_title(cohorts: pd.DataFrame, scheme: str) -> str:
    """'Applications to all schemes rose from 459 in 2021 to a peak of 530 in 2023, then fell to 488 in 2025'."""
    shown = cohorts.dropna(subset=["applications"])
    if len(shown) < 2:
        return f"Applications to {scheme} by cohort year"
    years = shown.assign(cohort_year=shown["cohort_year"].astype(int))
    # A year blanked by disclosure control is named, so the trend is not read as running over every year.
    blanked = [str(int(year)) for year in cohorts.loc[cohorts["applications"].isna(), "cohort_year"]]
    hidden = f" ({', '.join(blanked)}: too small to show)" if blanked else ""
    return f"Applications to {scheme} {findings.trend(years, 'applications', 'cohort_year')}{hidden}"


def trend_chart(cohorts: pd.DataFrame, title: str) -> go.Figure:
    """Applications and participants per cohort year, as labelled lines; blanked years leave a gap marked [c]."""
    figure = go.Figure()
    years = cohorts["cohort_year"].astype(str)
    for column, name, colour, symbol, dash in (
        ("applications", "Applications", charts.DARK_BLUE, "circle", "solid"),
        ("places", "Participants (accepted or completed)", charts.TURQUOISE, "square", "dash"),
    ):
        values = cohorts[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        figure.add_trace(
            go.Scatter(
                x=years,
                y=values,
                mode="lines+markers+text",
                name=name,
                line={"color": colour, "dash": dash},
                marker={"symbol": symbol, "size": 9, "color": colour},
                text=[disclosure.SUPPRESSED if np.isnan(value) else f"{value:,.0f}" for value in values],
                textposition="top center",
                hovertemplate=f"{name} %{{x}}: %{{y:,}}<extra></extra>",
            )
        )
        blanked = np.isnan(values)
        if blanked.any():
            figure.add_trace(
                go.Scatter(
                    x=years[blanked],
                    y=[0] * int(blanked.sum()),
                    mode="text",
                    text=[disclosure.SUPPRESSED] * int(blanked.sum()),
                    textposition="top center",
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    figure.update_xaxes(title_text="Cohort year", type="category")
    figure.update_yaxes(title_text="Applications", rangemode="tozero")
    figure.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"})
    return titled(figure, title, height=400, top=30)


def awaiting_sentence(funnel: dict, cohorts: pd.DataFrame) -> str | None:
    """'182 applications still await a decision (all to the 2025 cohort): they lower its acceptance rate for now.'"""
    awaiting = funnel.get("awaiting")
    if _blank(awaiting) or not awaiting:
        return None
    shown = cohorts.dropna(subset=["awaiting"])
    years = [int(year) for year in shown.loc[shown["awaiting"] > 0, "cohort_year"]]
    where = f" (to the {years[0]} cohort)" if len(years) == 1 and shown["awaiting"].sum() == awaiting else ""
    return (
        f"{findings.plural(int(awaiting), 'application')} still {'awaits' if awaiting == 1 else 'await'} a decision"
        f"{where}: they count as applications but not yet as "
        "acceptances, so recent acceptance rates will rise."
    )


def breakdown_title(frame: pd.DataFrame, label: str, noun: str) -> str:
    """'Acceptance by grade: highest at G6 (41%), lowest at SEO (22%)'."""
    shown = frame.dropna(subset=["acceptance_rate"]).sort_values("acceptance_rate")
    if len(shown) < 2:
        return f"Acceptance rate by {noun}"
    low, high = shown.iloc[0], shown.iloc[-1]
    return (
        f"Acceptance by {noun}: highest {high[label]} ({high['acceptance_rate']:.0%}), "
        f"lowest {low[label]} ({low['acceptance_rate']:.0%})"
    )


def flag_below(frame: pd.DataFrame, ref: dict) -> pd.DataFrame:
    """A copy with `below`: the acceptance interval lies wholly below the profession-wide rate."""
    flagged = frame.copy()
    rate = ref["acceptance_rate"]
    flagged["below"] = (flagged["upper"] < rate).fillna(False) if rate is not None else False
    return flagged


def region_title(regions: pd.DataFrame) -> str:
    """'London 62% accepted, the rest of the UK 54%'."""
    rates = regions.set_index("area")["acceptance_rate"]
    if rates.isna().any() or len(rates) != 2:
        return "Acceptance rate, London and the rest of the UK"
    return f"Accepted: {percent(rates['London'])} of applications from London, {percent(rates['Rest of the UK'])} from the rest of the UK"


def region_sentence(regions: pd.DataFrame) -> str | None:
    """'Applicants working in London were accepted at 48%, against 27% in the rest of the UK.'"""
    rates = regions.set_index("area")
    if not {"London", "Rest of the UK"} <= set(rates.index):
        return None
    london, rest = rates.at["London", "acceptance_rate"], rates.at["Rest of the UK", "acceptance_rate"]
    if pd.isna(london) or pd.isna(rest):
        return None
    apart = (
        rates.at["London", "lower"] > rates.at["Rest of the UK", "upper"]
        or rates.at["London", "upper"] < rates.at["Rest of the UK", "lower"]
    )
    return f"Applicants working in London were accepted at {london:.0%}, against {rest:.0%} in the rest of the UK" + (
        " (the 95% intervals do not overlap)." if apart else " (the 95% intervals overlap)."
    )


def heatmap(grid: dict[str, pd.DataFrame]) -> go.Figure:
    """Participants per 100 members by department and scheme (from heatmap_grid), shaded against each scheme's
    profession-wide rate."""
    rates, relative, labels = grid["rates"], grid["relative"], grid["labels"]
    shading = relative.to_numpy(dtype=float, na_value=np.nan)
    columns, rows = [_wrap(name, 12) for name in rates.columns], list(rates.index)
    figure = go.Figure(
        [
            go.Heatmap(
                z=shading,
                x=columns,
                y=rows,
                customdata=rates.to_numpy(dtype=float, na_value=np.nan),
                colorscale=charts.SEQUENTIAL_SCALE,
                zmin=0,
                zmax=2,
                xgap=2,
                ygap=2,
                colorbar={"title": {"text": "× profession<br>rate"}, "tickvals": [0, 0.5, 1, 1.5, 2]},
                hovertemplate="%{y}, %{x}: %{customdata:.1f} per 100 members (%{z:.1f} × profession rate)<extra></extra>",
                hoverongaps=False,
            ),
            charts.cell_labels(columns, rows, shading, labels.to_numpy(), scale=charts.SEQUENTIAL_SCALE, low=0, high=2),
        ]
    )
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_xaxes(side="top", title=None, tickangle=0, tickfont={"size": 11})
    return titled(figure, heatmap_title(grid), height=max(360, 24 * len(rates) + 120), top=60)


def _wrap(text: str, width: int = 14) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def cell_rates(
    department_schemes: pd.DataFrame, department_members: pd.DataFrame, schemes: pd.DataFrame
) -> pd.DataFrame:
    """Participants per 100 members, departments (and TOTAL) by schemes (and TOTAL); NaN where blanked or not open."""
    cells = department_schemes.merge(department_members, on="department_id", how="left")
    # A departmental scheme's overall rate is over its own department's members only.
    owners = schemes.set_index("scheme_id")["department_id"].dropna()
    members_by_department = department_members.set_index("department_id")["members"]
    owned = (cells["department_id"] == TOTAL) & cells["scheme_id"].isin(owners.index)
    cells.loc[owned, "members"] = cells.loc[owned, "scheme_id"].map(owners).map(members_by_department)
    cells["rate"] = 100 * ratio(cells["places"], cells["members"])
    return cells.pivot(index="department_id", columns="scheme_id", values="rate")


def heatmap_grid(
    department_schemes: pd.DataFrame,
    department_members: pd.DataFrame,
    departments: pd.DataFrame,
    schemes: pd.DataFrame,
    profession: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Rates per 100 (departments x schemes, totals first), each relative to its scheme's profession-wide rate, and
    the cell labels: the rate, [c] where blanked, blank where the scheme is not open to the department.

    `profession` is the (department_schemes, department_members) pair for every department, when only some are
    chosen: shading then still compares with the whole profession, and the total row is the chosen departments'.
    """
    cells = department_schemes
    rates = cell_rates(department_schemes, department_members, schemes)
    profession_rates = rates if profession is None else cell_rates(*profession, schemes)
    total_name = "All departments" if profession is None else "Chosen departments"
    names = {TOTAL: total_name, **departments.set_index("department_id")["name"].to_dict()}
    scheme_names = {TOTAL: "All schemes", **schemes.set_index("scheme_id")["name"].to_dict()}
    shown_rows = [
        TOTAL,
        *rates.drop(index=TOTAL).assign(order=rates[TOTAL]).sort_values("order", ascending=False).index,
    ]
    shown_columns = [TOTAL, *[scheme for scheme in schemes["scheme_id"] if scheme in rates.columns]]
    rates = rates.loc[shown_rows, shown_columns]
    # The query returns only the department and scheme pairs that are open, so a missing pair is not open.
    open_cells = cells.assign(open=True).pivot(index="department_id", columns="scheme_id", values="open")
    open_cells = open_cells.reindex(index=shown_rows, columns=shown_columns).notna()
    relative = rates / profession_rates.loc[TOTAL].reindex(shown_columns)
    labels = pd.DataFrame(NOT_OPEN, index=rates.index, columns=rates.columns)
    for row in rates.index:
        for column in rates.columns:
            if open_cells.at[row, column]:
                value = rates.at[row, column]
                labels.at[row, column] = disclosure.SUPPRESSED if pd.isna(value) else f"{value:.1f}"
    rename = {"index": names, "columns": scheme_names}
    return {
        "rates": rates.rename(**rename),
        "relative": relative.rename(**rename),
        "labels": labels.rename(**rename),
        "ids": rates,
    }


def heatmap_title(grid: dict[str, pd.DataFrame]) -> str:
    """The widest gap in the grid: 'Lowest participation against its scheme's rate: EA in the Future Leaders Scheme'."""
    relative = grid["relative"].drop(index=["All departments", "Chosen departments"], errors="ignore")
    stacked = relative.stack().dropna()
    if stacked.empty:
        return "Participation by department and scheme: too few participants to compare"
    (department, scheme), value = stacked.idxmin(), stacked.min()
    return f"Widest gap: {department} in the {scheme} ({value:.1f} × the profession-wide rate)".replace(
        "the All schemes", "all schemes"
    )


def heatmap_table(grid: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The heatmap as a table of rates per 100 members, with [c] where blanked and blank where not open."""
    table = grid["labels"].copy()
    table.index.name = "Department"
    return table.reset_index()


def department_table(view: pd.DataFrame) -> pd.DataFrame:
    """The per-department table under the participation and access charts, ready to show or download."""
    return _access_table(view, {"Department": view["name"], "Code": view["department_id"]})


# The access table's columns after its names: what the acceptance chart shows, then the participation figures.
ACCESS_FIRST = (
    "Applications",
    "Acceptance rate (%)",
    "95% interval from (%)",
    "95% interval to (%)",
    "Clearly below profession-wide rate",
)


def access_first(table: pd.DataFrame) -> pd.DataFrame:
    """The department table with the acceptance figures beside the names: under the access chart, a tablet showed only
    the participation columns, the same as the table under the participation chart."""
    names = [column for column in table.columns if column in ("Department", "Code")]
    rest = [column for column in table.columns if column not in names and column not in ACCESS_FIRST]
    return table[[*names, *ACCESS_FIRST, *rest]]


def breakdown_table(frame: pd.DataFrame, label: str, heading: str) -> pd.DataFrame:
    """A grade or region table: members, participants, applications, rates and interval."""
    return _access_table(frame, {heading: frame[label]})


def _access_table(frame: pd.DataFrame, names: dict[str, pd.Series]) -> pd.DataFrame:
    """The naming columns, then members, participants, applications, rates and interval, with disclosure applied."""
    table = pd.DataFrame(
        {
            **names,
            "Members": frame["members"],
            "Participants": frame["places"],
            "Participants per 100 members": frame["participation_rate"].round(2),
            "Applications": frame["applications"],
            "Acceptance rate (%)": (100 * frame["acceptance_rate"]).round(1),
            "95% interval from (%)": (100 * frame["lower"]).round(1),
            "95% interval to (%)": (100 * frame["upper"]).round(1),
            "Clearly below profession-wide rate": frame["below"].map({True: "yes", False: "no"}),
        }
    )
    return _shown(
        table,
        rates={
            "Acceptance rate (%)": "Applications",
            "95% interval from (%)": "Applications",
            "95% interval to (%)": "Applications",
            "Participants per 100 members": "Members",
        },
    )


def cohort_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Applications by cohort year and how far they got, with the acceptance rate and interval."""
    table = pd.DataFrame({"Cohort year": cohorts["cohort_year"]})
    for key in STAGES:
        table[STAGE_LABELS[key]] = cohorts[key]
    table["Acceptance rate (%)"] = (100 * cohorts["acceptance_rate"]).round(1)
    table["95% interval from (%)"] = (100 * cohorts["lower"]).round(1)
    table["95% interval to (%)"] = (100 * cohorts["upper"]).round(1)
    rates = {column: "Applied" for column in ("Acceptance rate (%)", "95% interval from (%)", "95% interval to (%)")}
    return _shown(table, rates=rates)


def detail_table(department_schemes: pd.DataFrame, departments: pd.DataFrame, schemes: pd.DataFrame) -> pd.DataFrame:
    """Every department and scheme open to it, with totals: applications, participants and acceptance rate."""
    names = {TOTAL: "All departments", **departments.set_index("department_id")["name"].to_dict()}
    scheme_names = {TOTAL: "All schemes", **schemes.set_index("scheme_id")["name"].to_dict()}
    # By department name, then scheme in picker order, each with its total last.
    scheme_order = {scheme_id: position for position, scheme_id in enumerate(schemes["scheme_id"])}
    rated = with_rates(department_schemes)
    rated = rated.assign(
        department_order=rated["department_id"].eq(TOTAL),
        department_name=rated["department_id"].map(names),
        scheme_order=rated["scheme_id"].map(scheme_order).fillna(len(scheme_order)),
    ).sort_values(["department_order", "department_name", "scheme_order"])
    table = pd.DataFrame(
        {
            "Department": rated["department_id"].map(names),
            "Scheme": rated["scheme_id"].map(scheme_names),
            "Applications": rated["applications"],
            "Participants": rated["places"],
            "Acceptance rate (%)": (100 * rated["acceptance_rate"]).round(1),
            "95% interval from (%)": (100 * rated["lower"]).round(1),
            "95% interval to (%)": (100 * rated["upper"]).round(1),
        }
    )
    rates = {
        column: "Applications" for column in ("Acceptance rate (%)", "95% interval from (%)", "95% interval to (%)")
    }
    return _shown(table, rates=rates)


def _shown(table: pd.DataFrame, rates: dict[str, str]) -> pd.DataFrame:
    # Counts and rates already went through disclosure control; here a blank becomes [c], except a rate over zero
    # applications (or members), which is undefined rather than hidden.
    counts = [
        column for column in ("Members", "Participants", "Applications", *STAGE_LABELS.values()) if column in table
    ]
    shown = disclosure.display(table, [*counts, *rates])
    for rate, denominator in rates.items():
        undefined = table[rate].isna() & (table[denominator].astype("Float64") == 0).fillna(False)
        shown.loc[undefined.to_numpy(), rate] = NO_APPLICATIONS
    return shown


def participation_sentence(view: pd.DataFrame, chosen: dict, scheme: str, scope: str = "the profession") -> str | None:
    """'Across the profession, there were 11.9 participants per 100 members in all schemes together; DSIT had the most
    (21.6) and EA the fewest (3.2).'"""
    if chosen["participation_rate"] is None:
        return None
    # "took part in all schemes" would read as "took part in every scheme": say what the rate counts.
    where = "all schemes together" if scheme == "all schemes" else scheme
    text = f"Across {scope}, there were {per_100(chosen['participation_rate'])} participants per 100 members in {where}"
    shown = view.dropna(subset=["participation_rate"])
    if len(shown) >= 2:
        top, bottom = shown.iloc[0], shown.iloc[-1]
        text += (
            f"; {top['name']} had the most ({per_100(top['participation_rate'])}) and {bottom['name']} the fewest "
            f"({per_100(bottom['participation_rate'])})"
        )
    return text + "."


def access_sentence(view: pd.DataFrame, ref: dict) -> str | None:
    """'Environment Agency and Ministry of Defence have acceptance rates clearly below the profession-wide 55%.'"""
    if ref["acceptance_rate"] is None:
        return None
    shown = view[view["acceptance_rate"].notna()]
    if shown.empty:  # a finding read from blanks would be no finding: say why there is none
        return too_small_to_show(view) + "."
    below = view[view["below"]].sort_values("upper")
    rate = percent(ref["acceptance_rate"])
    if below.empty:
        if len(shown) < len(view):
            which = (
                f"{shown['name'].iloc[0]}'s applications are not"
                if len(shown) == 1
                else f"None of the {len(shown):,} departments with numbers large enough to show has applications"
            )
            return (
                f"{which} accepted clearly less often than the profession-wide {rate}; "
                f"{findings.plural(len(view) - len(shown), 'department')} "
                f"{'has' if len(view) - len(shown) == 1 else 'have'} numbers too small to show."
            )
        return f"No department's applications are accepted clearly less often than the profession-wide {rate}."
    names = list(below["name"])
    verb = "has an acceptance rate" if len(names) == 1 else "have acceptance rates"
    return f"{findings.listed(names)} {verb} clearly below the profession-wide {rate} (the whole 95% interval is below it)."


def hidden_sentence(view: pd.DataFrame) -> str | None:
    """'9 departments have too few participants to show a rate.'"""
    hidden = int(view["participation_rate"].isna().sum())
    if not hidden or not disclosure.threshold():
        return None
    noun = "department has" if hidden == 1 else "departments have"
    return f"{hidden} {noun} numbers too small to show a participation rate here."


def trend_sentence(cohorts: pd.DataFrame, scheme: str) -> str | None:
    """'Applications to all schemes rose from 459 in 2021 to a peak of 530 in 2023, then fell to 488 in 2025.'"""
    if cohorts.dropna(subset=["applications"]).shape[0] < 2:
        return None
    return trend_title(cohorts, scheme) + "."


def choices_text(scheme: str, cohort_years, grades) -> str:
    """The page's own choices in words, for download titles: 'Future Leaders Scheme; cohorts 2023, 2024; all grades'."""
    years = f"cohorts {', '.join(map(str, sorted(cohort_years)))}" if cohort_years else "all cohorts"
    chosen_grades = f"grades {', '.join(grades)}" if grades else "all grades"
    return f"{scheme[0].upper()}{scheme[1:]}; {years}; {chosen_grades}"


def on_screen(table: pd.DataFrame) -> pd.DataFrame:
    """A table for st.dataframe: numbers written out ('1,234', '35.2') so a column can mix them with [c]."""
    screen = table.copy()
    for column in screen.columns:
        if screen[column].dtype == object:
            screen[column] = [_written(value) for value in screen[column]]
    return screen


def _written(value):
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int | np.integer):
        return f"{value:,}"
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else f"{value:,.1f}"
    return value
