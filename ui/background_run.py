"""Running algorithms in the background (QgsProcessingAlgRunnerTask in QGIS's task manager).

A :class:`BackgroundRun` runs a list of jobs one after the other (the cloud masks are one job per
date), reports overall progress and the algorithm's log lines, can be cancelled, and adds the
outputs of each finished job to the project's results group.
"""

from dataclasses import dataclass

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal, pyqtSlot

from .results import add_algorithm_outputs
from .translation import tr


@dataclass
class Job:
    algorithm_id: str
    parameters: dict
    label: str               # name of the result layer(s)
    subgroup: str = None     # inside the results group (cloud masks)


class _RelayFeedback(QgsProcessingFeedback):
    """Feedback that forwards the algorithm's messages as a Qt signal (queued to the GUI thread)."""

    logged = pyqtSignal(str, str)

    def pushInfo(self, info):  # noqa: N802 (QGIS API)
        super().pushInfo(info)
        self.logged.emit("info", info)

    def pushWarning(self, warning):  # noqa: N802 (QGIS API)
        super().pushWarning(warning)
        self.logged.emit("warning", warning)

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 (QGIS API)
        super().reportError(error, fatalError)
        self.logged.emit("error", error)

    def setProgressText(self, text):  # noqa: N802 (QGIS API)
        super().setProgressText(text)
        self.logged.emit("info", text)


class BackgroundRun(QObject):
    """Runs ``jobs`` in sequence in QGIS's task manager."""

    progressChanged = pyqtSignal(float)       # overall, 0..100
    logged = pyqtSignal(str, str)             # level ('info', 'warning', 'error'), text
    jobFinished = pyqtSignal(object, bool, object, object)  # job, ok, results, layers added
    finished = pyqtSignal(bool, bool)         # all ok, cancelled

    def __init__(self, jobs, project=None, parent=None):
        super().__init__(parent)
        self.jobs = list(jobs)
        self.project = project or QgsProject.instance()
        self.index = -1
        self.active = False
        self.cancelled = False
        self.ok = True
        self.layers = []
        self.values = []
        self._task = None
        self._context = None
        self._feedback = None
        self._algorithm = None

    # -- control ----------------------------------------------------------------------
    def start(self):
        if not self.jobs:
            raise ValueError("Nothing to run.")
        self.active = True
        self._next()

    def cancel(self):
        self.cancelled = True
        if self._task is not None:
            self._task.cancel()

    def detach(self):
        """Stop reporting (the dock is going away): the running task is cancelled, no result is added."""
        self.cancelled = True
        self.jobs = self.jobs[: self.index + 1]
        if self._task is not None:
            try:
                self._task.cancel()
            except RuntimeError:
                pass
        for signal in (self.progressChanged, self.logged, self.jobFinished, self.finished):
            try:
                signal.disconnect()
            except TypeError:
                pass

    # -- internals --------------------------------------------------------------------
    def _next(self):
        self.index += 1
        if self.cancelled or self.index >= len(self.jobs):
            self._finish()
            return
        job = self.jobs[self.index]
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(job.algorithm_id)
        if algorithm is None:
            self.logged.emit("error", tr("{algorithm} is not registered.").format(algorithm=job.algorithm_id))
            self.ok = False
            self._next()
            return
        self._algorithm = algorithm
        self._context = QgsProcessingContext()
        self._context.setProject(self.project)
        self._feedback = _RelayFeedback()
        self._feedback.progressChanged.connect(self._on_progress)
        self._feedback.logged.connect(self._on_logged)
        self.logged.emit("info", tr("Running {algorithm} ({number}/{total}): {label}").format(
            algorithm=algorithm.displayName(), number=self.index + 1, total=len(self.jobs), label=job.label))
        task = QgsProcessingAlgRunnerTask(algorithm, job.parameters, self._context, self._feedback)
        task.executed.connect(self._on_executed)
        self._task = task
        QgsApplication.taskManager().addTask(task)

    @pyqtSlot(float)
    def _on_progress(self, value):
        n = max(1, len(self.jobs))
        self.progressChanged.emit(100.0 * (self.index + max(0.0, min(100.0, value)) / 100.0) / n)

    @pyqtSlot(str, str)
    def _on_logged(self, level, text):
        self.logged.emit(level, text)

    @pyqtSlot(bool, "QVariantMap")
    def _on_executed(self, ok, results):
        job = self.jobs[self.index] if 0 <= self.index < len(self.jobs) else None
        self._task = None
        layers = []
        if job is None:
            return
        if ok and not self.cancelled:
            try:
                layers, values = add_algorithm_outputs(self._algorithm, results, job.label, job.subgroup,
                                                       self.project)
                self.layers.extend(layers)
                if values:
                    self.values.append((job.label, values))
                    self.logged.emit("info", ", ".join(f"{k} = {v}" for k, v in values.items()))
            except Exception as exc:  # noqa: BLE001 (a broken output must not break the dock)
                self.logged.emit("error", tr("Could not add the result of {label}: {error}").format(
                    label=job.label, error=exc))
        else:
            self.ok = False
            outcome = tr("cancelled") if self.cancelled else tr("failed (see the log above)")
            self.logged.emit("warning" if self.cancelled else "error", f"{job.label}: {outcome}")
        self.jobFinished.emit(job, bool(ok and not self.cancelled), dict(results or {}), layers)
        self._context = None
        self._feedback = None
        self._algorithm = None
        self._next()

    def _finish(self):
        self.active = False
        self.progressChanged.emit(100.0 if self.ok and not self.cancelled else 0.0)
        self.finished.emit(self.ok and not self.cancelled, self.cancelled)
