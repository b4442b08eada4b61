"""Drawing the region of interest on the map, and keeping it visible there.

:class:`RectangleMapTool` lets the user drag a rectangle on the canvas (it emits the rectangle in
the canvas CRS). :class:`RoiOverlay` shows the chosen ROI as a rubber band that stays on the map,
re-projected when the canvas CRS changes, until it is cleared or the plugin unloads.
"""

from qgis.core import QgsGeometry, QgsPointXY, QgsRectangle, QgsWkbTypes
from qgis.gui import QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor

ROI_STROKE = QColor(230, 60, 30, 230)
ROI_FILL = QColor(230, 60, 30, 40)


def _rectangle_band(canvas, dashed=False):
    band = QgsRubberBand(canvas, QgsWkbTypes.GeometryType.PolygonGeometry)
    band.setStrokeColor(ROI_STROKE)
    band.setFillColor(ROI_FILL)
    band.setWidth(2)
    if dashed:
        band.setLineStyle(Qt.PenStyle.DashLine)
    return band


class RectangleMapTool(QgsMapTool):
    """Press, drag, release: emits ``rectangleDrawn(QgsRectangle)`` in the canvas CRS.

    Escape or a right click cancels (``cancelled``). The tool gives the canvas back to the
    previous map tool after each rectangle."""

    rectangleDrawn = pyqtSignal(QgsRectangle)
    cancelled = pyqtSignal()

    def __init__(self, canvas):
        super().__init__(canvas)
        self._canvas = canvas
        self._start = None
        self._band = None
        self._previous_tool = None
        self.setCursor(Qt.CursorShape.CrossCursor)

    def start(self):
        """Make this the canvas's map tool (remembering the one to go back to)."""
        current = self._canvas.mapTool()
        if current is not self:
            self._previous_tool = current
        self._canvas.setMapTool(self)

    def _restore_previous(self):
        if self._canvas.mapTool() is self:
            if self._previous_tool is not None:
                self._canvas.setMapTool(self._previous_tool)
            else:
                self._canvas.unsetMapTool(self)
        self._previous_tool = None

    def _clear_band(self):
        if self._band is not None:
            self._band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
            self._canvas.scene().removeItem(self._band)
            self._band = None

    def _show(self, end):
        if self._band is None:
            self._band = _rectangle_band(self._canvas, dashed=True)
        rect = QgsRectangle(self._start, end)
        self._band.setToGeometry(QgsGeometry.fromRect(rect), None)

    def canvasPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.RightButton:
            self._start = None
            self._clear_band()
            self.cancelled.emit()
            self._restore_previous()
            return
        self._start = QgsPointXY(self.toMapCoordinates(event.pos()))
        self._show(self._start)

    def canvasMoveEvent(self, event):  # noqa: N802 (Qt API)
        if self._start is not None:
            self._show(QgsPointXY(self.toMapCoordinates(event.pos())))

    def canvasReleaseEvent(self, event):  # noqa: N802 (Qt API)
        if self._start is None or event.button() != Qt.MouseButton.LeftButton:
            return
        rect = QgsRectangle(self._start, QgsPointXY(self.toMapCoordinates(event.pos())))
        self._start = None
        self._clear_band()
        if rect.width() > 0 and rect.height() > 0:
            self.rectangleDrawn.emit(rect)
        else:
            self.cancelled.emit()
        self._restore_previous()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape:
            self._start = None
            self._clear_band()
            self.cancelled.emit()
            self._restore_previous()

    def deactivate(self):
        self._start = None
        self._clear_band()
        super().deactivate()

    def release(self):
        """Leave the canvas as it was (called when the plugin unloads)."""
        self._clear_band()
        if self._canvas.mapTool() is self:
            self._canvas.unsetMapTool(self)
        self._previous_tool = None


class RoiOverlay:
    """The ROI as a rubber band that stays on the map."""

    def __init__(self, canvas):
        self.canvas = canvas
        self.roi = None
        self.band = None
        canvas.destinationCrsChanged.connect(self.redraw)

    def show(self, roi):
        self.roi = roi
        self.redraw()

    def redraw(self):
        if self.roi is None or not self.roi.is_valid():
            self._remove_band()
            return
        if self.band is None:
            self.band = _rectangle_band(self.canvas)
        crs = self.canvas.mapSettings().destinationCrs()
        rect = self.roi.in_crs(crs)
        self.band.setToGeometry(QgsGeometry.fromRect(rect), None)
        self.band.show()

    def clear(self):
        self.roi = None
        self._remove_band()

    def _remove_band(self):
        if self.band is not None:
            self.band.reset(QgsWkbTypes.GeometryType.PolygonGeometry)
            self.canvas.scene().removeItem(self.band)
            self.band = None

    def release(self):
        self.clear()
        try:
            self.canvas.destinationCrsChanged.disconnect(self.redraw)
        except (TypeError, RuntimeError):
            pass
