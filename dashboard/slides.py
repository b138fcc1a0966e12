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
