"""The dock's region-of-interest section: draw, map extent, layer extent, selection, clear."""

from qgis.core import QgsMapLayerProxyModel
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .roi import format_pixel_size, roi_from_canvas, roi_from_layer, roi_from_selection, roi_pixels
from .roi_tool import RectangleMapTool, RoiOverlay
from .tones import span
from .translation import tr
from .widgets import compact_button as _button


class RoiPanel(QWidget):
    """Holds the ROI (``self.roi``, a :class:`ui.roi.Roi` or None) and shows it on the map."""

    roiChanged = pyqtSignal()

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self.roi = None
        self.pixels = None  # (columns, rows) of the reference grid inside the ROI, once known
        self.tool = RectangleMapTool(self.canvas)
        self.tool.rectangleDrawn.connect(self._on_drawn)
        self.overlay = RoiOverlay(self.canvas)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.draw_button = _button(tr("Draw"), self)
        self.draw_button.setObjectName("roiDraw")
        self.draw_button.setToolTip(tr("Drag a rectangle on the map (Esc or right click cancels)."))
        self.map_button = _button(tr("Map extent"), self)
        self.map_button.setObjectName("roiMapExtent")
        self.map_button.setToolTip(tr("Use what the map shows now."))
        self.selection_button = _button(tr("Selection"), self)
        self.selection_button.setObjectName("roiSelection")
        self.selection_button.setToolTip(tr("The bounding box of the selected polygon(s) of the vector layer "
                                            "chosen below (or of the active layer)."))
        self.clear_button = _button(tr("Clear"), self)
        self.clear_button.setObjectName("roiClear")
        self.clear_button.setToolTip(tr("No ROI: runs cover the whole first Sentinel-2 layer."))
        for button in (self.draw_button, self.map_button, self.selection_button, self.clear_button):
            row.addWidget(button)
        layout.addLayout(row)

        row2 = QHBoxLayout()
        self.layer_combo = QgsMapLayerComboBox(self)
        self.layer_combo.setObjectName("roiLayer")
        self.layer_combo.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer | QgsMapLayerProxyModel.Filter.VectorLayer)
        self.layer_combo.setAllowEmptyLayer(True)
        self.layer_combo.setToolTip(tr("A layer whose extent (or selected features) gives the ROI."))
        self.layer_button = _button(tr("Layer extent"), self)
        self.layer_button.setObjectName("roiLayerExtent")
        row2.addWidget(self.layer_combo, 1)
        row2.addWidget(self.layer_button)
        layout.addLayout(row2)

        self.info = QLabel(self)
        self.info.setObjectName("roiInfo")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info)

        self.draw_button.clicked.connect(self.start_drawing)
        self.map_button.clicked.connect(self.use_map_extent)
        self.selection_button.clicked.connect(lambda: self.use_selection())
        self.layer_button.clicked.connect(lambda: self.use_layer_extent())
        self.clear_button.clicked.connect(self.clear)

    # -- choosing ---------------------------------------------------------------------
    def set_roi(self, roi):
        self.roi = roi if roi is not None and roi.is_valid() else None
        if self.roi is None:
            self.overlay.clear()
        else:
            self.overlay.show(self.roi)
        self.roiChanged.emit()

    def start_drawing(self):
        self.tool.start()

    def _on_drawn(self, rect):
        from .roi import Roi

        self.set_roi(Roi(rect, self.canvas.mapSettings().destinationCrs(), "drawn on the map"))

    def use_map_extent(self):
        self.set_roi(roi_from_canvas(self.canvas))

    def use_layer_extent(self, layer=None):
        layer = layer or self.layer_combo.currentLayer()
        if layer is None:
            self.iface.messageBar().pushInfo("S2 CloudFree", tr("Choose a layer for its extent first."))
            return
        self.set_roi(roi_from_layer(layer))

    def use_selection(self, layer=None):
        candidates = [layer] if layer is not None else [self.layer_combo.currentLayer(), self.iface.activeLayer()]
        for candidate in candidates:
            roi = roi_from_selection(candidate)
            if roi is not None:
                self.set_roi(roi)
                return True
        self.iface.messageBar().pushInfo(
            "S2 CloudFree", tr("Select one or more polygons of a vector layer first (the layer chosen in the "
                               "ROI section or the active layer)."))
        return False

    def clear(self):
        self.set_roi(None)

    # -- showing ----------------------------------------------------------------------
    def update_info(self, reference_layer):
        """Show the ROI's size in pixels of ``reference_layer`` (the first checked S2 layer)."""
        roi = self.roi
        if reference_layer is None:
            size = tr("no Sentinel-2 layer checked, so no reference grid yet")
            pixels = None
        else:
            pixels = roi_pixels(roi, reference_layer)
            crs = reference_layer.crs()
            px = format_pixel_size(reference_layer.rasterUnitsPerPixelX(), crs)
            grid = tr("{size} pixels, {crs}").format(size=px, crs=crs.authid() or crs.description() or tr("no CRS"))
            if pixels is None:
                size = f"{span('error', tr('outside the reference layer'))} ({grid})"
            else:
                size = tr("<b>{cols} × {rows} px</b> of the reference grid ({grid})").format(
                    cols=pixels[0], rows=pixels[1], grid=grid)
        if roi is None:
            text = (tr("Whole first Sentinel-2 layer: {size}") if pixels else tr("No ROI; {size}")).format(size=size)
        else:
            text = size + "<br>" + tr("ROI in {crs}, {source}").format(crs=roi.crs_text(), source=roi.source)
        self.info.setText(text)
        self.pixels = pixels
        return pixels

    def release(self):
        self.tool.release()
        self.overlay.release()
