"""Plugin menu entries that open the Processing dialogs of the algorithms."""

import os

from qgis.PyQt.QtGui import QIcon

try:  # Qt 6 (QGIS 4) has QAction in QtGui, Qt 5 in QtWidgets
    from qgis.PyQt.QtGui import QAction
except ImportError:
    from qgis.PyQt.QtWidgets import QAction

from .translation import tr, translatable

MENU_TITLE = "S2 &CloudFree"
ICON_PATH = os.path.join(os.path.dirname(__file__), "icons", "s2cloudfree.svg")

#: (algorithm id, menu text) in menu order.
MENU_ALGORITHMS = (
    ("s2cloudfree:cloudmask", translatable("Cloud mask (s2cloudless, Sen2Cor SCL or ukis-csmask)…")),
    ("s2cloudfree:cloudmask_series", translatable("Cloud masks of a time series…")),
    ("s2cloudfree:leastcloudy", translatable("Least cloudy date…")),
    ("s2cloudfree:mosaic", translatable("Mosaic of clear observations…")),
    ("s2cloudfree:gapfill", translatable("Gap filling of a time series…")),
    ("s2cloudfree:seq2seq", translatable("Cloud removal: sequence-to-sequence…")),
    ("s2cloudfree:seq2point", translatable("Cloud removal: sequence-to-point…")),
    ("s2cloudfree:train_seq2point", translatable("Train the sequence-to-point network…")),
    ("s2cloudfree:evaluate", translatable("Evaluate a prediction…")),
    ("s2cloudfree:benchmark", translatable("Benchmark report of every method…")),
    ("s2cloudfree:sample", translatable("Generate a sample series…")),
)


class AlgorithmMenu:
    """Adds one action per algorithm under the Raster menu, and removes them again."""

    def __init__(self, iface):
        self.iface = iface
        self.actions = []

    def add(self):
        from qgis.core import QgsApplication

        icon = QIcon(ICON_PATH)
        registry = QgsApplication.processingRegistry()
        for algorithm_id, text in MENU_ALGORITHMS:
            if registry.algorithmById(algorithm_id) is None:
                continue  # not in this version of the provider
            action = QAction(icon, tr(text), self.iface.mainWindow())
            action.setObjectName(algorithm_id.replace(":", "_"))
            action.triggered.connect(lambda _checked=False, a=algorithm_id: self.open_dialog(a, self.iface))
            self.iface.addPluginToRasterMenu(MENU_TITLE, action)
            self.actions.append(action)

    def remove(self):
        for action in self.actions:
            self.iface.removePluginRasterMenu(MENU_TITLE, action)
            action.deleteLater()
        self.actions = []

    @staticmethod
    def open_dialog(algorithm_id, iface=None):
        """The algorithm's Processing dialog; a message instead when the Processing plugin is off."""
        try:
            import processing
        except ImportError:
            if iface is not None:
                from qgis.core import Qgis

                iface.messageBar().pushMessage(
                    "S2 CloudFree", tr("The Processing plugin is not enabled: enable it in Plugins ▸ Manage and "
                                       "Install Plugins, or run from the S2 CloudFree panel with 'Run in background'."),
                    Qgis.MessageLevel.Warning, 10)
            return False
        processing.execAlgorithmDialog(algorithm_id, {})
        return True
