"""The panel's text colours follow the theme: readable (WCAG AA, contrast >= 4.5) on the window
colour of a light and of a dark palette, and the dark shades are used when the palette is dark."""

import pytest
from qgis.PyQt.QtGui import QColor, QPalette
from qgis.PyQt.QtWidgets import QApplication

from s2cloudfree.ui import tones


def palette(window):
    p = QPalette(QApplication.palette())
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, QColor(window))
    return p


@pytest.mark.parametrize("window, dark", [("#efefef", False), ("#ffffff", False), ("#323232", True),
                                          ("#19232d", True)])
def test_every_tone_is_readable_on_light_and_dark_windows(qgis_app, window, dark):
    p = palette(window)
    assert tones.is_dark(p) is dark
    for name in ("error", "warning", "ok", "note"):
        assert tones.contrast(tones.tone(name, p), window) >= 4.5, (name, window)
    background, _border = tones.box_style(p)
    assert tones.contrast(background, "#000000" if not dark else "#ffffff") >= 4.5


def test_the_dock_uses_the_dark_shades_under_a_dark_palette(qgis_app):
    saved = QApplication.palette()
    try:
        QApplication.setPalette(palette("#2b2b2b"))
        assert tones.tone("error") == "#ff8a80"
        assert "color:#ff8a80" in tones.span("error", "No date")
    finally:
        QApplication.setPalette(saved)
    assert tones.contrast("#000000", "#ffffff") == pytest.approx(21.0)
