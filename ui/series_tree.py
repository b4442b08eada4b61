"""The dock's time-series list: Sentinel-2, Sentinel-1, cloud masks and unused layers, by date."""

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor, QFont
from qgis.PyQt.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTreeWidget, QTreeWidgetItem

from .series_model import KIND_LABELS, MASK, OTHER, S1, S2
from .tones import tone
from .translation import tr, translatable

COL_DATE, COL_LAYER, COL_CLOUD, COL_SOURCE = range(4)
LAYER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ORDER = (S2, MASK, S1, OTHER)
_GROUP_TITLES = {S2: "Sentinel-2", MASK: translatable("Cloud masks"), S1: "Sentinel-1", OTHER: translatable("Not used")}


def short_source(source):
    """'file name', 'metadata', 'product name'... for the narrow column (the tooltip has it all)."""
    text = source or ""
    if text.startswith("metadata"):
        return "metadata"
    if "product name" in text:
        return "product name"
    if "tile name" in text:
        return "tile name"
    if "file name" in text:
        return "file name"
    return text or "none"


def format_fraction(value):
    return "" if value is None else f"{100.0 * value:.0f} %"


class SeriesTree(QTreeWidget):
    """Checkable layers grouped by kind; emits ``checkedChanged(layer_id, checked)``."""

    checkedChanged = pyqtSignal(str, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("seriesTree")
        self.setColumnCount(4)
        self.setHeaderLabels([tr("Date"), tr("Layer"), tr("Cloud"), tr("From")])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long names keep their date at the end
        header = self.header()
        header.setStretchLastSection(False)
        # sized to the dates, not to the group titles spanning the row (see _fit_date_column)
        header.setSectionResizeMode(COL_DATE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_LAYER, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CLOUD, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_SOURCE, QHeaderView.ResizeMode.ResizeToContents)
        self.headerItem().setToolTip(COL_CLOUD, tr("Share of the ROI that is not clear in the date's cloud mask "
                                                   "(cloud, shadow or nodata); computed on demand."))
        self.headerItem().setToolTip(COL_SOURCE, tr("Where the date was found: file name or GDAL metadata."))
        self._filling = False
        self._expanded = {S2: True, MASK: True, S1: True, OTHER: False}
        self.itemChanged.connect(self._on_item_changed)
        self.itemExpanded.connect(lambda item: self._remember(item, True))
        self.itemCollapsed.connect(lambda item: self._remember(item, False))

    def _remember(self, item, expanded):
        kind = item.data(COL_DATE, LAYER_ID_ROLE + 1)
        if kind:
            self._expanded[kind] = expanded

    def populate(self, series):
        self._filling = True
        try:
            self.clear()
            for kind in KIND_ORDER:
                entries = series.of_kind(kind)
                if not entries and kind == OTHER:
                    continue
                group = QTreeWidgetItem(self, [f"{tr(_GROUP_TITLES[kind])} ({len(entries)})"])
                group.setData(COL_DATE, LAYER_ID_ROLE + 1, kind)
                group.setFirstColumnSpanned(True)
                font = QFont(group.font(COL_DATE))
                font.setBold(True)
                group.setFont(COL_DATE, font)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                for entry in entries:
                    self._add_entry(group, entry, series)
                group.setExpanded(self._expanded.get(kind, True))
        finally:
            self._filling = False
        self._fit_date_column()

    def _fit_date_column(self):
        """Width of the date column: indentation, check box and the widest date (the bold group
        titles span the whole row, so they need not fit in it)."""
        metrics = self.fontMetrics()
        widest = metrics.horizontalAdvance(self.headerItem().text(COL_DATE))
        for g in range(self.topLevelItemCount()):
            group = self.topLevelItem(g)
            for i in range(group.childCount()):
                widest = max(widest, metrics.horizontalAdvance(group.child(i).text(COL_DATE)))
        box = self.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        self.header().resizeSection(COL_DATE, self.indentation() + box + widest + 16)

    def _add_entry(self, group, entry, series):
        cloud = entry.cloud_fraction
        if entry.kind == S2 and cloud is None:
            mask = series.mask_for(entry)
            cloud = mask.cloud_fraction if mask is not None else None
        source = short_source(entry.date_source) if entry.kind != OTHER else entry.reason
        item = QTreeWidgetItem(group, [entry.date_text if entry.date else "—", entry.name,
                                       format_fraction(cloud), source])
        item.setData(COL_DATE, LAYER_ID_ROLE, entry.layer_id)
        tip = (f"{entry.path}\n{KIND_LABELS[entry.kind]} ({entry.reason}), {entry.band_count} band"
               f"{'s' if entry.band_count != 1 else ''}, {entry.crs or 'no CRS'}, pixel "
               f"{entry.pixel_size[0]:g} × {entry.pixel_size[1]:g}\ndate: {entry.date_text} ({entry.date_source})")
        for col in range(4):
            item.setToolTip(col, tip)
        if entry.kind == OTHER:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setForeground(COL_LAYER, QBrush(QColor(tone("note"))))
            return
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(COL_DATE, Qt.CheckState.Checked if entry.checked else Qt.CheckState.Unchecked)
        if entry.date is None:
            item.setForeground(COL_DATE, QBrush(QColor(tone("error"))))
        if entry.kind == S2 and entry.checked and series.mask_for(entry) is None and series.checked_masks:
            item.setToolTip(COL_CLOUD, tr("No cloud mask of this date is checked."))

    def items_by_layer(self):
        out = {}
        root = self.invisibleRootItem()
        for g in range(root.childCount()):
            group = root.child(g)
            for i in range(group.childCount()):
                item = group.child(i)
                out[item.data(COL_DATE, LAYER_ID_ROLE)] = item
        return out

    def set_checked(self, layer_id, checked):
        item = self.items_by_layer().get(layer_id)
        if item is not None:
            item.setCheckState(COL_DATE, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def selected_layer_ids(self):
        return [i.data(COL_DATE, LAYER_ID_ROLE) for i in self.selectedItems() if i.data(COL_DATE, LAYER_ID_ROLE)]

    def _on_item_changed(self, item, column):
        if self._filling or column != COL_DATE:
            return
        layer_id = item.data(COL_DATE, LAYER_ID_ROLE)
        if layer_id:
            self.checkedChanged.emit(layer_id, item.checkState(COL_DATE) == Qt.CheckState.Checked)
