"""Figures, tables and key-finding sentences for the Suggestion themes page, built from query results."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, findings

# Page sizes the explorer offers: the only values ever bound as the query's limit.
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
UNTHEMED = "Unthemed"  # a reviewer found that none of the themes fits
NOT_RECORDED = "Not recorded"
# The longest suggestion quoted as typical, in characters: about what fits on a post-it.
QUOTE_LENGTH = 160
QUOTE_WORDS = 4  # the fewest words a quoted suggestion has
# A location or nation must have this many suggestions before its theme mix is called out in a sentence.
STANDOUT_MINIMUM = 20


def escape_like(text: str) -> str:
    """Text made literal inside an ILIKE pattern whose escape character is a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_pattern(text: str | None) -> str | None:
    """The ILIKE pattern that finds `text` anywhere, case-insensitively; None when there is nothing to search for."""
    text = (text or "").strip()
    return f"%{escape_like(text)}%" if text else None


def page_window(page: int, page_size: int, matches: int) -> tuple[int, int]:
    """The page clamped to those that exist, and the offset of its first row; the size must come from PAGE_SIZES."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {PAGE_SIZES}, not {page_size!r}")
    last = max(1, -(-matches // page_size))
    page = min(max(1, int(page)), last)
    return page, (page - 1) * page_size


def page_count(matches: int, page_size: int) -> int:
    """How many pages the matches fill (at least one)."""
    return max(1, -(-matches // page_size))


def workshop_labels(workshops: pd.DataFrame) -> pd.DataFrame:
    """Workshops with a `label` such as 'York, 5 Mar 2025', made unique by the venue, then the id, where it repeats."""
    # A bound multiselect puts labels in the link, so two workshops must never share one.
    labels = workshops["location"] + ", " + pd.to_datetime(workshops["held_on"]).dt.strftime("%-d %b %Y")
    repeated = labels.duplicated(keep=False)
    labels = labels.where(~repeated, labels + " (" + workshops["venue"] + ")")
    repeated = labels.duplicated(keep=False)
    labels = labels.where(~repeated, labels + " [" + workshops["workshop_id"] + "]")
    return workshops.assign(label=labels)


def theme_bar_title(theme_counts: pd.DataFrame) -> str:
    """'CPD is the most common theme (12% of suggestions)', from the counts."""
    counted = theme_counts[theme_counts["suggestions"] > 0]
    if counted.empty:
        return "No suggestions match the filters"
    if len(counted) == 1:  # "the most common theme (100%)" would only restate the filter
        only = counted.iloc[0]
        return f"All {findings.plural(int(only['suggestions']), 'suggestion')} in view are about {only['label']}"
    ranked = counted.sort_values(["suggestions", "label"], ascending=[False, True])
    top = ranked.iloc[0]
    tied = ranked[ranked["suggestions"] == top["suggestions"]]
    if len(tied) > 1:
        return f"{' and '.join(tied['label'])} are the most common themes ({top['share']:.0%} of suggestions each)"
    return f"{top['label']} is the most common theme ({top['share']:.0%} of suggestions)"


def chart_title(theme_counts: pd.DataFrame) -> str:
    """The pack's chart title, stating its finding in other words than the slide's headline:
    'Suggestions per theme: CPD leads with 352 of 1,470, then Skills and tools (221)'."""
    counted = theme_counts[theme_counts["suggestions"] > 0]
    if len(counted) < 2:
        return theme_bar_title(theme_counts)
    ranked = counted.sort_values(["suggestions", "label"], ascending=[False, True])
    first, second = ranked.iloc[0], ranked.iloc[1]
    total = int(counted["suggestions"].sum())
    if first["suggestions"] == second["suggestions"]:
        return f"Suggestions per theme: {first['label']} and {second['label']} lead with {int(first['suggestions']):,} each of {total:,}"
    return (
        f"Suggestions per theme: {first['label']} leads with {int(first['suggestions']):,} of {total:,}, "
        f"then {second['label']} ({int(second['suggestions']):,})"
    )


# How solid each bar is: the parts of a theme's count by how each suggestion got its theme (theme_counts.sql columns).
SOLIDITY = (
    ("by_hand", "Coded by hand", charts.DARK_BLUE),
    ("reviewed", "Reviewed", charts.TURQUOISE),
    ("unreviewed", "Unreviewed classifier tags", charts.ORANGE),
)


def theme_bar(theme_counts: pd.DataFrame) -> go.Figure:
    """Suggestions per theme as sorted horizontal bars, each split by how solid its tags are and labelled with count
    and share; each bar carries its theme_id."""
    ordered = theme_counts.sort_values(["suggestions", "label"], ascending=[False, True]).copy()
    ordered["bar_label"] = [
        f"{count:,} ({share:.0%})" for count, share in zip(ordered["suggestions"], ordered["share"], strict=True)
    ]
    # Largest at the top: plotly draws the first row at the bottom. The total's label rides on the last part, which
    # ends where the bar does.
    bottom_up = ordered.iloc[::-1]
    parts = []
    for number, (column, name, colour) in enumerate(SOLIDITY):
        last = number == len(SOLIDITY) - 1
        parts.append(
            go.Bar(
                x=bottom_up[column],
                y=bottom_up["label"],
                orientation="h",
                name=name,
                marker_color=colour,
                text=bottom_up["bar_label"] if last else None,
                textposition="outside",
                cliponaxis=False,
                customdata=bottom_up["theme_id"].tolist(),
                hovertemplate=f"%{{y}}: %{{x:,}} {name.lower()}<br>Click to list them below<extra></extra>",
            )
        )
    figure = charts.style(
        go.Figure(parts),
        theme_bar_title(theme_counts),
        height=max(260, 32 * len(ordered) + 140),
        barmode="stack",
        # Above the bars, under the title: below them it would sit on the axis title.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "traceorder": "normal"},
        margin={"t": 90},
        # Room to the right of the longest bar, so its label is not clipped.
        xaxis={
            "showgrid": True,
            "title": {"text": "Suggestions"},
            "range": [0, max(1, ordered["suggestions"].max()) * 1.18],
        },
    )
    return figure


def selected_theme_ids(selection) -> list[str]:
    """The theme_ids of the bars picked in a plotly selection event (empty when nothing is selected)."""
    if not selection:
        return []
    points = selection.get("selection", {}).get("points", []) if isinstance(selection, dict) else []
    return list(dict.fromkeys(point["customdata"] for point in points if point.get("customdata")))


def comparable(frame: pd.DataFrame) -> bool:
    """Whether a heatmap of theme shares compares anything: it needs two or more themes with suggestions.

    With one theme in view every cell is 100% (with one place too, the grid is a single cell): a chart of that only
    restates the filter.
    """
    return frame.loc[frame["suggestions"] > 0, "label"].nunique() >= 2


def single_theme_sentence(frame: pd.DataFrame, place: str) -> str:
    """What the page says in place of a heatmap that would compare nothing."""
    counted = frame[frame["suggestions"] > 0]
    if counted.empty:
        return f"No suggestions match the filters, so there are no theme shares by {place} to compare."
    label = counted["label"].iloc[0]
    return (
        f"Every suggestion in view is about {label}, so its share is 100% in each {place}: there is nothing to "
        "compare. Choose more themes to compare their shares."
    )


def share_heatmap(frame: pd.DataFrame, row: str, title: str, *, row_order: list[str] | None = None) -> go.Figure:
    """Theme shares per `row` (location, nation or question) as a heatmap with the percentage written in every cell."""
    # One pivot for the shares (0 to 1) and the counts: one row per `row` value, one column per theme label.
    both = frame.pivot_table(index=row, columns="label", values=["share", "suggestions"], aggfunc="sum", sort=False)
    # The themes in the bar chart's order, most suggestions first (ties by label), so a reader finds each in one place.
    totals = frame.groupby("label")["suggestions"].sum()
    labels = sorted(totals.index, key=lambda label: (-totals[label], label))
    table, counts = both["share"].reindex(columns=labels), both["suggestions"].reindex(columns=labels)
    if row_order is not None:
        table = table.reindex([value for value in row_order if value in table.index])
        counts = counts.reindex(table.index)
    # From 0 to the largest share shown, rounded up to a tenth: with every share between 5% and 21%, a scale to 100%
    # drew every cell the same pale blue. Never past 100%, a share that cannot occur; and with two themes split 49 to
    # 51, both cells are dark alike, not told apart as if far apart.
    top = min(1.0, math.ceil(round(float(table.max().max()) * 10, 9)) / 10 or 0.1)
    shares = table.to_numpy(dtype=float, na_value=np.nan)
    columns, rows = list(table.columns), [wrap(str(value)) for value in table.index]
    written = [["" if np.isnan(share) else f"{share:.0%}" for share in line] for line in shares]
    # Built whole, traces and layout at once: each update_* call afterwards validates the figure again.
    figure = go.Figure(
        [
            go.Heatmap(
                z=shares,
                x=columns,
                y=rows,
                customdata=counts.to_numpy(),
                colorscale=charts.SEQUENTIAL_SCALE,
                zmin=0,
                zmax=top,
                hovertemplate="%{y}<br>%{x}: %{z:.0%} (%{customdata:,} suggestions)<extra></extra>",
                colorbar={"title": "Share", "tickformat": ".0%"},
                xgap=2,
                ygap=2,
            ),
            charts.cell_labels(columns, rows, shares, written, scale=charts.SEQUENTIAL_SCALE, low=0, high=top),
        ],
        {"yaxis": {"autorange": "reversed", "title": None}, "xaxis": {"title": None, "tickangle": -30}},
    )
    return charts.style(figure, title, height=max(300, 44 * len(table) + 160))


def wrap(text: str, width: int = 40) -> str:
    """Long axis labels (the workshop questions) broken over lines."""
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return "\n".join([*lines, current])


def standout(frame: pd.DataFrame, row: str, name: str, theme_counts: pd.DataFrame) -> dict | None:
    """The row and theme whose share most exceeds that theme's overall share, among rows with enough suggestions."""
    totals = frame.groupby(row, sort=False)["suggestions"].sum()
    large = frame[frame[row].map(totals) >= STANDOUT_MINIMUM]
    overall = theme_counts.set_index("theme_id")["share"]
    if large.empty or len(totals) < 2:
        return None
    scored = large.assign(overall=large["theme_id"].map(overall))
    scored = scored[(scored["overall"] > 0) & (scored["suggestions"] > 0)]
    if scored.empty:
        return None
    scored = scored.assign(lift=scored["share"] / scored["overall"]).sort_values(
        ["lift", row, "label"], ascending=[False, True, True]
    )
    best = scored.iloc[0]
    return {"where": best[name], "label": best["label"], "share": best["share"], "overall": best["overall"]}


def heatmap_title(frame: pd.DataFrame, row: str, name: str, theme_counts: pd.DataFrame, place: str) -> str:
    """A heatmap title that states its strongest local emphasis (wrapped to fit), or what it shows when there is none."""
    found = standout(frame, row, name, theme_counts)
    if found is None or found["share"] <= found["overall"]:
        return f"Theme shares by {place}"
    where = f'answers to "{found["where"]}"' if place == "question" else found["where"]
    return wrap(
        f"{found['label']} stands out in {where}: {found['share']:.0%} of its suggestions, "
        f"against {found['overall']:.0%} overall",
        width=90,
    )


def standout_sentence(frame: pd.DataFrame, row: str, name: str, theme_counts: pd.DataFrame) -> str | None:
    """'Inclusion makes up 24% of suggestions in Glasgow, against 10% overall.'"""
    found = standout(frame, row, name, theme_counts)
    if found is None or found["share"] <= found["overall"]:
        return None
    return (
        f"{found['label']} makes up {found['share']:.0%} of suggestions in {found['where']}, "
        f"against {found['overall']:.0%} overall."
    )


def review_sentence(kpis: dict) -> str | None:
    """'234 of 1,470 suggestions carry an unreviewed classifier tag; 31 of those (13%) have low confidence and need ...'."""
    auto = int(kpis["auto"] or 0)
    if not auto:
        return None
    review = int(kpis["needs_review"] or 0)
    carry = "carries" if auto == 1 else "carry"
    need = (
        "has low confidence and needs a person to check it"
        if review == 1
        else "have low confidence and need a person to check them"
    )
    return (
        f"{auto:,} of {findings.plural(int(kpis['suggestions']), 'suggestion')} {carry} an unreviewed classifier tag; "
        f"{review:,} of those ({review / auto:.0%}) {need}."
    )


def question_sentence(by_question: pd.DataFrame) -> str | None:
    """'Answers to "What CPD does GSE need?" are mostly about CPD (54%).'"""
    recorded = by_question[(by_question["question"] != NOT_RECORDED) & (by_question["suggestions"] > 0)]
    if recorded["label"].nunique() < 2:  # with one theme in view every answer is "mostly" about it: no finding
        return None
    top = recorded.sort_values(["share", "question_suggestions"], ascending=[False, False]).iloc[0]
    return f'Answers to "{top["question"]}" are most often about {top["label"]} ({top["share"]:.0%} of them).'


def explorer_title(
    theme_labels: list[str],
    location_names: list[str],
    workshops: list[str],
    questions: list[str],
    search: str | None,
    review_only: bool,
) -> str:
    """The explorer download's title, naming the explorer's own filters (the sidebar's are stated by the export)."""
    parts = []
    for name, chosen in (("themes", theme_labels), ("locations", location_names), ("workshops", workshops)):
        if chosen:
            parts.append(f"{name} {', '.join(chosen)}")
    if questions:
        parts.append(f"{len(questions)} question{'s' if len(questions) > 1 else ''}")
    if search and search.strip():
        parts.append(f'text containing "{search.strip()}"')
    if review_only:
        parts.append("needing review")
    return "Suggestions" + (f" ({'; '.join(parts)})" if parts else "")


def tagged_by(source, confidence) -> str:
    """How a suggestion got its theme, in words: 'By hand', 'Reviewed' or 'Classifier, 87%'."""
    if source == "manual":
        return "By hand"
    if source == "reviewed":
        return "Reviewed"
    if source == "auto":
        return f"Classifier, {confidence:.0%}"
    return "Untagged"


def unthemed_sentence(kpis: dict) -> str | None:
    """'3 suggestions are Unthemed: a reviewer found that none of the themes fits them.' (None when there are none)."""
    unthemed = int(kpis.get("unthemed") or 0)
    if not unthemed:
        return None
    are = "suggestion is" if unthemed == 1 else "suggestions are"
    return f"{unthemed:,} {are} Unthemed: a reviewer found that none of the themes fits {'it' if unthemed == 1 else 'them'}."


def reliance_sentence(theme_counts: pd.DataFrame) -> str | None:
    """'294 of 1,470 suggestions carry an unreviewed classifier tag.', from theme_counts.sql (None when none is themed).

    It counts suggestions with a theme: an Unthemed one carries no tag (unthemed_sentence counts those).
    """
    themed, unreviewed = int(theme_counts["suggestions"].sum()), int(theme_counts["unreviewed"].sum())
    if not themed:
        return None
    if not unreviewed:
        if themed == 1:
            return "The one suggestion in view has its theme coded by hand or checked by a reviewer."
        return f"All {themed:,} suggestions have their theme coded by hand or checked by a reviewer."
    carry = "carries" if unreviewed == 1 else "carry"
    return f"{unreviewed:,} of {findings.plural(themed, 'suggestion')} {carry} an unreviewed classifier tag."


def explorer_table(matches: pd.DataFrame) -> pd.DataFrame:
    """The explorer's rows for display and download: words, not codes."""
    return pd.DataFrame(
        {
            "Suggestion": matches["text"],
            "Theme": matches["theme"].fillna(UNTHEMED).where(matches["theme_source"].notna(), "Untagged"),
            "Tagged": [tagged_by(s, c) for s, c in zip(matches["theme_source"], matches["confidence"], strict=True)],
            "Confidence": matches["confidence"].where(matches["theme_source"] == "auto"),
            "Needs review": matches["needs_review"].map({True: "Yes", False: "No"}),
            "Location": matches["location"],
            "Workshop date": pd.to_datetime(matches["held_on"]).dt.date,
            "Question": matches["question"].fillna(NOT_RECORDED),
            "ID": matches["suggestion_id"],
        }
    )


def theme_quotes(quotes: pd.DataFrame, theme_id: str) -> list[tuple[str, str]]:
    """One theme's typical suggestions, best first, as (text, location) pairs (empty when the theme has none)."""
    rows = quotes[quotes["theme_id"] == theme_id].sort_values("quote_rank")
    return list(zip(rows["text"], rows["location"], strict=True))
