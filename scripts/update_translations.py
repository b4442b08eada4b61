#!/usr/bin/env python3
"""Refresh i18n/s2cloudfree_<lang>.ts from the toolbox texts, and compile the .qm with lrelease.

The texts are read from the running provider (algorithm and group names, parameter and output
labels, enum choices, help paragraphs), with no translation installed, and from the source: the
literal arguments of tr() and translatable() in ui/, processing_provider/ and plugin.py (panel,
menus, messages). Translations already in the .ts are kept; new texts are added unfinished; texts the
code no longer has are dropped. `--merge FILE.py` adds translations from a Python file that
defines a dict ``TRANSLATIONS`` (source -> translation). Then `lrelease` writes the .qm next to
the .ts (the .qm is committed: a fresh machine has no lrelease).

    .venv/bin/python scripts/update_translations.py [--language de] [--merge de.py] [--check]

--check: exit 1 when a current text has no translation in the .ts (tests/test_translation.py
also compares the committed .qm with lrelease's output of the .ts when lrelease is there).
"""

import argparse
import os
import shutil
import subprocess  # nosec B404 - lrelease with an argument list
import sys
import xml.etree.ElementTree as ET  # nosec B405 - our own .ts files
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402


#: Where texts are marked in the source with ``tr("...")`` or ``translatable("...")``.
SOURCE_FOLDERS = ("ui", "processing_provider")
SOURCE_FILES = ("plugin.py",)
MARKERS = ("tr", "translatable")


def source_files():
    files = [REPO / name for name in SOURCE_FILES]
    for folder in SOURCE_FOLDERS:
        files.extend(sorted((REPO / folder).glob("*.py")))
    return files


def marked_texts():
    """(texts, problems): the literal first arguments of tr()/translatable() calls in the plugin's
    source, in file order; ``problems`` lists calls given an f-string (never in the .ts, so never
    translated)."""
    import ast

    texts, problems = [], []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name not in MARKERS:
                continue
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                texts.append((path.name, node.lineno, argument.value))
            elif isinstance(argument, ast.JoinedStr):
                problems.append(f"{path.relative_to(REPO)}:{node.lineno}: {name}() of an f-string")
    texts.sort(key=lambda t: (str(t[0]), t[1]))
    return [text for _f, _l, text in texts], problems


def toolbox_texts():
    """Every translatable text (toolbox, help paragraphs, panel), in a stable order."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    make_plugin_importable()
    from qgis.core import QgsApplication

    app = QgsApplication.instance() or QgsApplication([], False)
    app.initQgis()
    from s2cloudfree.processing_provider.algorithm_base import GROUP_NAMES
    from s2cloudfree.processing_provider.provider import S2CloudFreeProvider
    from s2cloudfree.ui.translation import remove_translator

    remove_translator()
    provider = S2CloudFreeProvider()
    provider.loadAlgorithms()
    texts = list(GROUP_NAMES.values())
    for algorithm in sorted(provider.algorithms(), key=lambda a: a.name()):
        texts.append(algorithm.displayName())
        for definition in algorithm.parameterDefinitions():
            texts.append(definition.description())
            if hasattr(definition, "options"):
                texts.extend(definition.options())
        texts.extend(output.description() for output in algorithm.outputDefinitions())
        texts.extend(algorithm.help_text().split("\n\n"))
    texts.extend(marked_texts()[0])
    seen, ordered = set(), []
    for text in texts:
        if text and text not in seen:
            seen.add(text)
            ordered.append(text)
    return ordered


def read_ts(path):
    if not path.exists():
        return {}
    root = ET.parse(path).getroot()  # nosec B314 - a file of this repository
    out = {}
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.text and translation.get("type") != "unfinished":
            out[message.find("source").text] = translation.text
    return out


def write_ts(path, language, texts, translations):
    from s2cloudfree.ui.translation import CONTEXT

    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="en")
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for text in texts:
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = text
        translation = ET.SubElement(message, "translation")
        if text in translations:
            translation.text = translations[text]
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                    + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="de")
    parser.add_argument("--merge", help="a .py file with TRANSLATIONS = {source: translation}")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    ts = REPO / "i18n" / f"s2cloudfree_{args.language}.ts"
    qm = ts.with_suffix(".qm")
    texts = toolbox_texts()
    translations = read_ts(ts)
    if args.check:
        problems = marked_texts()[1]
        for problem in problems:
            print(f"  not translatable: {problem}")
        missing = [t for t in texts if t not in translations]
        print(f"{ts.name}: {len(texts)} texts, {len(texts) - len(missing)} translated; .qm "
              f"{'present' if qm.exists() else 'missing'}")
        for text in missing:
            print(f"  untranslated: {text!r}")
        sys.exit(1 if missing or problems or not qm.exists() else 0)
    if args.merge:
        namespace = {}
        exec(compile(Path(args.merge).read_text(encoding="utf-8"), args.merge, "exec"), namespace)  # nosec B102
        translations.update(namespace["TRANSLATIONS"])
    ts.parent.mkdir(exist_ok=True)
    write_ts(ts, args.language, texts, translations)
    done = sum(1 for t in texts if t in translations)
    print(f"wrote {ts} ({done} of {len(texts)} texts translated)")
    lrelease = shutil.which("lrelease") or shutil.which("lrelease-qt5")
    if not lrelease:
        print("lrelease not found (Debian: qttools5-dev-tools): the .qm was not rebuilt")
        return
    subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)  # nosec B603
    print(f"wrote {qm}")


if __name__ == "__main__":
    main()
