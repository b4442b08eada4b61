"""The QGIS plugin object: registers the Processing provider, the dock and the menu entries."""

from qgis.core import QgsApplication, QgsSettings

from .processing_provider.provider import S2CloudFreeProvider

DOCK_VISIBLE_KEY = "s2cloudfree/dock_visible"


class S2CloudFreePlugin:
    """Created by QGIS through :func:`classFactory`."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.menu = None
        self.help_action = None
        self.dock = None
        self.dock_action = None

    def initProcessing(self):  # noqa: N802 (QGIS API)
        """Register the provider; QGIS calls this also when no GUI runs (qgis_process)."""
        if self.provider is None:
            provider = S2CloudFreeProvider()
            # A second copy of the plugin (same provider id) is refused and deleted by the registry:
            # keep only a provider that is really registered, so unload removes nobody else's.
            if QgsApplication.processingRegistry().addProvider(provider):
                self.provider = provider

    def initGui(self):  # noqa: N802 (QGIS API)
        self.initProcessing()
        from qgis.PyQt.QtCore import Qt
        from qgis.PyQt.QtGui import QIcon

        from .ui.dock import S2CloudFreeDock
        from .ui.menu import ICON_PATH, MENU_TITLE, AlgorithmMenu, QAction
        from .ui.translation import tr

        # The dock imports nothing heavy until it is first shown.
        self.dock = S2CloudFreeDock(self.iface, self.iface.mainWindow())
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.setVisible(bool(QgsSettings().value(DOCK_VISIBLE_KEY, False, type=bool)))
        self.dock_action = QAction(QIcon(ICON_PATH), tr("S2 CloudFree panel"), self.iface.mainWindow())
        self.dock_action.setObjectName("s2cloudfree_show_dock")
        self.dock_action.setToolTip(tr("Show or hide the S2 CloudFree panel (ROI, time series, device, runs)"))
        self.dock_action.setCheckable(True)
        self.dock.setToggleVisibilityAction(self.dock_action)
        self.dock_action.toggled.connect(lambda on: QgsSettings().setValue(DOCK_VISIBLE_KEY, bool(on)))
        self.iface.addPluginToRasterMenu(MENU_TITLE, self.dock_action)
        self.iface.addToolBarIcon(self.dock_action)

        self.menu = AlgorithmMenu(self.iface)
        self.menu.add()

        # Help ▸ Plugins ▸ S2 CloudFree: the README shipped with the plugin
        self.help_action = None
        help_menu = self.iface.pluginHelpMenu() if hasattr(self.iface, "pluginHelpMenu") else None
        if help_menu is not None:
            self.help_action = QAction(QIcon(ICON_PATH), "S2 CloudFree", self.iface.mainWindow())
            self.help_action.setObjectName("s2cloudfree_help")
            self.help_action.triggered.connect(self.open_documentation)
            help_menu.addAction(self.help_action)

    @staticmethod
    def open_documentation():
        """The README (its algorithms' sections are what each dialog's Help button opens)."""
        import os

        from qgis.PyQt.QtCore import QUrl
        from qgis.PyQt.QtGui import QDesktopServices

        return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.join(os.path.dirname(__file__), "README.md")))

    def unload(self):
        if getattr(self, "help_action", None) is not None:
            if hasattr(self.iface, "pluginHelpMenu") and self.iface.pluginHelpMenu() is not None:
                self.iface.pluginHelpMenu().removeAction(self.help_action)
            self.help_action.deleteLater()
            self.help_action = None
        if self.menu is not None:
            self.menu.remove()
            self.menu = None
        if self.dock_action is not None:
            from .ui.menu import MENU_TITLE

            self.iface.removePluginRasterMenu(MENU_TITLE, self.dock_action)
            self.iface.removeToolBarIcon(self.dock_action)
            self.dock_action.deleteLater()
            self.dock_action = None
        if self.dock is not None:
            self.dock.release()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
