"""The dock's run section: how to run, where outputs go, one button per algorithm, progress."""

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from .run_parameters import BACKGROUND, DIALOG, RUNS
from .translation import tr
from .widgets import compact_button


class RunPanel(QWidget):
    """Emits ``runRequested(key)`` when a run button is clicked and ``cancelRequested``."""

    runRequested = pyqtSignal(str)
    cancelRequested = pyqtSignal()
    modeChanged = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        mode_row = QHBoxLayout()
        self.dialog_mode = QRadioButton(tr("Open the dialog"), self)
        self.dialog_mode.setObjectName("modeDialog")
        self.dialog_mode.setToolTip(tr("Open the algorithm's Processing dialog with the series, masks, ROI "
                                       "and device filled in: check, change, run."))
        self.background_mode = QRadioButton(tr("Run in background"), self)
        self.background_mode.setObjectName("modeBackground")
        self.background_mode.setToolTip(tr("Run at once as a QGIS task (progress below, Cancel stops it); "
                                           "results go to the group 'S2 CloudFree results'."))
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.dialog_mode)
        self.modes.addButton(self.background_mode)
        self.dialog_mode.setChecked(True)
        mode_row.addWidget(self.dialog_mode)
        mode_row.addWidget(self.background_mode)
        mode_row.addStretch(1)
        layout.addLayout(mode_row)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.output_folder = QgsFileWidget(self)
        self.output_folder.setObjectName("outputFolder")
        self.output_folder.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.output_folder.lineEdit().setPlaceholderText(tr("temporary files"))
        self.output_folder.setToolTip(tr("Folder for the outputs of background runs (empty: temporary files)."))
        self.model = QgsFileWidget(self)
        self.model.setObjectName("modelPath")
        self.model.setFilter(tr("Checkpoints") + " (*.pt *.pth);;" + tr("All files") + " (*)")
        self.model.lineEdit().setPlaceholderText(tr("seq2point checkpoint (.pt) or registry name"))
        form.addRow(tr("Outputs"), self.output_folder)
        form.addRow(tr("Model"), self.model)
        layout.addLayout(form)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons = {}
        for i, spec in enumerate(RUNS):
            button = compact_button(tr(spec.button), self)
            button.setObjectName(f"run_{spec.key}")
            button.setToolTip(tr(spec.tooltip))
            button.clicked.connect(lambda _checked=False, key=spec.key: self.runRequested.emit(key))
            grid.addWidget(button, i // 3, i % 3)
            self.buttons[spec.key] = button
        layout.addLayout(grid)

        progress_row = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setObjectName("runProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.cancel = QPushButton(tr("Cancel"), self)
        self.cancel.setObjectName("runCancel")
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.cancelRequested.emit)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel)
        layout.addLayout(progress_row)

        self.status = QLabel("", self)
        self.status.setObjectName("runStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.log = QPlainTextEdit(self)
        self.log.setObjectName("runLog")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(500)
        self.log.setMaximumHeight(90)
        self.log.setPlaceholderText(tr("The log of background runs (device used, dates, progress) shows here."))
        layout.addWidget(self.log)

        self.dialog_mode.toggled.connect(lambda on: on and self.modeChanged.emit(DIALOG))
        self.background_mode.toggled.connect(lambda on: on and self.modeChanged.emit(BACKGROUND))

    def mode(self):
        return BACKGROUND if self.background_mode.isChecked() else DIALOG

    def set_mode(self, mode):
        (self.background_mode if mode == BACKGROUND else self.dialog_mode).setChecked(True)

    def set_running(self, running):
        self.cancel.setEnabled(running)
        if running:
            self.progress.setValue(0)

    def append_log(self, level, text):
        prefix = {"warning": "⚠ ", "error": "✖ "}.get(level, "")
        self.log.appendPlainText(prefix + text)
