"""Shared chart styling: the Analysis Function palette and plotly template, and small figure builders."""

import itertools

import afcharts.pio_template  # noqa: F401 (registers the "afcharts" plotly template)
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from afcharts.af_colours import get_af_colours

from dashboard import plaintext

TEMPLATE = "afcharts"
# Every figure is styled with the house template; as the default too, a new figure no longer copies plotly's own
# (four times the size, 24 trace types), which took about a fifth of each figure's build.
pio.templates.default = TEMPLATE
CATEGORICAL = get_af_colours("categorical")  # dark blue, turquoise, dark pink, orange, dark grey, light purple
SEQUENTIAL = get_af_colours("sequential")[::-1]  # light to dark, so high values are dark
# The same as a plotly colorscale (heatmaps, the Profession map).
SEQUENTIAL_SCALE = [[position / (len(SEQUENTIAL) - 1), colour] for position, colour in enumerate(SEQUENTIAL)]
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE = CATEGORICAL
# GOV.UK text colours: both pass WCAG AA contrast (4.5:1) on white, unlike the light grey Streamlit gives chart text.
TEXT, SECONDARY_TEXT = "#0b0c0c", "#505a5f"
# Trace properties that Plotly draws as text (tick labels, bar labels, hover, legend). `locations` is left alone: it must
# match the outline file's keys, and its values are the contract's fixed region names.
TEXT_PROPERTIES = ("x", "y", "text", "hovertext", "customdata", "labels", "name")
NATION_COLOURS = {"England": DARK_BLUE, "Scotland": TURQUOISE, "Wales": DARK_PINK, "Northern Ireland": ORANGE}


def hex_to_rgb(colour: str) -> list[int]:
    """'#12436D' as [18, 67, 109], the form pydeck wants."""
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)]


def merged(base: dict, extra: dict) -> dict:
    """`base` with `extra` laid over it, nested dicts merged key by key."""
    result = dict(base)
    for key, value in extra.items():
        result[key] = (
            merged(result[key], value) if isinstance(value, dict) and isinstance(result.get(key), dict) else value
        )
    return result


def literal(values):
    """Every text value in a trace property (a string, or a list or array of them, nested) made literal for Plotly."""
    if isinstance(values, str):
        return plaintext.plot(values)
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "OUS":
            return np.array(literal(values.tolist()), dtype=object)
        return values
    if isinstance(values, list | tuple):
        return [literal(value) for value in values]
    return values


def literal_traces(figure: go.Figure) -> None:
    """Make the data text of every trace literal: a label's `<a href>` or `<img>` must show, not become an SVG link.

    An axis's category order and tick text name the same categories, so they are escaped alike: a department called
    "Science, Innovation & Technology" must still find its place in the order.
    """
    for trace in figure.data:
        for name in TEXT_PROPERTIES:
            if name in trace and trace[name] is not None:
                trace[name] = literal(trace[name])
    for axis in (*figure.select_xaxes(), *figure.select_yaxes()):
        for name in ("categoryarray", "ticktext"):
            if axis[name] is not None:
                axis[name] = literal(axis[name])


def title_text(figure: go.Figure) -> str:
    """A figure's title as one plain line, for alt text."""
    return plaintext.unplot(figure.layout.title.text or "")


def style(figure: go.Figure, heading: str, *, height: int | None = None, **layout) -> go.Figure:
    """Apply the house template and a heading that states the finding; `layout` adds to or overrides the house layout.

    `heading` and the traces' text are data, plain text with lines broken by "\n": both are made literal here, once,
    for every figure (plaintext.plot). The whole layout is set in one assignment: plotly's update_layout costs about
    10 ms a call, and setting it whole about a third of that (pages draw up to eight charts a run).
    """
    literal_traces(figure)
    house = {
        "template": TEMPLATE,
        "title": {"text": plaintext.plot(heading), "x": 0, "xanchor": "left", "font": {"color": TEXT}},
        "font": {"color": TEXT},
        "legend": {"font": {"color": TEXT}},
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "hovermode": "closest",
        "height": height,
    }
    # Set on the axes too (the first pair, and any more from subplots): Streamlit's chart theme sets their colours,
    # which would win over the layout's font.
    axes = [axis.plotly_name for axis in (*figure.select_xaxes(), *figure.select_yaxes())]
    for name in {"xaxis", "yaxis", *axes}:
        house[name] = {"tickfont": {"color": SECONDARY_TEXT}, "title": {"font": {"color": TEXT}}}
    figure.layout = merged(figure.layout.to_plotly_json(), merged(house, layout))
    return figure


def bar(
    frame: pd.DataFrame, *, x: str, y: str, title: str, text: str | None = None, colour: str = DARK_BLUE, **layout
) -> go.Figure:
    """A horizontal bar chart, largest at the top, with optional text labels on the bars; `layout` as in style."""
    figure = bar_figure(frame, x=x, y=y, text=text, colour=colour)
    return style(figure, title, height=max(260, 32 * len(frame) + 100), **layout)


def bar_figure(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    text: str | None = None,
    colour: str = DARK_BLUE,
    hover: str = "%{y}: %{x}<extra></extra>",
) -> go.Figure:
    """The bars of `bar` before the house style, for a builder that styles the figure its own way.

    Style a figure once only: style makes its text literal, and a second pass would show the first one's escapes.
    """
    ordered = frame.iloc[::-1]
    # Built whole, trace and layout at once: each update_* call afterwards validates the figure again.
    return go.Figure(
        go.Bar(
            x=ordered[x],
            y=ordered[y],
            orientation="h",
            marker_color=colour,
            text=ordered[text] if text else None,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=hover,
        ),
        {"xaxis": {"showgrid": True, "title": None}, "yaxis": {"title": None}},
    )


def vertical_line(x: float, line: dict, **shape) -> dict:
    """A layout shape: a line at `x` across the plot's height, as `add_vline` draws it, for a figure built whole."""
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line, **shape}


# Room a title line takes at the top of a figure (the house title font and its padding), in pixels.
TITLE_LINE_PX = 22
# A rough width of one character of a bar label, in pixels, to keep labels outside the bars inside the figure.
LABEL_CHAR_PX = 7.5


def wrap_label(text: str, width: int = 20) -> str:
    """An axis label broken into lines of about `width` characters, so a long name leaves room for the plot on a phone.

    Plotly caps the margin it grows for long labels and cuts off the rest; a wrapped label fits that margin. Lines
    are broken with a newline, which charts.style turns into Plotly's line break along with the rest of the text.
    """
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def untitled(figure: go.Figure) -> go.Figure:
    """The figure without its title, its top margin and height shrunk by the room the title took (changed in place).

    On screen the title is shown above the chart as text, which wraps at any width; a plotly title never wraps.
    """
    text = figure.layout.title.text
    if not text:
        return figure
    lines = text.count("<br>") + 1
    top = figure.layout.margin.t if figure.layout.margin.t is not None else 60
    # Keep room for a legend or reference-line label above the plot.
    saved = min(top - 30, TITLE_LINE_PX * lines + 20) if top > 30 else 0
    figure.layout.title.text = None
    figure.layout.margin.t = top - saved
    if figure.layout.height:
        figure.layout.height = figure.layout.height - saved
    return figure


def outside_right(trace) -> bool:
    """Whether a trace writes its text labels to the right of its bars or points, past the end of the data."""
    if trace.type not in ("bar", "scatter"):
        return False
    position = trace.textposition if isinstance(trace.textposition, str) else None
    if trace.type == "bar":
        return trace.orientation == "h" and position == "outside"
    return trace.type == "scatter" and "text" in (trace.mode or "") and bool(position) and position.endswith("right")


LABEL_HALO = ", ".join(["0 0 2px #fff"] * 3 + ["0 0 5px #fff"] * 4)


def fit_labels(figure: go.Figure) -> go.Figure:
    """Room in the right margin for the labels outside horizontal bars, so none is cut off on a narrow screen, and a
    halo that keeps lines behind them from striking them through.

    The labels have a fixed size in pixels while the plot shrinks with the screen, so the room is kept in the margin,
    which does not shrink (changed in place).
    """
    longest = 0
    for trace in figure.data:
        if not outside_right(trace) or trace.text is None:
            continue
        texts = [trace.text] if isinstance(trace.text, str) else trace.text
        longest = max([longest, *(len(str(text)) for text in texts)])
        # A label past the axis range would be cut at the plot's edge; the margin is there to hold it.
        trace.cliponaxis = False
        # A white halo: where a dashed reference line or a gridline runs behind a label, it no longer shows between
        # the letters ("10.4 (‖24)").
        trace.textfont.shadow = LABEL_HALO
    if longest:
        right = figure.layout.margin.r or 0
        figure.layout.margin.r = max(right, round(LABEL_CHAR_PX * longest) + 12)
    return figure


def categories(figure: go.Figure) -> list[str]:
    """The names on a chart's category (y) axis, bottom first as plotly places them; [] when it holds numbers."""
    order = figure.layout.yaxis.categoryarray
    if figure.layout.yaxis.categoryorder == "array" and order is not None:
        return [str(value) for value in order]
    names: dict[str, None] = {}
    for trace in figure.data:
        values = getattr(trace, "y", None)
        if values is None or trace.type not in {"bar", "scatter"}:
            continue
        if not all(isinstance(value, str) for value in values):
            return []
        names.update(dict.fromkeys(values))
    return list(names)


def relative_luminance(rgb) -> float:
    """WCAG's relative luminance of an (r, g, b) colour of 0 to 255."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (value / 255 for value in rgb)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first, second) -> float:
    """WCAG's contrast ratio of two (r, g, b) colours."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def scale_colour(value: float, scale: list, low: float, high: float) -> tuple[float, float, float]:
    """The colour a plotly colorscale gives `value` between `low` and `high` (clamped), mixed in RGB as plotly mixes."""
    position = min(max((value - low) / (high - low), 0.0), 1.0) if high > low else 0.0
    for (start, below), (end, above) in itertools.pairwise(scale):
        if position <= end:
            share = (position - start) / (end - start) if end > start else 0.0
            first, second = hex_to_rgb(below), hex_to_rgb(above)
            return tuple(a + (b - a) * share for a, b in zip(first, second, strict=True))
    return tuple(hex_to_rgb(scale[-1][1]))


def cell_labels(x: list, y: list, z, text, *, scale: list, low: float, high: float) -> go.Scatter:
    """A heatmap's cell labels as a text layer over it, each black or white, whichever stands out more from its cell.

    Plotly's own choice writes dark grey on the middle blues of the sequential scale, at 3:1 where WCAG asks 4.5:1;
    black or white always gives one of at least 4.58:1. A cell without a value shows the page's white behind it.
    """
    points = {"x": [], "y": [], "text": [], "colour": []}
    for row, row_name in enumerate(y):
        for column, column_name in enumerate(x):
            label = text[row][column]
            if label is None or label == "" or (isinstance(label, float) and np.isnan(label)):
                continue
            value = z[row][column]
            cell = (255, 255, 255) if value is None or np.isnan(value) else scale_colour(value, scale, low, high)
            black = contrast_ratio(cell, (0, 0, 0)) >= contrast_ratio(cell, (255, 255, 255))
            points["x"].append(column_name)
            points["y"].append(row_name)
            points["text"].append(label)
            points["colour"].append("#000000" if black else "#ffffff")
    return go.Scatter(
        x=points["x"],
        y=points["y"],
        text=points["text"],
        mode="text",
        textfont={"color": points["colour"]},
        hoverinfo="skip",
        showlegend=False,
    )
