"""The dock's *Install missing packages*: the QgsTask runs pip offline (a local wheel folder) into a
private folder with progress, the panel offers the button only for what pip can install, and a
failed pip run is reported without installing anything."""

import os
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from test_package_installer import make_wheel  # noqa: E402


def wait_for(condition, seconds=120):
    from qgis.PyQt.QtCore import QCoreApplication

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.02)
    assert condition(), "timed out"


def test_the_task_installs_offline_with_progress(qgis_app, tmp_path):
    from qgis.core import QgsApplication

    from s2cloudfree.ui.package_install_task import PackageInstallTask

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    make_wheel(wheels, "s2cf-probe-dep", "2.0", {"s2cf_probe_dep/__init__.py": "BASE = 41\n"})
    folder = str(tmp_path / "profile" / "packages")
    task = PackageInstallTask(["s2cf-probe-dep==2.0"], folder, python=sys.executable, find_links=wheels,
                              no_index=True)
    ended, progress = [], []
    task.relay.finishedWith.connect(lambda ok, cancelled, message: ended.append((ok, cancelled, message)))
    task.progressChanged.connect(progress.append)
    QgsApplication.taskManager().addTask(task)
    wait_for(lambda: ended)
    ok, cancelled, message = ended[0]
    assert ok and not cancelled and "Installed s2cf-probe-dep==2.0" in message, message
    assert os.path.isfile(os.path.join(folder, "s2cf_probe_dep", "__init__.py"))
    assert sys.path[-1] == folder   # activated on success, at the end of the path
    import s2cf_probe_dep

    assert s2cf_probe_dep.BASE == 41
    assert progress and max(progress) == pytest.approx(100.0)
    sys.path.remove(folder)
    sys.modules.pop("s2cf_probe_dep", None)


def test_the_panel_offers_and_reports_the_installation(qgis_app, tmp_path, monkeypatch):
    from s2cloudfree.ui import package_install_task
    from s2cloudfree.ui.dependency_status import DependencyPanel, DependencyStatus

    panel = DependencyPanel()
    panel.show_statuses([DependencyStatus("rasterio", False, error="ImportError", why="rasters", command="apt"),
                         DependencyStatus("torch", True, version="2")])
    assert panel.installable() == [] and panel.install_button.isHidden()
    panel.show_statuses([DependencyStatus("rasterio", True), DependencyStatus("torch", False, error="ImportError"),
                         DependencyStatus("s2cloudless", False, error="ImportError")])
    assert panel.installable() == ["torch", "s2cloudless"] and not panel.install_button.isHidden()
    # offline, with an empty wheel folder: pip cannot find torch, nothing is installed
    folder = tmp_path / "private"
    monkeypatch.setattr(package_install_task, "plugin_package_folder", lambda: str(folder))
    empty = tmp_path / "empty"
    empty.mkdir()
    ended = []
    panel.installFinished.connect(lambda ok, message: ended.append((ok, message)))
    task = panel.install_missing(confirm=False, find_links=empty, no_index=True)
    assert task.requirements[:2] == ["torch==2.13.0", "s2cloudless==1.7.3"]
    assert not panel.install_button.isEnabled() and not panel.install_progress.isHidden()
    assert panel.install_missing(confirm=False) is None  # one at a time
    wait_for(lambda: ended)
    ok, message = ended[0]
    assert not ok and "pip could not install torch==2.13.0" in message and "nothing was installed" in message
    assert panel.install_button.isEnabled() and panel.install_progress.isHidden()
    assert not folder.exists() or not os.listdir(folder)
