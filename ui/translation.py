"""Translations of the plugin's toolbox texts (algorithm and group names, parameter and output
labels, choices): ``tr`` looks a text up, :func:`install_translator` loads
``i18n/s2cloudfree_<language>.qm`` for QGIS's user interface language when the plugin loads (in
QGIS and in qgis_process). The ``.ts`` sources are made by ``scripts/update_translations.py``."""

import os

from qgis.PyQt.QtCore import QCoreApplication, QTranslator

CONTEXT = "S2CloudFree"
I18N_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n")
_installed = {}


def tr(text):
    """``text`` in the user's language when a translation is installed, else unchanged."""
    return QCoreApplication.translate(CONTEXT, text)


def qgis_language():
    """The two-letter language of QGIS's user interface (its locale setting, else the system's)."""
    from qgis.core import QgsApplication

    return (QgsApplication.locale() or "en")[:2].lower()


def install_translator(language=None):
    """Load the translation of ``language`` (default: QGIS's) when the plugin has one; returns the
    .qm path loaded, or None (English, or no translation for that language)."""
    language = (language or qgis_language())[:2].lower()
    remove_translator()
    path = os.path.join(I18N_DIR, f"s2cloudfree_{language}.qm")
    if language == "en" or not os.path.exists(path):
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    _installed["translator"] = translator
    return path


def remove_translator():
    translator = _installed.pop("translator", None)
    if translator is not None:
        QCoreApplication.removeTranslator(translator)


def translatable(text):
    """Marks ``text`` for the translation file where it is defined; it is translated (``tr``) where
    it is shown."""
    return text
