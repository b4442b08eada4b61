"""The dock (pytest-qgis, offscreen): series builder, ROI, device choice, settings, parameters, runs.

Real layers from a generated sample series (4 dates of 64 x 64 px, EPSG:32631, 10 m pixels, top-left
corner 500000, 5630000) are loaded into a fresh project for each test.
"""

import shutil
import sys
import time
import types

import pytest
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsMultiBandColorRenderer,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterExtent,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
    QgsRasterLayer,
    QgsRectangle,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import QCoreApplication

N_DATES, SIZE, PIXEL = 4, 64, 10.0
X0, Y1 = 500000.0, 5630000.0


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from s2cloudfree.core.sample import generate_sample_series

    return generate_sample_series(tmp_path_factory.mktemp("sample"), n_dates=N_DATES, size=SIZE, seed=5)


@pytest.fixture
def layers(sample, qgis_new_project):
    """The sample's layers in the project, added in a shuffled order (the dock sorts them)."""
    paths = [sample.s2[2], sample.masks[1], sample.s1[3], sample.s2[0], sample.landcover, sample.masks[3],
             sample.s2[3], sample.s1[0], sample.masks[0], sample.s2[1], sample.s1[2], sample.masks[2],
             sample.s1[1]]
    loaded = [QgsRasterLayer(p, p.rsplit("/", 1)[-1][:-4], "gdal") for p in paths]
    assert all(layer.isValid() for layer in loaded)
    qgis_new_project.addMapLayers(loaded)
    return {layer.name(): layer for layer in loaded}


@pytest.fixture
def settings_sandbox():
    """Each test starts from clean plugin settings; the ones there before are put back after."""
    settings = QgsSettings()
    settings.beginGroup("s2cloudfree")
    saved = {key: settings.value(key) for key in settings.allKeys()}
    settings.endGroup()
    settings.remove("s2cloudfree")
    yield
    settings.remove("s2cloudfree")
    for key, value in saved.items():
        settings.setValue(f"s2cloudfree/{key}", value)


@pytest.fixture
def dock(qgis_iface, s2cf_provider, layers, settings_sandbox):
    from s2cloudfree.ui.dock import S2CloudFreeDock

    widget = S2CloudFreeDock(qgis_iface)
    widget.initialise()
    yield widget
    widget.release()
    widget.deleteLater()
    QCoreApplication.processEvents()


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        QCoreApplication.processEvents()
        time.sleep(0.01)


# -- time series ------------------------------------------------------------------------
def test_the_dock_reads_the_series_when_first_shown(qgis_iface, s2cf_provider, layers, settings_sandbox):
    from s2cloudfree.ui.dock import S2CloudFreeDock

    widget = S2CloudFreeDock(qgis_iface)
    try:
        assert not widget.series.s2 and widget.dependencies is None  # nothing read before it is shown
        widget.show()
        _wait(lambda: widget.dependencies is not None, timeout=30)
        assert len(widget.series.s2) == N_DATES and widget.dependencies["rasterio"]
        assert "cpu" in widget.device_choice.values()
        # a layer added later is picked up (debounced refresh while visible)
        extra = QgsRasterLayer(layers["s2_2021-03-01"].source(), "again_2021-12-24", "gdal")
        widget.project.addMapLayer(extra)
        _wait(lambda: len(widget.series.s2) == N_DATES + 1, timeout=10)
    finally:
        widget.hide()
        widget.release()
        widget.deleteLater()


def test_series_is_classified_dated_and_sorted(dock, sample):
    series = dock.series
    iso = [d.isoformat() for d in sample.dates]
    assert [e.name for e in series.s2] == [f"s2_{d}" for d in iso]
    assert [e.name for e in series.masks] == [f"mask_{d}" for d in iso]
    assert [e.date.isoformat() for e in series.s1] == [d.isoformat() for d in sample.s1_dates]
    assert [e.name for e in series.others] == ["landcover"]
    assert all(e.date_source == "ISO date in file name" for e in series.s2 + series.s1 + series.masks)
    assert [e.reason for e in series.s2] == ["Sentinel-2 band names"] * N_DATES
    assert series.s1[0].reason == "VV/VH band names"
    assert series.rasterio_used
    # masks are paired by date, in the S2 order
    assert [m.name for m in series.paired_masks()] == [f"mask_{d}" for d in iso]
    # the tree shows the same, group by group
    tree = dock.tree
    groups = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert groups == [f"Sentinel-2 ({N_DATES})", f"Cloud masks ({N_DATES})", f"Sentinel-1 ({N_DATES})",
                      "Not used (1)"]
    assert [tree.topLevelItem(0).child(i).text(0) for i in range(N_DATES)] == iso


def test_dates_from_metadata_need_rasterio_and_fall_back_to_names(sample, qgis_new_project, tmp_path):
    from s2cloudfree.ui.series_model import S2, build_series

    undated = tmp_path / "scene_a.tif"  # no date in the name; ACQUISITION_DATE in the metadata
    shutil.copy(sample.s2[1], undated)
    layers = [QgsRasterLayer(str(undated), "scene_a", "gdal"), QgsRasterLayer(sample.s2[0], "first", "gdal")]
    with_rasterio = build_series(layers, use_rasterio=True)
    assert [(e.name, e.date_source) for e in with_rasterio.s2] == [
        ("first", "ISO date in file name"), ("scene_a", "metadata ACQUISITION_DATE")]
    assert with_rasterio.s2[1].date == sample.dates[1]
    names_only = build_series(layers, use_rasterio=False)
    assert not names_only.rasterio_used
    assert [(e.name, e.kind, e.date) for e in names_only.s2] == [
        ("first", S2, sample.dates[0]), ("scene_a", S2, None)]  # undated last, still Sentinel-2


def test_classification_rules():
    from s2cloudfree.ui.series_model import MASK, OTHER, S1, S2, classify

    assert classify(13, [""] * 13, False, ("x.tif",), True)[0] == S2
    assert classify(4, ["B04", "B03", "B02", "B08"], False, ("x.tif",), True)[0] == S2
    assert classify(2, ["", ""], False, ("x.tif",), True)[0] == S1
    assert classify(1, ["VV"], False, ("x.tif",), True)[0] == S1
    assert classify(1, [""], False, ("clm_2017-08-04.tif",), True)[0] == MASK
    assert classify(1, [""], True, ("x_2017-08-04.tif",), True)[0] == MASK
    assert classify(1, [""], True, ("landcover.tif",), False)[0] == OTHER
    assert classify(3, ["", "", ""], False, ("rgb.tif",), True)[0] == OTHER


def test_unchecking_and_cloud_percentage_for_the_roi(dock, layers, sample):
    import numpy as np
    import rasterio

    from s2cloudfree.ui.roi import Roi

    dock.tree.set_checked(layers["s2_" + sample.dates[1].isoformat()].id(), False)
    assert len(dock.series.checked_s2) == N_DATES - 1
    dock.refresh_series()  # check states survive a refresh
    assert len(dock.series.checked_s2) == N_DATES - 1
    # ROI: the top-left 32 x 16 px
    dock.roi_panel.set_roi(Roi(QgsRectangle(X0, Y1 - 16 * PIXEL, X0 + 32 * PIXEL, Y1),
                               QgsCoordinateReferenceSystem("EPSG:32631"), "test"))
    fractions = dock.compute_cloud_cover()
    for mask in dock.series.masks:
        with rasterio.open(mask.path) as ds:
            expected = float(np.mean(ds.read(1)[:16, :32] != 0))
        assert fractions[mask.layer_id] == pytest.approx(expected)
    first = dock.series.s2[0]
    assert first.cloud_fraction == dock.series.mask_for(first).cloud_fraction
    assert dock.tree.topLevelItem(0).child(0).text(2).endswith("%")


# -- region of interest -------------------------------------------------------------------
def test_roi_from_a_layer_extent(dock, layers, qgis_canvas):
    dock.roi_panel.use_layer_extent(layers["s2_" + "2021-03-01"])
    roi = dock.roi_panel.roi
    assert roi.extent_string() == f"{X0:.0f},{X0 + SIZE * PIXEL:.0f},{Y1 - SIZE * PIXEL:.0f},{Y1:.0f} [EPSG:32631]"
    assert dock.roi_panel.pixels == (SIZE, SIZE)
    assert "64 × 64 px" in dock.roi_panel.info.text() and "10 m" in dock.roi_panel.info.text()
    # the rubber band stays on the map until the ROI is cleared
    assert any(isinstance(i, QgsRubberBand) and i.isVisible() for i in qgis_canvas.scene().items())
    dock.roi_panel.clear()
    assert not any(isinstance(i, QgsRubberBand) for i in qgis_canvas.scene().items())
    assert dock.roi_panel.pixels == (SIZE, SIZE)  # no ROI: the whole reference layer


def test_roi_drawn_with_the_map_tool(dock, qgis_canvas):
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt

    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32631"))
    qgis_canvas.setExtent(QgsRectangle(X0, Y1 - SIZE * PIXEL, X0 + SIZE * PIXEL, Y1))
    before = qgis_canvas.mapTool()
    dock.roi_panel.start_drawing()
    tool = dock.roi_panel.tool
    assert qgis_canvas.mapTool() is tool

    def event(kind, x, y):
        return QgsMapMouseEvent(qgis_canvas, kind, QPoint(x, y), Qt.LeftButton, Qt.LeftButton)

    to_screen = qgis_canvas.getCoordinateTransform()
    (x0, y0), (x1, y1) = [(round(p.x()), round(p.y())) for p in (
        to_screen.transform(X0 + 100, Y1 - 100), to_screen.transform(X0 + 300, Y1 - 250))]
    tool.canvasPressEvent(event(QEvent.MouseButtonPress, x0, y0))
    tool.canvasMoveEvent(event(QEvent.MouseMove, (x0 + x1) // 2, (y0 + y1) // 2))
    assert len([i for i in qgis_canvas.scene().items() if isinstance(i, QgsRubberBand)]) == 1  # dragging
    tool.canvasReleaseEvent(event(QEvent.MouseButtonRelease, x1, y1))
    roi = dock.roi_panel.roi
    assert roi.source == "drawn on the map" and roi.crs.authid() == "EPSG:32631"
    assert roi.rect == QgsRectangle(to_screen.toMapCoordinates(x0, y0), to_screen.toMapCoordinates(x1, y1))
    assert qgis_canvas.mapTool() is before  # the tool gives the canvas back
    bands = [i for i in qgis_canvas.scene().items() if isinstance(i, QgsRubberBand)]
    assert len(bands) == 1  # the ROI's band stays; the tool's temporary band is gone
    cols, rows = dock.roi_panel.pixels  # about 200 m x 150 m: 20 x 15 px, give or take a screen pixel
    assert 19 <= cols <= 22 and 14 <= rows <= 17


def test_roi_from_the_map_extent_counts_reference_pixels(dock, qgis_canvas):
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32631"))
    qgis_canvas.setExtent(QgsRectangle(X0 + 100, Y1 - 300, X0 + 250, Y1 - 100))
    dock.roi_panel.use_map_extent()
    roi = dock.roi_panel.roi
    shown = qgis_canvas.extent()  # the canvas widens the rectangle to its aspect ratio
    assert roi.rect == shown and roi.crs.authid() == "EPSG:32631"
    import math

    cols = min(SIZE, math.ceil((shown.xMaximum() - X0) / PIXEL)) - max(0, math.floor((shown.xMinimum() - X0) / PIXEL))
    rows = min(SIZE, math.ceil((Y1 - shown.yMinimum()) / PIXEL)) - max(0, math.floor((Y1 - shown.yMaximum()) / PIXEL))
    assert dock.roi_panel.pixels == (cols, rows)
    assert dock.parameters_for("mosaic")["EXTENT"] == roi.extent_string()


def test_roi_in_another_crs_and_from_a_selected_polygon(dock, qgis_new_project):
    from s2cloudfree.ui.roi import Roi

    # 200 m x 100 m inside the first layer, given in WGS 84: about 20 x 10 px once on the grid
    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    utm = QgsCoordinateReferenceSystem("EPSG:32631")
    rect = Roi(QgsRectangle(X0 + 50, Y1 - 150, X0 + 250, Y1 - 50), utm).in_crs(wgs)
    dock.roi_panel.set_roi(Roi(rect, wgs, "test"))
    cols, rows = dock.roi_panel.pixels
    assert 20 <= cols <= 22 and 10 <= rows <= 13
    assert dock.roi_panel.roi.extent_string().endswith("[EPSG:4326]")

    polygons = QgsVectorLayer("Polygon?crs=EPSG:32631", "fields", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(X0 + 10, Y1 - 200, X0 + 300, Y1 - 20)))
    polygons.dataProvider().addFeatures([feature])
    qgis_new_project.addMapLayer(polygons)
    assert not dock.roi_panel.use_selection(polygons)  # nothing selected yet
    polygons.selectAll()
    assert dock.roi_panel.use_selection(polygons)
    assert dock.roi_panel.pixels == (29, 18)
    assert "selected polygon" in dock.roi_panel.roi.source


# -- device and settings ---------------------------------------------------------------------
def test_device_list_contains_cpu(dock):
    values = dock.device_choice.values()
    assert values[:2] == ["auto", "cpu"]
    assert dock.device_choice.value() == "auto"


def test_device_list_names_gpus_with_their_memory():
    from s2cloudfree.ui.device_list import list_devices

    class Props:
        def __init__(self, name, gib):
            self.name, self.total_memory = name, gib * 2 ** 30

    cuda = types.SimpleNamespace(is_available=lambda: True, device_count=lambda: 2,
                                 get_device_properties=lambda i: [Props("NVIDIA H100", 80), Props("RTX 4090", 24)][i])
    mps = types.SimpleNamespace(is_available=lambda: True)
    fake = types.SimpleNamespace(__version__="9.9", version=types.SimpleNamespace(cuda="12.4"), cuda=cuda,
                                 backends=types.SimpleNamespace(mps=mps))
    devices = list_devices(fake)
    assert devices.values == ["auto", "cpu", "cuda:0", "cuda:1", "mps"]
    labels = [o.label for o in devices.options]
    assert labels[0] == "Automatic (cuda:0)"
    assert "NVIDIA H100 (80 GiB)" in labels[2] and "RTX 4090 (24 GiB)" in labels[3]
    assert devices.note == ""


def test_without_torch_only_automatic_and_cpu(monkeypatch):
    from s2cloudfree.ui.dependency_status import DependencyPanel, check_dependency
    from s2cloudfree.ui.device_list import list_devices

    monkeypatch.setitem(sys.modules, "torch", None)  # 'import torch' raises ImportError
    devices = list_devices()
    assert devices.values == ["auto", "cpu"]
    assert "torch is not installed" in devices.note
    status = check_dependency("torch")
    assert not status.ok and "Error" in status.error
    assert "pip install" in status.command and "torch" in status.command
    panel = DependencyPanel()
    panel.show_statuses([status, check_dependency("numpy")])
    text = panel.label.text()
    assert "torch cannot be imported" in text and "seq2point" in text and "pip install" in text
    assert panel.missing() == ["torch"]


def test_missing_rasterio_is_explained_and_the_dock_still_works(dock, monkeypatch):
    from s2cloudfree.ui.dependency_status import check_dependency

    monkeypatch.setitem(sys.modules, "rasterio", None)
    status = check_dependency("rasterio")
    assert not status.ok and status.command and "reads and writes rasters" in status.why
    dock.dependency_panel.show_statuses([status])
    assert "rasterio cannot be imported" in dock.dependency_panel.label.text()
    dock.dependencies = {"rasterio": False, "torch": True, "s2cloudless": True}
    series = dock.refresh_series()
    assert not series.rasterio_used and len(series.s2) == N_DATES  # dates from the file names
    assert "rasterio is missing" in dock.series_summary.text()
    enabled, reason = dock.update_buttons()["mosaic"]
    assert not enabled and "rasterio" in reason


def test_settings_persist(dock):
    from s2cloudfree.processing_provider import settings

    settings.set_preferred_device("CUDA:1")
    assert QgsSettings().value("s2cloudfree/device") == "cuda:1"
    assert settings.preferred_device() == "cuda:1"
    with pytest.raises(ValueError):
        settings.set_preferred_device("gpu")
    settings.set_torch_threads(3)
    assert int(QgsSettings().value("s2cloudfree/torch_threads")) == 3 and settings.torch_threads() == 3
    # the combo writes the setting
    dock.device_choice.set_value("cpu")
    assert settings.preferred_device() == "cpu"
    dock.device_choice.threads.setValue(2)
    assert settings.torch_threads() == 2
    # a new dock selects the saved device
    from s2cloudfree.ui.device_choice import DeviceChoice
    from s2cloudfree.ui.device_list import DeviceList, DeviceOption

    other = DeviceChoice()
    other.populate(DeviceList([DeviceOption("auto", "Automatic"), DeviceOption("cpu", "CPU")]))
    assert other.value() == "cpu" and other.threads.value() == 2
    # a saved GPU that is not on this machine stays selected, with a warning
    settings.set_preferred_device("cuda:1")
    other.populate(DeviceList([DeviceOption("auto", "Automatic"), DeviceOption("cpu", "CPU")]))
    assert other.value() == "cuda:1" and "not available" in other.warning.text()


def test_last_device_used_and_the_gpu_warning(dock):
    from s2cloudfree.processing_provider import settings

    assert settings.last_device_used() == ""
    settings.set_last_device_used("cpu (4 threads)", requested="cuda", algorithm="s2cloudfree:seq2point")
    assert settings.last_device_used() == "cpu (4 threads)"
    dock.device_choice.refresh_last_used()
    assert "cpu (4 threads)" in dock.device_choice.last_used.text()
    assert "GPU was asked for" in dock.device_choice.warning.text()
    settings.set_last_device_used("cuda:0 (NVIDIA H100)", requested="auto", algorithm="s2cloudfree:seq2seq")
    dock.device_choice.refresh_last_used()
    assert dock.device_choice.warning.text() == ""
    assert settings.last_device_record()["algorithm"] == "s2cloudfree:seq2seq"


# -- parameters and runs ----------------------------------------------------------------------
def test_prefilled_parameters(dock, layers, sample):
    from s2cloudfree.ui.roi import Roi

    iso = [d.isoformat() for d in sample.dates]
    dock.tree.set_checked(layers[f"s2_{iso[2]}"].id(), False)
    dock.roi_panel.set_roi(Roi(QgsRectangle(X0, Y1 - 200, X0 + 300, Y1),
                               QgsCoordinateReferenceSystem("EPSG:32631"), "test"))
    kept = [iso[0], iso[1], iso[3]]
    params = dock.parameters_for("leastcloudy", for_dialog=True)
    assert params == {
        "S2_LAYERS": [layers[f"s2_{d}"].id() for d in kept],
        "MASK_LAYERS": [layers[f"mask_{d}"].id() for d in kept],
        "EXTENT": f"{X0:.0f},{X0 + 300:.0f},{Y1 - 200:.0f},{Y1:.0f} [EPSG:32631]",
    }
    background = dock.parameters_for("mosaic", for_dialog=False)
    assert background["S2_LAYERS"] == [sample.s2[i] for i in (0, 1, 3)]
    assert background["MASK_LAYERS"] == [sample.masks[i] for i in (0, 1, 3)]
    assert background["OUTPUT"] == QgsProcessing.TEMPORARY_OUTPUT
    assert "OUTPUT_COUNT" not in background and "DEVICE" not in background  # mosaic has no DEVICE


class _NetworkLikeAlgorithm(QgsProcessingAlgorithm):
    """Declares the parameters of seq2point/seq2seq, to test the builder without them."""

    def name(self):
        return "networklike"

    def displayName(self):  # noqa: N802
        return "network-like"

    def createInstance(self):  # noqa: N802
        return _NetworkLikeAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        multiple = QgsProcessingParameterMultipleLayers
        self.addParameter(multiple("S2_LAYERS", "S2", QgsProcessing.TypeRaster))
        self.addParameter(multiple("MASK_LAYERS", "masks", QgsProcessing.TypeRaster, optional=True))
        self.addParameter(multiple("S1_LAYERS", "S1", QgsProcessing.TypeRaster, optional=True))
        self.addParameter(QgsProcessingParameterExtent("EXTENT", "ROI", optional=True))
        self.addParameter(QgsProcessingParameterString("MODEL", "Model"))
        self.addParameter(QgsProcessingParameterString("DEVICE", "Device", defaultValue="auto"))
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Output"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        return {}


def test_parameters_of_a_network_run(dock, layers, sample, tmp_path):
    from s2cloudfree.ui.run_parameters import (
        BACKGROUND,
        RUN_BY_KEY,
        RunInputs,
        build_parameters,
        unfilled_required,
    )

    algorithm = _NetworkLikeAlgorithm()
    algorithm.initAlgorithm()
    dock.device_choice.set_value("cpu")
    inputs = dock.run_inputs()
    params = build_parameters(algorithm, RUN_BY_KEY["seq2point"], inputs, for_dialog=True)
    assert params["S1_LAYERS"] == [e.layer_id for e in dock.series.s1]
    assert [layers_id for layers_id in params["S2_LAYERS"]] == [e.layer_id for e in dock.series.s2]
    assert params["DEVICE"] == "cpu" and "EXTENT" not in params and "MODEL" not in params
    assert [d.name() for d in unfilled_required(algorithm, params)] == ["MODEL"]
    inputs = RunInputs.from_series(dock.series, device="cuda:0", model="crts.pt", output_folder=str(tmp_path))
    params = build_parameters(algorithm, RUN_BY_KEY["seq2point"], inputs, for_dialog=False)
    assert params["MODEL"] == "crts.pt" and params["DEVICE"] == "cuda:0"
    assert params["OUTPUT"] == str(tmp_path / "s2cf_seq2point.tif")
    assert params["S1_LAYERS"] == [str(p) for p in sample.s1]
    assert BACKGROUND == "background"


class _MasksRequired(_NetworkLikeAlgorithm):
    def initAlgorithm(self, config=None):  # noqa: N802
        multiple = QgsProcessingParameterMultipleLayers
        self.addParameter(multiple("S2_LAYERS", "S2", QgsProcessing.TypeRaster))
        self.addParameter(multiple("MASK_LAYERS", "masks", QgsProcessing.TypeRaster))


def test_buttons_follow_registry_and_inputs(dock, layers, sample):
    from s2cloudfree.ui.run_parameters import missing_inputs, registered_algorithm

    states = dock.update_buttons()
    assert states["leastcloudy"][0] and states["mosaic"][0]
    for key in ("cloudmask", "seq2seq", "seq2point"):
        if registered_algorithm(f"s2cloudfree:{key}") is None:
            assert not states[key][0] and "not available" in states[key][1]
            assert not dock.run_panel.buttons[key].isEnabled()
    # a date without its mask: algorithms that need masks are disabled and say why; those that
    # compute masks themselves get no MASK_LAYERS and say so
    dock.tree.set_checked(layers["mask_" + sample.dates[2].isoformat()].id(), False)
    states = dock.update_buttons()
    for key in ("leastcloudy", "mosaic"):
        algorithm = registered_algorithm(f"s2cloudfree:{key}")
        enabled, reason = states[key]
        assert sample.dates[2].isoformat() in reason
        if algorithm.parameterDefinition("MASK_LAYERS").flags() & QgsProcessingParameterDefinition.FlagOptional:
            assert enabled and "computes cloud masks itself" in reason
            assert "MASK_LAYERS" not in dock.parameters_for(key)
        else:
            assert not enabled and "run Cloud masks first" in reason
            assert not dock.run_panel.buttons[key].isEnabled()
    required = _MasksRequired()
    required.initAlgorithm()
    problems = missing_inputs(required, dock.series)
    assert len(problems) == 1 and sample.dates[2].isoformat() in problems[0] and "Cloud masks" in problems[0]
    dock.set_all_checked(False)
    enabled, reason = dock.update_buttons()["mosaic"]
    assert not enabled and "Sentinel-2" in reason


def test_background_run_adds_a_true_colour_result(dock, sample, tmp_path):
    from s2cloudfree.ui.results import RESULTS_GROUP
    from s2cloudfree.ui.run_parameters import BACKGROUND

    dock.run_panel.set_mode(BACKGROUND)
    dock.run_panel.output_folder.setFilePath(str(tmp_path))
    run = dock.run("leastcloudy")
    assert run is not None and dock.run_panel.cancel.isEnabled()
    _wait(lambda: not run.active)
    assert run.ok and len(run.layers) == 1
    layer = run.layers[0]
    assert layer.source() == str(tmp_path / "s2cf_leastcloudy.tif")
    group = dock.project.layerTreeRoot().findGroup(RESULTS_GROUP)
    assert group is not None and group.findLayer(layer.id()) is not None
    clearest = sample.dates[sample.clearest_index].isoformat()
    assert layer.name().startswith("least cloudy ") and "(4 dates)" in layer.name()
    renderer = layer.renderer()
    assert isinstance(renderer, QgsMultiBandColorRenderer)
    assert (renderer.redBand(), renderer.greenBand(), renderer.blueBand()) == (4, 3, 2)
    red = renderer.redContrastEnhancement()
    assert 0 < red.minimumValue() < red.maximumValue() < 10000
    assert abs(renderer.minMaxOrigin().cumulativeCutLower() - 0.02) < 1e-9
    assert "SELECTED_INDEX" in dock.run_panel.log.toPlainText()
    assert clearest in dock.run_panel.log.toPlainText()
    assert "Done" in dock.run_panel.status.text() and not dock.run_panel.cancel.isEnabled()
    # a result is not an input of the next run
    dock.refresh_series()
    assert layer.id() not in [e.layer_id for e in dock.series.all_layers]


def test_background_run_can_be_cancelled(dock, tmp_path):
    from s2cloudfree.ui.background_run import Job

    params = dock.parameters_for("mosaic", for_dialog=False)
    jobs = [Job("s2cloudfree:mosaic", dict(params, OUTPUT=str(tmp_path / f"m{i}.tif")), f"m{i}") for i in range(3)]
    run = dock.start_background(jobs)
    run.cancel()
    _wait(lambda: not run.active)
    assert run.cancelled and not run.ok
    assert len(run.layers) == 0
    assert "Cancelled" in dock.run_panel.status.text()
    assert QgsApplication.taskManager().countActiveTasks() == 0


def test_dialog_run_is_prefilled_and_its_result_lands_in_the_group(dock, layers, sample, monkeypatch, tmp_path):
    """'Open the dialog': execAlgorithmDialog gets the prefilled parameters; what Processing loads is
    moved into the results group and styled."""
    import processing

    from s2cloudfree.ui.results import RESULTS_GROUP
    from s2cloudfree.ui.run_parameters import DIALOG

    seen = {}

    def fake_dialog(algorithm_id, params):  # what the user gets, then 'Run' as it is
        seen.update(algorithm_id=algorithm_id, params=dict(params))
        results = processing.run(algorithm_id, dict(params, OUTPUT=str(tmp_path / "dialog.tif")))
        dock.project.addMapLayer(QgsRasterLayer(results["OUTPUT"], "Least cloudy image", "gdal"))
        return results

    monkeypatch.setattr(processing, "execAlgorithmDialog", fake_dialog)
    dock.run_panel.set_mode(DIALOG)
    dock.run("leastcloudy")
    assert seen["algorithm_id"] == "s2cloudfree:leastcloudy"
    assert seen["params"]["S2_LAYERS"] == [e.layer_id for e in dock.series.s2]
    assert seen["params"]["MASK_LAYERS"] == [e.layer_id for e in dock.series.masks]
    group = dock.project.layerTreeRoot().findGroup(RESULTS_GROUP)
    loaded = dock.project.mapLayersByName("Least cloudy image")[0]
    assert group is not None and group.findLayer(loaded.id()) is not None
    assert dock.project.layerTreeRoot().findLayer(loaded.id()).parent() is group
    assert isinstance(loaded.renderer(), QgsMultiBandColorRenderer)


class _CloudMaskLike(QgsProcessingAlgorithm):
    """Declares the parameters of s2cloudfree:cloudmask (DESIGN.md section 3)."""

    def name(self):
        return "cloudmasklike"

    def displayName(self):  # noqa: N802
        return "cloud-mask-like"

    def createInstance(self):  # noqa: N802
        return _CloudMaskLike()

    def initAlgorithm(self, config=None):  # noqa: N802
        from qgis.core import QgsProcessingParameterRasterLayer

        self.addParameter(QgsProcessingParameterRasterLayer("INPUT", "S2 L1C"))
        self.addParameter(QgsProcessingParameterExtent("EXTENT", "ROI", optional=True))
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT_MASK", "Mask"))
        self.addParameter(QgsProcessingParameterRasterDestination(
            "OUTPUT_PROBABILITY", "Probability", optional=True, createByDefault=False))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        return {}


def test_cloud_masks_run_once_per_date_with_dated_outputs(dock, sample, tmp_path):
    from s2cloudfree.ui.results import MASKS_SUBGROUP, result_layer_ids, results_group
    from s2cloudfree.ui.run_parameters import RUN_BY_KEY, RunInputs, build_parameters, output_stem

    algorithm = _CloudMaskLike()
    algorithm.initAlgorithm()
    spec = RUN_BY_KEY["cloudmask"]
    inputs = RunInputs.from_series(dock.series, output_folder=str(tmp_path))
    params = [build_parameters(algorithm, spec, inputs, False, entry) for entry in inputs.s2]
    assert [p["INPUT"] for p in params] == list(sample.s2)
    assert [p["OUTPUT_MASK"] for p in params] == [str(tmp_path / f"cloudmask_{d.isoformat()}.tif")
                                                  for d in sample.dates]
    assert all("OUTPUT_PROBABILITY" not in p and "EXTENT" not in p for p in params)
    assert output_stem(spec, inputs.s2[0]) == f"cloudmask_{sample.dates[0].isoformat()}"
    # without an output folder the masks still get dated names (in the temporary folder)
    no_folder = build_parameters(algorithm, spec, RunInputs.from_series(dock.series), False, inputs.s2[1])
    assert no_folder["OUTPUT_MASK"].endswith(f"cloudmask_{sample.dates[1].isoformat()}.tif")
    # the dialog gets the selected date as INPUT (a layer id) and no output (the dialog's default)
    assert build_parameters(algorithm, spec, RunInputs.from_series(dock.series), True, inputs.s2[2]) == {
        "INPUT": inputs.s2[2].layer_id}
    # masks in the results' "Cloud masks" group are inputs of the next runs; other results are not
    mask_layer = QgsRasterLayer(sample.masks[0], "cloud mask again", "gdal")
    other = QgsRasterLayer(sample.s2[0], "a result", "gdal")
    dock.project.addMapLayers([mask_layer, other], False)
    results_group(dock.project, subgroup=MASKS_SUBGROUP).addLayer(mask_layer)
    results_group(dock.project).addLayer(other)
    assert result_layer_ids(dock.project) == {other.id()}
    series = dock.refresh_series()
    assert mask_layer.id() in [m.layer_id for m in series.masks]
    assert other.id() not in [e.layer_id for e in series.all_layers]


def test_cloud_masks_in_the_background_feed_the_next_run(dock, layers, sample, tmp_path):
    """Cloud masks of every checked date land in 'Cloud masks' and pair with their dates."""
    from s2cloudfree.ui.results import MASKS_SUBGROUP, results_group
    from s2cloudfree.ui.run_parameters import BACKGROUND, registered_algorithm

    if registered_algorithm("s2cloudfree:cloudmask") is None:
        pytest.skip("s2cloudfree:cloudmask is not registered in this version of the provider")
    if not dock.dependencies.get("s2cloudless"):
        pytest.skip("s2cloudless is not installed")
    dock.project.removeMapLayers([layers[f"mask_{d.isoformat()}"].id() for d in sample.dates])
    dock.refresh_series()
    assert dock.series.masks == [] and dock.series.paired_masks() is None
    dock.run_panel.set_mode(BACKGROUND)
    dock.run_panel.output_folder.setFilePath(str(tmp_path))
    run = dock.run("cloudmask")
    _wait(lambda: not run.active, timeout=120)
    assert run.ok, dock.run_panel.log.toPlainText()
    assert [layer.source() for layer in run.layers] == [str(tmp_path / f"cloudmask_{d.isoformat()}.tif")
                                                          for d in sample.dates]
    group = results_group(dock.project, create=False, subgroup=MASKS_SUBGROUP)
    assert all(group.findLayer(layer.id()) is not None for layer in run.layers)
    assert run.layers[0].renderer().type() == "paletted"
    series = dock.refresh_series()
    assert [m.layer_id for m in series.paired_masks()] == [layer.id() for layer in run.layers]
    assert dock.parameters_for("mosaic", for_dialog=False)["MASK_LAYERS"] == [
        layer.source() for layer in run.layers]


def test_status_line_gives_a_runs_own_error_estimate():
    from s2cloudfree.ui.dock import estimate_text

    text = estimate_text("seq2seq", {"ESTIMATED_RMSE": 0.03141, "ESTIMATED_RMSE_PRIOR": 0.036, "HELD_OUT_PIXELS": 40000.0})
    assert text == " seq2seq: estimated RMSE 0.031 (gap filler alone 0.036) on 40,000 held-out clear pixels."
    assert estimate_text("gapfill", {"ESTIMATED_RMSE": 0.02, "HELD_OUT_PIXELS": 12}) == \
        " gapfill: estimated RMSE 0.020 on 12 held-out clear pixels."
    assert estimate_text("mosaic", {"NEVER_CLEAR": 3}) == ""
    assert estimate_text("gapfill", {"ESTIMATED_RMSE": float("nan")}) == ""


def test_at_420_px_no_label_is_cut_or_drawn_over_another(dock):
    """A narrow dock (420 px): every visible label gets the height its wrapped text needs, sibling
    widgets do not overlap, and the series list shows the Sentinel-2 layer names whole."""
    from qgis.PyQt.QtWidgets import QLabel, QWidget

    from s2cloudfree.ui.series_tree import COL_LAYER

    font = dock.font()
    font.setPointSizeF(10.0)  # a usual desktop UI font (the offscreen platform defaults to 12 pt)
    dock.setFont(font)
    dock.refresh_series()
    dock.resize(420, 1180)
    dock.show()
    for _ in range(20):
        QCoreApplication.processEvents()
    labels = [w for w in dock.findChildren(QLabel) if w.isVisible() and w.text()]
    assert len(labels) > 5
    for label in labels:
        if label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()[:60]
        else:
            assert label.width() >= min(label.sizeHint().width(), label.minimumSizeHint().width()), label.text()[:60]
    parents = {id(w.parentWidget()): w.parentWidget() for w in dock.findChildren(QWidget) if w.parentWidget()}
    for parent in parents.values():
        children = [c for c in parent.children() if isinstance(c, QWidget) and c.isVisible() and not c.isWindow()
                    and c.geometry().width() > 0 and c.geometry().height() > 0]
        for i, a in enumerate(children):
            for b in children[i + 1:]:
                if a.inherits("QScrollBar") or b.inherits("QScrollBar") or a.inherits("QHeaderView") \
                        or b.inherits("QHeaderView") or parent.inherits("QAbstractScrollArea"):
                    continue
                overlap = a.geometry().intersected(b.geometry())
                assert overlap.isEmpty(), (a.objectName() or type(a).__name__, b.objectName() or type(b).__name__)
    tree = dock.tree
    metrics = tree.fontMetrics()
    names = [tree.topLevelItem(0).child(i).text(COL_LAYER) for i in range(tree.topLevelItem(0).childCount())]
    assert names and all(tree.columnWidth(COL_LAYER) >= metrics.horizontalAdvance(n) + 8 for n in names)
