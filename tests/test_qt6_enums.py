"""Qt 6 readiness: the shipped code names Qt enums fully qualified (``Qt.CheckState.Checked``, not
``Qt.Checked``), the form PyQt6 requires and PyQt5 5.15 accepts, and QGIS's enums by their enum type
too (``QgsProcessing.SourceType.TypeRaster``), which QGIS 3.22 accepts; the dock and algorithm
tests run with it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["plugin.py", "__init__.py", "batch", "ui", "processing_provider", "core", "models"]
# Qt.Member or QClass.Member where Member is not itself an enum type followed by a member
UNQUALIFIED = re.compile(r"\b(Qt|Q(?!gs)[A-Z][A-Za-z]+)\.([A-Z][A-Za-z0-9_]*)\b(?!\.[A-Z])(?!\s*\()")


def shipped_files():
    for entry in SHIPPED:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def matches(pattern, skip=lambda owner, member: False):
    """Every match of ``pattern`` in the shipped code (comments left out), as 'file:line: text'."""
    found = []
    for path in shipped_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line.split("#", 1)[0]):
                if not skip(*match.groups()):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    return found


def test_no_unqualified_qt_enum_in_the_shipped_code():
    found = matches(UNQUALIFIED)
    assert not found, "unqualified Qt enums:\n" + "\n".join(found)


# QGIS names with an upper-case member that are not an unscoped enum member: enum classes themselves
# (QgsMapLayerType.RasterLayer is already scoped), nested classes, constants
QGIS_NOT_ENUM_MEMBERS = {"QgsMapLayerType", "QgsPalettedRasterRenderer.Class", "QgsProcessing.TEMPORARY_OUTPUT"}
QGIS_UNQUALIFIED = re.compile(r"\b(Qgs[A-Za-z]+|Qgis)\.([A-Z][A-Za-z0-9_]*)\b(?!\.[A-Z])(?!\s*\()")


def test_no_unqualified_qgis_enum_in_the_shipped_code():
    found = matches(QGIS_UNQUALIFIED, lambda owner, member: owner in QGIS_NOT_ENUM_MEMBERS
                    or f"{owner}.{member}" in QGIS_NOT_ENUM_MEMBERS)
    assert not found, "unqualified QGIS enums:\n" + "\n".join(found)


def test_the_check_finds_an_unqualified_enum():
    assert UNQUALIFIED.search("item.setFlags(Qt.ItemIsEnabled)")
    assert UNQUALIFIED.search("scroll.setFrameShape(QFrame.NoFrame)")
    assert not UNQUALIFIED.search("item.setFlags(Qt.ItemFlag.ItemIsEnabled)")
    assert not UNQUALIFIED.search("QCoreApplication.translate('a', 'b')")
    assert not UNQUALIFIED.search("QgsProcessing.TypeRaster")
    assert QGIS_UNQUALIFIED.search("QgsProcessing.TypeRaster")
    assert not QGIS_UNQUALIFIED.search("QgsProcessing.SourceType.TypeRaster")


# What QGIS's pyqt5_to_pyqt6.py rewrites or warns about besides enums: none of it in the shipped code.
QT6_REMOVED = re.compile(
    r"(\.exec_\(|\bQRegExp\b|\bqApp\b|\bQDesktopWidget\b|\.desktop\(\)|fontMetrics\(\)\.width\(|"
    r"\bQFontMetricsF?\([^)]*\)\.width\(|activated\[str\]|\bresources_rc\b|\bQVariant\(|\bPyQt5\b|"
    r"from qgis\.PyQt\.Qt import|\.setMargin\()")


def test_nothing_qt6_removed_in_the_shipped_code():
    found = matches(QT6_REMOVED)
    assert not found, "Qt 5-only code:\n" + "\n".join(found)
    assert QT6_REMOVED.search("dialog.exec_()") and QT6_REMOVED.search("w = QApplication.desktop()")
    assert not QT6_REMOVED.search("dialog.exec()")


def test_qaction_is_imported_where_both_qt_versions_have_it():
    """QAction moved from QtWidgets (Qt 5) to QtGui (Qt 6): imported from QtGui with QtWidgets as
    the fallback, never from QtWidgets alone."""
    for path in shipped_files():
        text = path.read_text(encoding="utf-8")
        if re.search(r"from qgis\.PyQt\.QtWidgets import [^\n]*\bQAction\b", text):
            assert "from qgis.PyQt.QtGui import QAction" in text, path
