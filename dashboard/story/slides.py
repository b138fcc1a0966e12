"""The slide: one finding with its chart and table, as presentation mode, the board pack and the report show it."""

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk


@dataclass(frozen=True)
class Series:
    """The numbers behind a bar chart, for a native (editable) PowerPoint chart."""

    categories: tuple[str, ...]
    values: tuple[float | None, ...]
    name: str
    number_format: str = "#,##0"
    title: str = ""  # the chart's title, stating its finding ('name' when empty)
    # A 95% interval around each value, as on screen: the distance below and above it (None where there is none).
    minus: tuple[float | None, ...] = ()
    plus: tuple[float | None, ...] = ()
    # Values marked as on screen (a different colour, and `marked_label` after the category name, so colour is not
    # the only sign), and a reference line across the bars with its label.
    marked: tuple[bool, ...] = ()
    marked_label: str = ""
    reference: float | None = None
    reference_label: str = ""
    maximum: float | None = None  # the value axis's end, when the values have a natural top (100%)
    key: str = ""  # what the marks, lines and colours mean, written under the chart


@dataclass(frozen=True)
class Slide:
    """One finding: a headline, its chart, its table, and the findings behind it for speaker notes."""

    section: str
    headline: str
    table: pd.DataFrame
    figure: go.Figure | None = None
    deck: pdk.Deck | None = None
    deck_alt: str = ""  # what the map shows, for readers who cannot see it
    deck_key: str = ""  # what the map's numbers, lines, sizes and colours mean
    series: Series | None = None
    kpis: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    commentary: str = ""  # the team's commentary (safe Markdown on screen, plain text in notes and exports)
    notice: str = ""  # what changed since the team saved the slide (a location an import removed, say)
