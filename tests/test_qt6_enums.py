"""Qt 6 readiness: the shipped code names Qt enums fully qualified (``Qt.CheckState.Checked``, not
``Qt.Checked``), the form PyQt6 requires and PyQt5 5.15 accepts; the dock tests run with it."""

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


def test_no_unqualified_qt_enum_in_the_shipped_code():
    found = []
    for path in shipped_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for match in UNQUALIFIED.finditer(code):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert not found, "unqualified Qt enums:\n" + "\n".join(found)


def test_the_check_finds_an_unqualified_enum():
    assert UNQUALIFIED.search("item.setFlags(Qt.ItemIsEnabled)")
    assert UNQUALIFIED.search("scroll.setFrameShape(QFrame.NoFrame)")
    assert not UNQUALIFIED.search("item.setFlags(Qt.ItemFlag.ItemIsEnabled)")
    assert not UNQUALIFIED.search("QCoreApplication.translate('a', 'b')")
    assert not UNQUALIFIED.search("QgsProcessing.TypeRaster")
