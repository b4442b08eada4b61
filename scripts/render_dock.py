#!/usr/bin/env python3
"""Render the S2 CloudFree dock to docs/img/dock.png (for the README), with real layers loaded.

Generates a small sample series (core.sample), loads its Sentinel-2 images, cloud masks and
Sentinel-1 images (and the land-cover map, which the dock lists as not used) into a project, shows
the dock, sets a region of interest, computes the cloud percentages inside it, runs "Least cloudy"
in the background for real, and grabs the dock. Runs headless (QT_QPA_PLATFORM=offscreen unless a
display is set; under Xvfb: `xvfb-run -a .venv/bin/python scripts/render_dock.py`). Uses a private
QGIS profile in a temporary folder, so the user's settings are not touched.

    .venv/bin/python scripts/render_dock.py [--out docs/img/dock.png] [--width 440] [--height 1180]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
from plugin_link import make_plugin_importable  # noqa: E402 (scripts/ is on sys.path)


class _MessageBar:
    def pushInfo(self, title, text):  # noqa: N802 (QGIS API)
        print(f"[{title}] {text}")

    pushWarning = pushSuccess = pushCritical = pushInfo  # noqa: N815


class _Iface:
    """The few QgisInterface calls the dock makes, for a standalone render."""

    def __init__(self, window, canvas):
        self._window, self._canvas, self._bar = window, canvas, _MessageBar()

    def mainWindow(self):  # noqa: N802 (QGIS API)
        return self._window

    def mapCanvas(self):  # noqa: N802 (QGIS API)
        return self._canvas

    def messageBar(self):  # noqa: N802 (QGIS API)
        return self._bar

    def activeLayer(self):  # noqa: N802 (QGIS API)
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "img" / "dock.png"))
    parser.add_argument("--width", type=int, default=440)
    parser.add_argument("--height", type=int, default=1180)
    parser.add_argument("--dates", type=int, default=8)
    args = parser.parse_args()

    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    work = tempfile.mkdtemp(prefix="s2cf_render_")
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = os.path.join(work, "profile")
    os.environ.setdefault("GDAL_PAM_ENABLED", "NO")
    make_plugin_importable()

    from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtCore import QCoreApplication, QSize
    from qgis.PyQt.QtWidgets import QMainWindow

    app = QgsApplication([], True)
    app.initQgis()
    font = app.font()
    font.setPointSizeF(9.0)  # QGIS's usual UI size (the offscreen platform defaults to 12 pt)
    app.setFont(font)
    try:
        from s2cloudfree.core.sample import generate_sample_series
        from s2cloudfree.processing_provider.provider import S2CloudFreeProvider
        from s2cloudfree.ui.dock import S2CloudFreeDock
        from s2cloudfree.ui.results import apply_true_colour
        from s2cloudfree.ui.roi import Roi
        from s2cloudfree.ui.run_parameters import BACKGROUND

        provider = S2CloudFreeProvider()  # keep a reference: the registry does not keep Python alive
        QgsApplication.processingRegistry().addProvider(provider)
        sample = generate_sample_series(os.path.join(work, "sample"), n_dates=args.dates, size=128, seed=3)

        window = QMainWindow()
        canvas = QgsMapCanvas(window)
        window.setCentralWidget(canvas)
        window.resize(QSize(900, 700))
        project = QgsProject.instance()
        layers = []
        for path in [*sample.s2, *sample.masks, *sample.s1, sample.landcover]:
            layer = QgsRasterLayer(path, Path(path).stem, "gdal")
            if Path(path).name.startswith("s2_"):
                apply_true_colour(layer)
            layers.append(layer)
        project.addMapLayers(layers)
        canvas.setDestinationCrs(layers[0].crs())
        canvas.setLayers(layers[:1])
        canvas.setExtent(layers[0].extent())

        dock = S2CloudFreeDock(_Iface(window, canvas))
        dock.resize(args.width, args.height)
        dock.show()
        dock.initialise()
        extent = layers[0].extent()
        roi_rect = extent.buffered(0)
        roi_rect.setXMinimum(extent.xMinimum() + 160)
        roi_rect.setXMaximum(extent.xMinimum() + 160 + 960)
        roi_rect.setYMaximum(extent.yMaximum() - 120)
        roi_rect.setYMinimum(extent.yMaximum() - 120 - 640)
        dock.roi_panel.layer_combo.setLayer(layers[0])
        dock.roi_panel.set_roi(Roi(roi_rect, layers[0].crs(), "drawn on the map"))
        dock.compute_cloud_cover()
        dock.run_panel.set_mode(BACKGROUND)
        run = dock.run("leastcloudy")
        deadline = time.time() + 120
        while run is not None and run.active and time.time() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.02)
        dock.refresh_series()
        for _ in range(20):
            QCoreApplication.processEvents()
            time.sleep(0.01)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        image = dock.grab()
        if not image.save(args.out, "PNG"):
            raise SystemExit(f"could not write {args.out}")
        print(f"wrote {args.out} ({image.width()} x {image.height()} px)")
        dock.release()
        dock.deleteLater()
        QCoreApplication.processEvents()
    finally:
        project = None
        QgsProject.instance().removeAllMapLayers()
        app.exitQgis()


if __name__ == "__main__":
    main()
