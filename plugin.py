"""The QGIS plugin object: registers the Processing provider and the menu entries."""

from qgis.core import QgsApplication

from .processing_provider.provider import S2CloudFreeProvider


class S2CloudFreePlugin:
    """Created by QGIS through :func:`classFactory`."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.menu = None

    def initProcessing(self):  # noqa: N802 (QGIS API)
        """Register the provider; QGIS calls this also when no GUI runs (qgis_process)."""
        if self.provider is None:
            self.provider = S2CloudFreeProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS API)
        self.initProcessing()
        from .ui.menu import AlgorithmMenu

        self.menu = AlgorithmMenu(self.iface)
        self.menu.add()

    def unload(self):
        if self.menu is not None:
            self.menu.remove()
            self.menu = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
