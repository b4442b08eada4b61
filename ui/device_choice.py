"""The dock's device section: which device runs the networks, torch's thread limit, and what ran.

The choice is saved in QgsSettings (``processing_provider.settings``); ``DEVICE=auto`` in every
algorithm resolves to it. The list of devices needs torch, imported lazily the first time the
section is filled (when the dock is shown), never when the plugin loads.
"""

import os

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from ..processing_provider import settings
from .device_list import DeviceOption, list_devices
from .tones import tone
from .translation import tr



class DeviceChoice(QWidget):
    """Combo (Automatic, CPU, each GPU), thread limit, last device used, warnings."""

    deviceChanged = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.devices = None
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox(self)
        self.combo.setObjectName("deviceCombo")
        self.combo.setToolTip(tr("Where the networks (seq2point, seq2seq) run. Saved in the QGIS settings; "
                                 "DEVICE=auto in the Processing algorithms uses this choice."))
        self.threads = QSpinBox(self)
        self.threads.setObjectName("torchThreads")
        self.threads.setRange(0, max(1, os.cpu_count() or 1) * 2)
        self.threads.setSpecialValueText(tr("Automatic"))
        self.threads.setToolTip(tr("The most CPU threads torch may use. Fewer threads keep QGIS responsive "
                                   "while a network runs on the CPU."))
        self.last_used = QLabel(self)
        self.last_used.setObjectName("lastDeviceLabel")
        self.last_used.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setObjectName("deviceNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {tone('note')};")
        self.warning = QLabel(self)
        self.warning.setObjectName("deviceWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {tone('warning')};")
        layout.addRow(tr("Device"), self.combo)
        layout.addRow(tr("Torch threads"), self.threads)
        layout.addRow(tr("Last run"), self.last_used)
        layout.addRow(self.note)
        layout.addRow(self.warning)
        self.combo.addItem(tr("Automatic"), "auto")  # until populate() lists the real devices
        self.threads.setValue(settings.torch_threads())
        self.combo.currentIndexChanged.connect(self._on_device_changed)
        self.threads.valueChanged.connect(settings.set_torch_threads)
        self.refresh_last_used()

    # -- filling --------------------------------------------------------------------
    def populate(self, devices=None):
        """Fill the combo (imports torch unless ``devices`` is given) and select the saved device."""
        self.devices = devices if devices is not None else list_devices()
        saved = settings.preferred_device()
        self.combo.blockSignals(True)
        try:
            self.combo.clear()
            options = list(self.devices.options)
            if saved not in [o.value for o in options]:
                options.append(DeviceOption(saved, tr("{device} (not available here)").format(device=saved),
                                            tr("saved in the settings but not found on this machine")))
            for option in options:
                self.combo.addItem(option.label, option.value)
                self.combo.setItemData(self.combo.count() - 1, option.detail, Qt.ItemDataRole.ToolTipRole)
            self.combo.setCurrentIndex(max(0, self.combo.findData(saved)))
        finally:
            self.combo.blockSignals(False)
        self.note.setText(self.devices.note)
        self.note.setVisible(bool(self.devices.note))
        self.refresh_last_used()

    def value(self):
        """The DEVICE string of the current choice."""
        return self.combo.currentData() or "auto"

    def set_value(self, value):
        index = self.combo.findData(settings.normalise_device(value))
        if index < 0:
            raise ValueError(f"The device '{value}' is not in the list: {self.values()}")
        self.combo.setCurrentIndex(index)

    def values(self):
        return [self.combo.itemData(i) for i in range(self.combo.count())]

    def _on_device_changed(self, _index):
        value = self.value()
        settings.set_preferred_device(value)
        self.refresh_last_used()
        self.deviceChanged.emit(value)

    def refresh_last_used(self):
        record = settings.last_device_record()
        if record["device"]:
            when = record["time"].replace("T", " ")
            what = record["algorithm"] or tr("a network")
            asked = tr(", asked for {device}").format(device=record["requested"]) if record["requested"] else ""
            self.last_used.setText(f"<b>{record['device']}</b><br>{what}{asked}, {when}")
        else:
            self.last_used.setText(tr("nothing has run yet"))
        warning = settings.gpu_not_used_warning(record)
        if self.devices is not None and self.value() not in self.devices.values:
            warning = tr("The saved device '{device}' is not available on this machine: runs that use it "
                         "will stop with an error. Choose another device.").format(device=self.value())
        self.warning.setText(f"⚠ {warning}" if warning else "")
        self.warning.setVisible(bool(warning))

