#!/usr/bin/env python3
"""Render the Processing toolbox's S2 CloudFree tree and the Cloud mask dialog (with its Help
button) to docs/img/toolbox.png and docs/img/dialog_cloudmask.png, for the README.

Real QGIS widgets (QgsProcessingToolboxTreeView, Processing's AlgorithmDialog) with the plugin's
provider registered, headless (QT_QPA_PLATFORM=offscreen unless a display is set), in a private
QGIS profile in a temporary folder.

    .venv/bin/python scripts/render_toolbox.py [--out-folder docs/img]
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402


def settle(app, rounds=30):
    for _ in range(rounds):
        app.processEvents()


def save(app, widget, path):
    widget.show()
    settle(app)
    image = widget.grab()
    if not image.save(str(path), "PNG"):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path} ({image.width()} x {image.height()} px)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-folder", default=str(REPO / "docs" / "img"))
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    work = tempfile.mkdtemp(prefix="s2cf_render_")
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = os.path.join(work, "profile")
    make_plugin_importable()

    from qgis.core import QgsApplication

    app = QgsApplication([], True)
    app.initQgis()
    font = app.font()
    font.setPointSizeF(9.0)
    app.setFont(font)
    out = Path(args.out_folder)
    out.mkdir(parents=True, exist_ok=True)
    try:
        from qgis.gui import QgsProcessingToolboxProxyModel, QgsProcessingToolboxTreeView

        from s2cloudfree.processing_provider.provider import S2CloudFreeProvider

        provider = S2CloudFreeProvider()
        QgsApplication.processingRegistry().addProvider(provider)
        tree = QgsProcessingToolboxTreeView(None, QgsApplication.processingRegistry())
        tree.setFilters(QgsProcessingToolboxProxyModel.Filter.FilterToolbox)
        tree.setHeaderHidden(True)
        tree.expandAll()
        tree.resize(480, 330)
        save(app, tree, out / "toolbox.png")

        plugins = os.path.join(QgsApplication.pkgDataPath(), "python", "plugins")  # QGIS's Processing plugin
        if plugins not in sys.path:
            sys.path.append(plugins)
        from processing.core.Processing import Processing
        from processing.gui.AlgorithmDialog import AlgorithmDialog

        Processing.initialize()
        algorithm = QgsApplication.processingRegistry().createAlgorithmById("s2cloudfree:cloudmask")
        dialog = AlgorithmDialog(algorithm, False, None)
        dialog.resize(900, 640)
        save(app, dialog, out / "dialog_cloudmask.png")
        dialog.close()
        tree.close()
        settle(app)
    finally:
        app.exitQgis()


if __name__ == "__main__":
    main()
