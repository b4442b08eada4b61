"""*Install missing packages*: pip for QGIS's own Python in a QgsTask (progress, cancel), into the
plugin's private package folder (core/package_installer.py says how and why)."""

from qgis.core import QgsApplication, QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..core import package_installer
from ..core.errors import CancelledError, S2CloudFreeError
from .translation import tr

LOG_TAG = "S2 CloudFree"


def plugin_package_folder():
    """The private folder of this QGIS profile, for this Python."""
    return package_installer.private_folder(QgsApplication.qgisSettingsDirPath())


def activate_plugin_packages():
    """Put the private folder on sys.path (at plugin load, before anything imports torch)."""
    return package_installer.activate(plugin_package_folder())


class PackageInstallTask(QgsTask):
    """Installs ``requirements`` with pip; ``finishedWith`` says how it ended (on the GUI thread)."""

    def __init__(self, requirements, folder=None, python=None, find_links=None, no_index=False, index_args=(),
                 relay=None):
        super().__init__("S2 CloudFree: installing " + ", ".join(requirements), QgsTask.Flag.CanCancel)
        self.requirements = list(requirements)
        self.folder = folder or plugin_package_folder()
        if python is None:
            from .dependency_status import qgis_python

            python = qgis_python()
        self.python = python
        self.find_links = find_links
        self.no_index = no_index
        self.index_args = list(index_args)
        self.relay = relay or InstallRelay()
        self.lines = []
        self.error = ""
        self.cancelled_by_user = False
        self.installed = []

    def run(self):
        try:
            self.installed = package_installer.install(
                self.requirements, self.folder, python=self.python, find_links=self.find_links,
                no_index=self.no_index, index_args=self.index_args, on_line=self._line,
                on_progress=lambda f: self.setProgress(100.0 * f), is_cancelled=self.isCanceled)
            return True
        except CancelledError as exc:
            self.cancelled_by_user = True
            self.error = str(exc)
            return False
        except (S2CloudFreeError, OSError) as exc:
            self.error = str(exc)
            return False

    def _line(self, text):
        self.lines.append(text)
        self.relay.line.emit(text)

    def finished(self, result):  # noqa: D401 (QgsTask API, GUI thread)
        if result:
            package_installer.activate(self.folder)
            message = tr("Installed {packages} into {folder}. Restart QGIS if a package was already imported "
                         "before.").format(packages=", ".join(self.requirements), folder=self.folder)
        elif self.cancelled_by_user:
            message = tr("Installation cancelled: nothing was installed.")
        else:
            message = tr("Installation failed: {error}").format(error=self.error)
        QgsMessageLog.logMessage(message, LOG_TAG)
        self.relay.finishedWith.emit(bool(result), self.cancelled_by_user, message)


class InstallRelay(QObject):
    """Signals of a :class:`PackageInstallTask` (a QgsTask's own signals cannot be added to)."""

    line = pyqtSignal(str)
    finishedWith = pyqtSignal(bool, bool, str)  # ok, cancelled, message
