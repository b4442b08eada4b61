"""Text colours of the panel that stay readable in light and dark themes.

A fixed dark red on QGIS's dark theme ("Night Mapping") is nearly invisible; these tones are picked
for the current palette: the light-theme shade when the window background is light, a lighter shade
when it is dark. Each shade has a contrast ratio of at least 4.5 (WCAG AA for text) against the
palette's window colour of the usual light and dark themes.
"""

from qgis.PyQt.QtGui import QColor, QPalette
from qgis.PyQt.QtWidgets import QApplication

#: name -> (shade on a light background, shade on a dark background)
_TONES = {
    "error": ("#b00020", "#ff8a80"),
    "warning": ("#8a5100", "#ffb74d"),
    "ok": ("#1b5e20", "#81c784"),
    "note": ("#5f5f5f", "#b0b0b0"),
}
#: background and border of the box that names missing packages
_BOX = {"light": ("#fff4e5", "#f0b070"), "dark": ("#3a2c12", "#8a6a2a")}


def _window_color(palette=None):
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)


def is_dark(palette=None):
    return _window_color(palette).lightnessF() < 0.5


def tone(name, palette=None):
    """The colour (``#rrggbb``) of ``name`` (error, warning, ok, note) for the current palette."""
    light, dark = _TONES[name]
    return dark if is_dark(palette) else light


def box_style(palette=None):
    """(background, border) of a highlighted box for the current palette."""
    return _BOX["dark" if is_dark(palette) else "light"]


def span(name, text):
    """``text`` in an HTML span of the tone ``name``."""
    return f"<span style='color:{tone(name)}'>{text}</span>"


def contrast(first, second):
    """WCAG contrast ratio of two colours (1 to 21)."""
    def luminance(color):
        channels = []
        for value in (QColor(color).redF(), QColor(color).greenF(), QColor(color).blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
