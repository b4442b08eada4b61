"""The S2 CloudFree dock: from the loaded layers to a cloud-free result, showing what runs where.

Sections, top to bottom: the Python packages (only loud when one is missing), the region of interest,
the time series (the project's rasters classified and sorted by date), the device, and the runs.
Nothing heavy is imported when the plugin loads: the first time the dock is shown it checks the
packages (imports torch, rasterio, s2cloudless), lists the devices and reads the layers' metadata.
"""

import os

from qgis.core import QgsApplication, QgsMapLayerType, QgsProject
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget
from qgis.PyQt.QtCore import Qt, QTimer, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..processing_provider import settings
from .background_run import BackgroundRun, Job
from .dependency_status import DependencyPanel, check_dependencies
from .device_choice import DeviceChoice
from .results import MASKS_SUBGROUP, RESULTS_GROUP, result_layer_ids, results_group, style_layer
from .roi_panel import RoiPanel
from .run_buttons import RunPanel
from .run_parameters import (
    DIALOG,
    RUN_BY_KEY,
    RUNS,
    RunInputs,
    availability,
    build_parameters,
    registered_algorithm,
    result_name,
)
from .series_model import Series, build_series
from .series_tree import SeriesTree
from .tones import span
from .translation import tr
from .widgets import compact_button as _button

DOCK_OBJECT_NAME = "S2CloudFreeDock"
TITLE = "S2 CloudFree"


def _group(title, widget, object_name):
    box = QgsCollapsibleGroupBox(title)
    box.setObjectName(object_name)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box


def estimate_text(label, values):
    """' <label>: estimated RMSE 0.031 (gap filler alone 0.036) on 40,000 held-out clear pixels.'
    for runs that measured their own error, else ''."""
    rmse = values.get("ESTIMATED_RMSE")
    try:
        rmse = float(rmse)
    except (TypeError, ValueError):
        return ""
    if rmse != rmse:
        return ""
    text = " " + tr("{label}: estimated RMSE {rmse:.3f}").format(label=label, rmse=rmse)
    prior = values.get("ESTIMATED_RMSE_PRIOR")
    try:
        if prior is not None and float(prior) == float(prior):
            text += " " + tr("(gap filler alone {rmse:.3f})").format(rmse=float(prior))
    except (TypeError, ValueError):
        pass
    pixels = values.get("HELD_OUT_PIXELS")
    try:
        text += " " + tr("on {pixels:,} held-out clear pixels.").format(pixels=int(float(pixels)))
    except (TypeError, ValueError):
        text += "."
    return text


class S2CloudFreeDock(QgsDockWidget):
    """The plugin's panel. ``release()`` undoes every connection; the plugin calls it on unload."""

    seriesChanged = pyqtSignal()

    def __init__(self, iface, parent=None):
        super().__init__(TITLE, parent)
        self.setObjectName(DOCK_OBJECT_NAME)
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self.project = QgsProject.instance()
        self.series = Series()
        self.dependencies = None      # {package: importable} after the first check
        self.run_in_progress = None   # BackgroundRun
        self._unchecked = set()
        self._initialised = False
        self._dirty = True
        self._connections = []

        content = QWidget()
        content.setObjectName("s2cfDockContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)

        self.dependency_panel = DependencyPanel(content)
        layout.addWidget(self.dependency_panel)

        self.roi_panel = RoiPanel(iface, content)
        layout.addWidget(_group(tr("Region of interest"), self.roi_panel, "roiGroup"))

        series_widget = QWidget(content)
        series_layout = QVBoxLayout(series_widget)
        series_layout.setContentsMargins(0, 0, 0, 0)
        self.series_summary = QLabel(series_widget)
        self.series_summary.setObjectName("seriesSummary")
        self.series_summary.setWordWrap(True)
        self.tree = SeriesTree(series_widget)
        self.tree.setMinimumHeight(190)
        buttons = QHBoxLayout()
        self.refresh_button = _button(tr("Refresh"), series_widget)
        self.refresh_button.setObjectName("seriesRefresh")
        self.refresh_button.setToolTip(tr("Read the project's raster layers again."))
        self.cloud_button = _button(tr("Cloud % in ROI"), series_widget)
        self.cloud_button.setObjectName("seriesCloudCover")
        self.cloud_button.setToolTip(tr("Read the cloud masks inside the ROI only and show each date's cloud "
                                        "percentage (needs rasterio)."))
        self.check_all_button = _button(tr("All"), series_widget)
        self.check_none_button = _button(tr("None"), series_widget)
        self.check_all_button.setToolTip(tr("Check every Sentinel-2, Sentinel-1 and mask layer."))
        self.check_none_button.setToolTip(tr("Uncheck every layer."))
        for button in (self.refresh_button, self.cloud_button, self.check_all_button, self.check_none_button):
            buttons.addWidget(button)
        series_layout.addWidget(self.series_summary)
        series_layout.addWidget(self.tree, 1)
        series_layout.addLayout(buttons)
        layout.addWidget(_group(tr("Time series"), series_widget, "seriesGroup"), 1)

        self.device_choice = DeviceChoice(content)
        layout.addWidget(_group(tr("Device"), self.device_choice, "deviceGroup"))

        self.run_panel = RunPanel(content)
        self.run_panel.set_mode(settings.run_mode())
        self.run_panel.output_folder.setFilePath(settings.output_folder())
        layout.addWidget(_group(tr("Run"), self.run_panel, "runGroup"))
        layout.addStretch(0)

        scroll = QScrollArea(self)
        scroll.setObjectName("s2cfDockScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.setWidget(scroll)
        self.setMinimumWidth(340)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(250)
        self._refresh_timer.timeout.connect(self.refresh_series)
        # the first show initialises once the event loop has painted the dock (a child timer, so it
        # dies with the dock when the plugin unloads first)
        self._init_timer = QTimer(self)
        self._init_timer.setSingleShot(True)
        self._init_timer.setInterval(0)
        self._init_timer.timeout.connect(self.initialise)

        # widget signals (die with the widgets)
        self.roi_panel.roiChanged.connect(self._on_roi_changed)
        self.tree.checkedChanged.connect(self._on_checked)
        self.refresh_button.clicked.connect(self.refresh_series)
        self.cloud_button.clicked.connect(self.compute_cloud_cover)
        self.check_all_button.clicked.connect(lambda: self.set_all_checked(True))
        self.check_none_button.clicked.connect(lambda: self.set_all_checked(False))
        self.device_choice.deviceChanged.connect(lambda _v: self.update_buttons())
        self.run_panel.runRequested.connect(self.run)
        self.run_panel.cancelRequested.connect(self.cancel_run)
        self.run_panel.modeChanged.connect(self._on_mode_changed)
        self.run_panel.output_folder.fileChanged.connect(settings.set_output_folder)
        self.run_panel.model.fileChanged.connect(lambda _p: self.update_buttons())

        # signals of long-lived objects: disconnected in release()
        registry = QgsApplication.processingRegistry()
        self._connect(self.project.layersAdded, self._schedule_refresh)
        self._connect(self.project.layersRemoved, self._schedule_refresh)
        self._connect(self.project.cleared, self._schedule_refresh)
        self._connect(registry.providerAdded, self._on_registry_changed)
        self._connect(registry.providerRemoved, self._on_registry_changed)
        self.update_buttons()
        self.roi_panel.update_info(None)
        self.series_summary.setText(tr("The series is read when the panel is shown."))

    # -- lifetime -----------------------------------------------------------------------
    def _connect(self, signal, slot):
        signal.connect(slot)
        self._connections.append((signal, slot))

    def release(self):
        """Disconnect from the project, the registry and the canvas; stop a run; remove the ROI band."""
        self._refresh_timer.stop()
        self._init_timer.stop()
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._connections = []
        if self.run_in_progress is not None:
            self.run_in_progress.detach()
            self.run_in_progress = None
        self.roi_panel.release()

    def showEvent(self, event):  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._initialised:
            self._init_timer.start()
        elif self._dirty:
            self._schedule_refresh()

    def initialise(self, devices=None):
        """The lazy part: check the packages, list the devices, read the series (idempotent)."""
        if self._initialised:
            return
        self._initialised = True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            statuses = check_dependencies()
            self.dependencies = {s.name: s.ok for s in statuses}
            self.dependency_panel.show_statuses(statuses)
            self.device_choice.populate(devices)
            self.refresh_series()
        finally:
            QApplication.restoreOverrideCursor()

    # -- series -------------------------------------------------------------------------
    def _schedule_refresh(self, *_args):
        self._dirty = True
        if self._initialised and self.isVisible():
            self._refresh_timer.start()

    def project_raster_layers(self):
        return [layer for layer in self.project.mapLayers().values()
                if layer.type() == QgsMapLayerType.RasterLayer]

    def refresh_series(self):
        """Classify the project's raster layers again (keeping check states and cloud percentages)."""
        self._dirty = False
        use_rasterio = None if self.dependencies is None else self.dependencies.get("rasterio", False)
        self.series = build_series(self.project_raster_layers(), use_rasterio=use_rasterio,
                                   exclude_ids=result_layer_ids(self.project), unchecked_ids=self._unchecked,
                                   previous=self.series)
        self.tree.populate(self.series)
        self._update_summary()
        self._update_roi_info()
        self.update_buttons()
        self.seriesChanged.emit()
        return self.series

    def _update_summary(self):
        text = self.series.summary()
        if not self.series.rasterio_used:
            text += "<br>" + span("warning", tr("rasterio is missing: dates come from file names only."))
        undated = [e.name for e in self.series.checked_s2 if e.date is None]
        if undated:
            text += "<br>" + span("error", tr("No date for {layers}: they keep the layer order.").format(
                layers=", ".join(undated[:3]) + ("…" if len(undated) > 3 else "")))
        self.series_summary.setText(text)

    def _on_checked(self, layer_id, checked):
        entry = self.series.find(layer_id)
        if entry is None:
            return
        entry.checked = checked
        if checked:
            self._unchecked.discard(layer_id)
        else:
            self._unchecked.add(layer_id)
        self._update_summary()
        self._update_roi_info()
        self.update_buttons()

    def set_all_checked(self, checked):
        for entry in self.series.s2 + self.series.s1 + self.series.masks:
            self.tree.set_checked(entry.layer_id, checked)

    def reference_layer(self):
        entry = self.series.reference
        return self.project.mapLayer(entry.layer_id) if entry is not None else None

    def compute_cloud_cover(self):
        """Cloud percentage of every checked mask inside the ROI (reads the mask windows only)."""
        if self.dependencies is not None and not self.dependencies.get("rasterio", False):
            self.run_panel.status.setText(tr("Cloud percentages need rasterio (see the top of the panel)."))
            return {}
        from .cloud_cover import cloud_fraction

        roi = self.roi_panel.roi
        if roi is None:
            reference = self.reference_layer()
            if reference is not None:
                from .roi import roi_from_layer

                roi = roi_from_layer(reference)
        out = {}
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for mask in self.series.masks:
                layer = self.project.mapLayer(mask.layer_id)
                if layer is None:
                    continue
                bounds = None
                if roi is not None:
                    rect = roi.in_crs(layer.crs(), self.project)
                    bounds = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
                try:
                    mask.cloud_fraction = cloud_fraction(mask.path, bounds)
                except Exception as exc:  # noqa: BLE001 (an unreadable mask must not break the dock)
                    self.run_panel.append_log("warning", tr("Cloud % of {layer}: {error}").format(
                        layer=mask.name, error=exc))
                    mask.cloud_fraction = None
                out[mask.layer_id] = mask.cloud_fraction
            for s2 in self.series.s2:
                paired = self.series.mask_for(s2)
                s2.cloud_fraction = paired.cloud_fraction if paired is not None else None
        finally:
            QApplication.restoreOverrideCursor()
        self.tree.populate(self.series)
        return out

    # -- ROI ------------------------------------------------------------------------------
    def _on_roi_changed(self):
        for entry in self.series.all_layers:
            entry.cloud_fraction = None  # they were for the previous ROI
        self.tree.populate(self.series)
        self._update_roi_info()
        self.update_buttons()

    def _update_roi_info(self):
        return self.roi_panel.update_info(self.reference_layer())

    # -- runs -----------------------------------------------------------------------------
    def _on_mode_changed(self, mode):
        settings.set_run_mode(mode)
        self.update_buttons()

    def _on_registry_changed(self, *_args):
        self.update_buttons()

    def run_inputs(self):
        return RunInputs.from_series(
            self.series, roi=self.roi_panel.roi, device=self.device_choice.value(),
            model=self.run_panel.model.filePath().strip(), output_folder=self.run_panel.output_folder.filePath().strip())

    def update_buttons(self):
        """Enable each run button when its algorithm is registered and its inputs are there."""
        mode = self.run_panel.mode()
        running = self.run_in_progress is not None and self.run_in_progress.active
        inputs = self.run_inputs()
        states = {}
        for spec in RUNS:
            enabled, reason = availability(spec, self.series, mode, inputs, self.dependencies)
            button = self.run_panel.buttons[spec.key]
            button.setEnabled(enabled and not running)
            button.setToolTip(reason if enabled else span("error", reason))
            states[spec.key] = (enabled, reason)
        return states

    def parameters_for(self, key, for_dialog=True, s2_entry=None):
        """The parameters a run of ``key`` gets (the dialog's prefill, or a background job's)."""
        spec = RUN_BY_KEY[key]
        algorithm = registered_algorithm(spec.algorithm_id)
        if algorithm is None:
            raise KeyError(f"{spec.algorithm_id} is not registered")
        return build_parameters(algorithm, spec, self.run_inputs(), for_dialog, s2_entry)

    def jobs_for(self, key):
        spec = RUN_BY_KEY[key]
        inputs = self.run_inputs()
        algorithm = registered_algorithm(spec.algorithm_id)
        if spec.per_date:
            return [Job(spec.algorithm_id, build_parameters(algorithm, spec, inputs, False, entry),
                        result_name(spec, inputs, entry), MASKS_SUBGROUP) for entry in inputs.s2]
        return [Job(spec.algorithm_id, build_parameters(algorithm, spec, inputs, False),
                    result_name(spec, inputs))]

    def run(self, key, mode=None):
        """Run ``key`` as the run panel says: open the prefilled dialog, or start in the background."""
        spec = RUN_BY_KEY[key]
        enabled, reason = availability(spec, self.series, mode or self.run_panel.mode(), self.run_inputs(),
                                       self.dependencies)
        if not enabled:
            self.run_panel.status.setText(reason)
            return None
        if (mode or self.run_panel.mode()) == DIALOG:
            return self.open_dialog(key)
        return self.start_background(self.jobs_for(key))

    def open_dialog(self, key):
        try:
            import processing
        except ImportError:
            self.run_panel.status.setText(tr("The Processing plugin is not enabled: enable it in Plugins ▸ Manage "
                                             "and Install Plugins, or use 'Run in background'."))
            return None
        spec = RUN_BY_KEY[key]
        selected = [self.series.find(i) for i in self.tree.selected_layer_ids()]
        s2_entry = next((e for e in selected if e is not None and e in self.series.checked_s2), None)
        params = self.parameters_for(key, for_dialog=True, s2_entry=s2_entry)
        results = processing.execAlgorithmDialog(spec.algorithm_id, params) or {}
        self.adopt_dialog_results(spec, results)
        self.device_choice.refresh_last_used()
        return results

    def adopt_dialog_results(self, spec, results):
        """Move the layers Processing loaded for a dialog run into the results group, styled."""
        paths = set()
        for value in (results or {}).values():
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                if not isinstance(item, str) or not os.path.exists(item):
                    continue
                if os.path.isdir(item):  # folder outputs (seq2seq): the rasters inside
                    paths.update(os.path.join(item, name) for name in os.listdir(item))
                else:
                    paths.add(item)
        paths = {os.path.normcase(os.path.abspath(p)) for p in paths}
        if not paths:
            return []
        moved = []
        root = self.project.layerTreeRoot()
        for layer in self.project.mapLayers().values():
            source = os.path.normcase(os.path.abspath(layer.source().split("|", 1)[0]))
            node = root.findLayer(layer.id())
            if source in paths and node is not None:
                group = results_group(self.project, subgroup=MASKS_SUBGROUP if spec.per_date else None)
                clone = node.clone()
                group.insertChildNode(0, clone)
                node.parent().removeChildNode(node)
                if layer.type() == QgsMapLayerType.RasterLayer:
                    style_layer(layer)
                moved.append(layer)
        if moved:
            self._schedule_refresh()
        return moved

    def start_background(self, jobs):
        if self.run_in_progress is not None and self.run_in_progress.active:
            self.run_panel.status.setText(tr("A run is in progress: wait for it or cancel it first."))
            return None
        run = BackgroundRun(jobs, self.project, self)
        run.progressChanged.connect(lambda v: self.run_panel.progress.setValue(int(round(v))))
        run.logged.connect(self.run_panel.append_log)
        run.finished.connect(self._on_run_finished)
        self.run_in_progress = run
        self.run_panel.set_running(True)
        running = tr("Running {n} job…") if len(jobs) == 1 else tr("Running {n} jobs…")
        self.run_panel.status.setText(running.format(n=len(jobs)))
        self.update_buttons()
        run.start()
        return run

    def cancel_run(self):
        if self.run_in_progress is not None:
            self.run_in_progress.cancel()
            self.run_panel.status.setText(tr("Cancelling…"))

    def _on_run_finished(self, ok, cancelled):
        run = self.run_in_progress
        self.run_panel.set_running(False)
        added = len(run.layers) if run is not None else 0
        if ok:
            text = (tr("Done: {n} layer added to '{group}'.") if added == 1
                    else tr("Done: {n} layers added to '{group}'.")).format(n=added, group=RESULTS_GROUP)
            text += "".join(estimate_text(label, values) for label, values in (run.values if run else []))
        elif cancelled:
            text = tr("Cancelled.")
        else:
            text = tr("Failed: see the log below.")
        self.run_panel.status.setText(text)
        self.device_choice.refresh_last_used()
        if run is not None and any(layer for layer in run.layers if self._is_mask_layer(layer)):
            self._schedule_refresh()
            if self.isVisible():
                self.refresh_series()
        self.update_buttons()

    def _is_mask_layer(self, layer):
        group = results_group(self.project, create=False, subgroup=MASKS_SUBGROUP)
        return group is not None and group.findLayer(layer.id()) is not None
