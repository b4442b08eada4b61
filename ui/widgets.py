"""Small widget helpers shared by the dock's sections."""

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QSizePolicy, QToolButton


def compact_button(text, parent=None):
    """A text button that shares a row with others and stays usable in a narrow dock (a QToolButton:
    its minimum width is its text, where a QPushButton keeps a style-defined minimum)."""
    button = QToolButton(parent)
    button.setText(text)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button
