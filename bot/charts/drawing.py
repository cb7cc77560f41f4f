"""What the charts share: the palette, one figure per picture, and PNG bytes out."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: set before anything else of matplotlib is drawn

from matplotlib.figure import Figure  # noqa: E402 - after choosing the backend

INK = "#33415c"
QUIET = "#8d99ae"
DPI = 110


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` x ``height`` inches, on white, without pyplot."""
    figure = Figure(figsize=(width, height), dpi=DPI, facecolor="white")
    figure.set_layout_engine("constrained")
    return figure


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes (a photo Telegram accepts: small, under 10 MB)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=figure.get_facecolor())
    return buffer.getvalue()
