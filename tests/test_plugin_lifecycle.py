"""The plugin loads and unloads cleanly, repeatedly: classFactory -> initGui -> unload, three times.

pytest-qgis's QgisInterface is a stub: addDockWidget/removeDockWidget and addToolBarIcon do nothing
and addPluginToRasterMenu is a MagicMock. The fixture below makes them act as QGIS does (the dock is
docked in the main window, actions go into a real Raster ▸ S2 CloudFree menu and a real toolbar), so a
missing removal leaves something behind that the assertions see.
"""

import os
import subprocess
from collections import Counter
import sys
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsProject, QgsRectangle, QgsSettings
from qgis.gui import QgsRubberBand
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QMenu, QToolBar

REPO = Path(__file__).resolve().parents[1]


def _flush_deletes():
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
        QCoreApplication.processEvents()


class _QgisLikeIface:
    """Real implementations of the interface calls the plugin makes, on the stub's main window."""

    def __init__(self, iface):
        self.window = iface.mainWindow()
        self.raster_menu = QMenu("&Raster", self.window)
        self.window.menuBar().addMenu(self.raster_menu)
        self.help_menu = QMenu("Plugins", self.window)  # QGIS's Help ▸ Plugins
        self.toolbar = QToolBar("Plugins", self.window)
        self.window.addToolBar(self.toolbar)
        self.docks_added = []
        self.calls = Counter()

    def addDockWidget(self, area, dock):  # noqa: N802
        self.calls['addDockWidget'] += 1
        self.window.addDockWidget(area, dock)
        dock.show()  # QGIS shows an added dock
        self.docks_added.append(dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self.calls['removeDockWidget'] += 1
        self.window.removeDockWidget(dock)

    def _submenu(self, title, create):
        for action in self.raster_menu.actions():
            if action.menu() is not None and action.text() == title:
                return action.menu()
        return self.raster_menu.addMenu(title) if create else None

    def addPluginToRasterMenu(self, title, action):  # noqa: N802
        self.calls['addPluginToRasterMenu'] += 1
        self._submenu(title, True).addAction(action)

    def removePluginRasterMenu(self, title, action):  # noqa: N802
        self.calls['removePluginRasterMenu'] += 1
        menu = self._submenu(title, False)
        if menu is not None:
            menu.removeAction(action)
            if not menu.actions():
                self.raster_menu.removeAction(menu.menuAction())

    def pluginHelpMenu(self):  # noqa: N802
        return self.help_menu

    def addToolBarIcon(self, action):  # noqa: N802
        self.calls['addToolBarIcon'] += 1
        self.toolbar.addAction(action)

    def removeToolBarIcon(self, action):  # noqa: N802
        self.calls['removeToolBarIcon'] += 1
        self.toolbar.removeAction(action)

    def plugin_menu_actions(self):
        return [a for a in self.raster_menu.actions() if a.menu() is not None]

    def live_docks(self):
        return [w for w in QApplication.allWidgets()
                if isinstance(w, QDockWidget) and w.objectName() == "S2CloudFreeDock" and not sip.isdeleted(w)]


@pytest.fixture
def iface(qgis_iface, monkeypatch):
    real = _QgisLikeIface(qgis_iface)
    for name in ("addDockWidget", "removeDockWidget", "addPluginToRasterMenu", "removePluginRasterMenu",
                 "addToolBarIcon", "removeToolBarIcon", "pluginHelpMenu"):
        monkeypatch.setattr(qgis_iface, name, getattr(real, name), raising=False)
    yield qgis_iface, real
    real.window.removeToolBar(real.toolbar)
    real.window.menuBar().removeAction(real.raster_menu.menuAction())


@pytest.fixture
def provider_id(qgis_processing, monkeypatch):
    """The id the plugin's provider registers under in this test.

    Other tests of the session may have registered an ``s2cloudfree`` provider (conftest's
    s2cf_provider) and keep using that object: it must stay untouched. Then the plugin under test
    registers its provider as ``s2cloudfree_lifecycle`` (same class, same algorithms)."""
    from s2cloudfree.processing_provider.provider import S2CloudFreeProvider

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("s2cloudfree")
    if existing is None:
        yield "s2cloudfree"
        return
    import s2cloudfree.plugin

    class LifecycleProvider(S2CloudFreeProvider):
        def id(self):
            return "s2cloudfree_lifecycle"

    monkeypatch.setattr(s2cloudfree.plugin, "S2CloudFreeProvider", LifecycleProvider)
    yield "s2cloudfree_lifecycle"
    assert registry.providerById("s2cloudfree") is existing  # the session's provider survived


def _receivers(obj, signal):
    return obj.receivers(signal)


def test_load_and_unload_three_times_leaves_nothing(iface, provider_id, qgis_new_project, qgis_canvas):
    import s2cloudfree

    stub, real = iface
    registry = QgsApplication.processingRegistry()
    project = QgsProject.instance()
    baseline = {
        "layersAdded": _receivers(project, project.layersAdded),
        "layersRemoved": _receivers(project, project.layersRemoved),
        "providerAdded": _receivers(registry, registry.providerAdded),
        "crs": _receivers(qgis_canvas, qgis_canvas.destinationCrsChanged),
    }
    providers_before = len(registry.providers())
    tool_before = qgis_canvas.mapTool()
    qgis_canvas.setExtent(QgsRectangle(500000, 5629000, 501000, 5630000))
    for cycle in range(3):
        QgsSettings().remove("s2cloudfree/dock_visible")
        plugin = s2cloudfree.classFactory(stub)
        plugin.initGui()
        assert registry.providerById(provider_id) is plugin.provider is not None, cycle
        assert registry.algorithmById(f"{provider_id}:leastcloudy") is not None
        assert len(real.live_docks()) == 1 and real.window.findChildren(QDockWidget, "S2CloudFreeDock")
        menus = real.plugin_menu_actions()
        assert len(menus) == 1 and menus[0].text() == "S2 &CloudFree"
        texts = [a.text() for a in menus[0].menu().actions()]
        assert "S2 CloudFree panel" in texts and "Least cloudy date…" in texts
        assert "Gap filling of a time series…" in texts
        assert "Train the sequence-to-point network…" in texts and "Benchmark report of every method…" in texts
        assert [a.objectName() for a in real.help_menu.actions()] == ["s2cloudfree_help"]
        assert [a.objectName() for a in real.toolbar.actions()] == ["s2cloudfree_show_dock"]
        # use the dock: show it (lazy initialisation), draw a ROI, start the map tool
        dock = plugin.dock
        assert dock.isHidden() and not plugin.dock_action.isChecked()  # hidden until asked for
        plugin.dock_action.trigger()
        assert not dock.isHidden() and plugin.dock_action.isChecked()
        assert QgsSettings().value("s2cloudfree/dock_visible", False, type=bool)
        assert not dock.isHidden() and plugin.dock_action.isChecked()
        dock.initialise()
        dock.roi_panel.use_map_extent()
        dock.roi_panel.start_drawing()
        assert qgis_canvas.mapTool() is dock.roi_panel.tool
        assert any(isinstance(i, QgsRubberBand) for i in qgis_canvas.scene().items())

        plugin.unload()
        _flush_deletes()
        assert registry.providerById(provider_id) is None, cycle
        assert len(registry.providers()) == providers_before
        assert real.live_docks() == [], cycle
        assert real.plugin_menu_actions() == [], cycle
        assert real.toolbar.actions() == [], cycle
        assert real.help_menu.actions() == [], cycle
        for added, removed in (("addDockWidget", "removeDockWidget"), ("addToolBarIcon", "removeToolBarIcon"),
                               ("addPluginToRasterMenu", "removePluginRasterMenu")):
            assert real.calls[added] == real.calls[removed] > 0, (added, real.calls)
        assert not any(isinstance(i, QgsRubberBand) for i in qgis_canvas.scene().items()), cycle
        assert qgis_canvas.mapTool() is tool_before
        assert {
            "layersAdded": _receivers(project, project.layersAdded),
            "layersRemoved": _receivers(project, project.layersRemoved),
            "providerAdded": _receivers(registry, registry.providerAdded),
            "crs": _receivers(qgis_canvas, qgis_canvas.destinationCrsChanged),
        } == baseline, cycle
    QgsSettings().remove("s2cloudfree/dock_visible")


def test_processing_only_start_registers_the_provider(provider_id):
    """qgis_process calls initProcessing() without initGui(); unload() must still clean up."""
    import s2cloudfree

    registry = QgsApplication.processingRegistry()
    count = len(registry.providers())
    plugin = s2cloudfree.classFactory(None)
    plugin.initProcessing()
    plugin.initProcessing()  # idempotent
    assert registry.providerById(provider_id) is plugin.provider is not None
    assert len(registry.providers()) == count + 1
    plugin.unload()
    assert registry.providerById(provider_id) is None and len(registry.providers()) == count


def test_a_provider_already_registered_is_left_alone(qgis_processing):
    """When the id is taken (the plugin loaded twice), initProcessing keeps no provider and unload
    removes nobody else's."""
    import s2cloudfree
    from s2cloudfree.processing_provider.provider import S2CloudFreeProvider

    registry = QgsApplication.processingRegistry()
    mine = None
    if registry.providerById("s2cloudfree") is None:
        mine = S2CloudFreeProvider()
        assert registry.addProvider(mine)
    existing = registry.providerById("s2cloudfree")
    plugin = s2cloudfree.classFactory(None)
    plugin.initProcessing()
    assert plugin.provider is None
    plugin.unload()
    assert registry.providerById("s2cloudfree") is existing
    if mine is not None:
        registry.removeProvider(mine)


def test_loading_the_plugin_and_dock_imports_nothing_heavy():
    """torch, rasterio and s2cloudless are imported when the dock is shown, never at load."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(REPO / '.dev' / 'plugins')!r})\n"
        "import s2cloudfree, s2cloudfree.plugin, s2cloudfree.ui.dock\n"
        "heavy = [m for m in ('torch', 'rasterio', 's2cloudless', 'sentinelhub') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
        "assert not heavy, heavy\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "HEAVY []" in proc.stdout


def test_a_menu_entry_without_the_processing_plugin_says_so(qgis_iface, monkeypatch):
    """The Processing plugin disabled: a menu entry shows a message instead of failing."""
    import sys

    from s2cloudfree.ui.menu import AlgorithmMenu

    monkeypatch.setitem(sys.modules, "processing", None)  # 'import processing' raises ImportError
    from qgis.core import Qgis

    bar = qgis_iface.messageBar()
    bar.clear_messages()
    assert AlgorithmMenu.open_dialog("s2cloudfree:mosaic", qgis_iface) is False
    warnings = bar.get_messages(Qgis.Warning)
    assert len(warnings) == 1 and "Processing plugin is not enabled" in warnings[0]
