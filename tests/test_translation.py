"""Translations: with QGIS set to German, the plugin's translator gives the toolbox German names,
group names, parameter labels and choices; English again once it is removed; the committed .ts
covers every current toolbox text and its .qm is compiled from it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def german(qgis_app):
    from qgis.core import QgsSettings

    from s2cloudfree.ui import translation

    settings = QgsSettings()
    before = {k: settings.value(k) for k in ("locale/overrideFlag", "locale/userLocale")}
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "de_DE")
    yield translation
    translation.remove_translator()
    for key, value in before.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


def test_qgis_in_german_gives_a_german_toolbox(german):
    from s2cloudfree.processing_provider.provider import S2CloudFreeProvider

    assert german.qgis_language() == "de"
    loaded = german.install_translator()
    assert loaded and loaded.endswith("s2cloudfree_de.qm")
    provider = S2CloudFreeProvider()
    provider.loadAlgorithms()
    cloudmask = next(a for a in provider.algorithms() if a.name() == "cloudmask").create()
    assert cloudmask.displayName() == "Wolkenmaske (s2cloudless, Sen2Cor-SCL oder ukis-csmask)"
    assert cloudmask.group() == "Wolkenmasken"
    assert cloudmask.parameterDefinition("THRESHOLD").description() == "Schwellenwert der Wolkenwahrscheinlichkeit"
    assert "Automatisch: s2cloudless für Level-1C, ukis-csmask für Level-2A" in cloudmask.parameterDefinition("METHOD").options()
    assert cloudmask.outputDefinition("CLOUD_FRACTION").description() == "Wolkenanteil der gültigen Pixel"
    german.remove_translator()
    english = next(a for a in provider.algorithms() if a.name() == "cloudmask").create()
    assert english.displayName() == "Cloud mask (s2cloudless, Sen2Cor SCL or ukis-csmask)"
    assert english.parameterDefinition("THRESHOLD").description() == "Cloud probability threshold"
    assert german.install_translator("fr") is None   # no French translation: English stays


def test_the_translation_file_covers_every_toolbox_text(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_translations.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "untranslated" not in done.stdout and " texts, " in done.stdout, done.stdout
    lrelease = shutil.which("lrelease")
    if lrelease:  # the committed .qm is what lrelease makes of the committed .ts
        subprocess.run([lrelease, "-silent", str(ROOT / "i18n" / "s2cloudfree_de.ts"), "-qm",
                        str(tmp_path / "de.qm")], check=True)
        assert (tmp_path / "de.qm").read_bytes() == (ROOT / "i18n" / "s2cloudfree_de.qm").read_bytes()
