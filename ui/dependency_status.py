"""Which of the heavy Python packages can be imported in QGIS, why each matters, how to install it.

The check imports torch, rasterio and s2cloudless (seconds for torch), so the dock runs it once,
lazily, after it is first shown; the result is cached until :func:`check_dependencies` is called
with ``refresh=True``.
"""

import importlib
import os
import sys
import sysconfig
from dataclasses import dataclass

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QLabel, QMessageBox, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ..core import package_installer
from ..core.dependencies import install_hint
from .tones import box_style, span
from .translation import tr, translatable

#: name -> (what stops working without it, pip requirement, Debian package or None)
PACKAGES = {
    "rasterio": (translatable("every algorithm reads and writes rasters with it; the dock then takes dates from "
                              "file names only and cannot compute cloud percentages"),
                 "rasterio", "python3-rasterio"),
    "torch": (translatable("the networks (seq2point, seq2seq) and the GPU choice; least cloudy, mosaic and cloud "
                           "masks work without it"), "torch", None),
    "s2cloudless": (translatable("cloud masks (the Cloud mask algorithm, and least cloudy/mosaic without masks)"),
                    "s2cloudless==1.7.3", None),
}


@dataclass
class DependencyStatus:
    name: str
    ok: bool
    version: str = ""
    error: str = ""
    why: str = ""
    command: str = ""


_CACHE = {}


def qgis_python():
    """The Python interpreter of this QGIS (inside QGIS, sys.executable is the QGIS binary)."""
    exe = sys.executable or ""
    if os.path.basename(exe).lower().startswith("python"):
        return exe
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    if sys.platform == "win32":
        return "python"  # the OSGeo4W shell puts QGIS's Python first on PATH
    for folder in (os.path.join(sys.exec_prefix, "bin"), "/usr/bin"):
        for name in (f"python{version}", f"python{sys.version_info.major}"):
            candidate = os.path.join(folder, name)
            if os.path.exists(candidate):
                return candidate
    return f"python{version}"


def _externally_managed():
    if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
        return False  # a virtual environment: pip installs into it
    try:
        return os.path.exists(os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED"))
    except (KeyError, OSError):
        return False


def install_command(name):
    """The exact command that installs ``name`` for the Python running QGIS on this platform."""
    _why, requirement, debian = PACKAGES.get(name, ("", name, None))
    if debian and sys.platform.startswith("linux") and os.path.exists("/usr/bin/apt-get"):
        return f"sudo apt-get install {debian}"
    python = qgis_python()
    flags = "--user --break-system-packages " if _externally_managed() else ""
    extra = " 'numpy<2'" if name in ("s2cloudless", "torch") else ""
    if name == "torch" and not sys.platform == "darwin":
        extra += "   (CPU only, smaller download: add --index-url https://download.pytorch.org/whl/cpu)"
    if sys.platform == "win32":
        return f"In the OSGeo4W Shell: python -m pip install \"{requirement}\"{extra.replace(chr(39), chr(34))}"
    return f"{python} -m pip install {flags}'{requirement}'{extra}"


def check_dependency(name):
    why = PACKAGES.get(name, ("", name, None))[0]
    try:
        module = importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 (ImportError, or a broken install raising OSError/etc.)
        command = install_command(name)
        if not command:
            command = install_hint(name)
        return DependencyStatus(name, False, error=f"{type(exc).__name__}: {exc}", why=why, command=command)
    return DependencyStatus(name, True, version=str(getattr(module, "__version__", "")), why=why)


def check_dependencies(refresh=False):
    """Statuses of rasterio, torch and s2cloudless (cached)."""
    if refresh:
        _CACHE.clear()
    out = []
    for name in PACKAGES:
        if name not in _CACHE:
            _CACHE[name] = check_dependency(name)
        out.append(_CACHE[name])
    return out


def is_available(name):
    """Whether ``name`` imported in the last check (None when not checked yet)."""
    status = _CACHE.get(name)
    return None if status is None else status.ok


class DependencyPanel(QWidget):
    """One line when everything imports; otherwise a box per missing package with the command, and
    an *Install missing packages* button for those pip can install into the plugin's own folder."""

    installFinished = pyqtSignal(bool, str)  # ok, message

    def __init__(self, parent=None):
        super().__init__(parent)
        self.statuses = []
        self.task = None
        self.installing = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(tr("Checking the Python packages…"), self)
        self.label.setObjectName("dependencyStatus")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        self.install_button = QPushButton(tr("Install missing packages…"), self)
        self.install_button.setObjectName("installPackages")
        self.install_button.setToolTip(tr("Runs pip for QGIS's Python, with the versions this plugin is tested with, "
                                          "into a folder of the plugin's (QGIS's own packages are not touched)."))
        self.install_button.clicked.connect(lambda: self.install_missing())
        self.install_button.hide()
        layout.addWidget(self.install_button)
        self.install_progress = QProgressBar(self)
        self.install_progress.setRange(0, 100)
        self.install_progress.hide()
        layout.addWidget(self.install_progress)
        self.cancel_button = QPushButton(tr("Cancel installation"), self)
        self.cancel_button.clicked.connect(self.cancel_install)
        self.cancel_button.hide()
        layout.addWidget(self.cancel_button)

    def installable(self):
        """The missing packages pip can install here (rasterio comes with QGIS or the system)."""
        return [name for name in self.missing() if name in package_installer.INSTALL_SETS]

    def install_missing(self, confirm=True, torch_build=None, find_links=None, no_index=False):
        """Start the installation of :meth:`installable` (asks first when ``confirm``); returns the task."""
        from .package_install_task import PackageInstallTask, plugin_package_folder

        names = self.installable()
        if not names or self.installing:
            return None
        requirements = package_installer.requirements_for(names)
        folder = plugin_package_folder()
        if torch_build is None:
            torch_build = "cpu"
            if confirm and "torch" in names and package_installer.nvidia_driver_found():
                answer = QMessageBox.question(
                    self, "S2 CloudFree", tr("An NVIDIA driver was found. Install the CUDA build of torch (runs the "
                                             "networks on the GPU; a download of about 2.5 GB) instead of the CPU "
                                             "build (about 200 MB)?"))
                torch_build = "cuda" if answer == QMessageBox.StandardButton.Yes else "cpu"
        if confirm:
            answer = QMessageBox.question(
                self, "S2 CloudFree", tr("Install with pip, from the internet, into") + "\n" + folder + "\n\n"
                + "\n".join(requirements)
                + ("\n" + tr("(torch: {build} build)").format(build=torch_build.upper()) if "torch" in names else ""))
            if answer != QMessageBox.StandardButton.Yes:
                return None
        index_args = [] if no_index else package_installer.index_arguments(requirements, torch_build)
        from qgis.core import QgsApplication

        task = PackageInstallTask(requirements, folder, find_links=find_links, no_index=no_index,
                                  index_args=index_args)
        task.progressChanged.connect(lambda value: self.install_progress.setValue(int(round(value))))
        task.relay.finishedWith.connect(self._install_finished)
        self.task = task
        self.installing = True
        self.install_button.setEnabled(False)
        self.install_progress.setValue(0)
        self.install_progress.show()
        self.cancel_button.show()
        QgsApplication.taskManager().addTask(task)
        return task

    def cancel_install(self):
        if self.installing and self.task is not None:
            self.task.cancel()

    def _install_finished(self, ok, _cancelled, message):
        self.installing = False
        self.task = None
        self.install_progress.hide()
        self.cancel_button.hide()
        self.install_button.setEnabled(True)
        if ok:
            self.show_statuses(check_dependencies(refresh=True))
        self.label.setToolTip(message)
        self.installFinished.emit(ok, message)

    def show_statuses(self, statuses):
        self.statuses = list(statuses)
        missing = [s for s in self.statuses if not s.ok]
        present = ", ".join(f"{s.name} {s.version}".strip() for s in self.statuses if s.ok)
        self.install_button.setVisible(bool(self.installable()))
        if not missing:
            self.label.setStyleSheet("")
            self.label.setText(f"{span('ok', '✔')} {present}")
            return
        parts = []
        for s in missing:
            parts.append(
                "<p style='margin:2px 0'><b>" + tr("{name} cannot be imported").format(name=s.name) + "</b> "
                + span('note', '(' + _html(s.error) + ')') + ".<br>"
                + tr("Needed for {purpose}.").format(purpose=_html(tr(s.why))) + "<br>"
                + tr("Install:") + f" <code>{_html(s.command)}</code></p>")
        if present:
            parts.append("<p style='margin:2px 0'>" + tr("Found: {packages}. Restart QGIS after installing.")
                         .format(packages=present) + "</p>")
        background, border = box_style()
        self.label.setStyleSheet(f"QLabel {{ background: {background}; border: 1px solid {border}; "
                                 "border-radius: 3px; padding: 4px; }")
        self.label.setText("".join(parts))

    def missing(self):
        return [s.name for s in self.statuses if not s.ok]


def _html(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
