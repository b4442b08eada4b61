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


def test_help_and_panel_in_german(german, qgis_iface, s2cf_provider, qgis_new_project, tmp_path):
    from qgis.core import QgsRasterLayer
    from qgis.gui import QgsCollapsibleGroupBox
    from qgis.PyQt.QtWidgets import QPushButton, QRadioButton

    from s2cloudfree.core.sample import generate_sample_series
    from s2cloudfree.processing_provider.provider import S2CloudFreeProvider
    from s2cloudfree.ui.dock import S2CloudFreeDock

    german.install_translator()
    provider = S2CloudFreeProvider()
    provider.loadAlgorithms()
    sample_algorithm = next(a for a in provider.algorithms() if a.name() == "sample").create()
    assert sample_algorithm.shortHelpString().startswith("Schreibt eine erzeugte (nicht echte) Sentinel-2")
    assert sample_algorithm.shortDescription().startswith("Schreibt eine erzeugte")
    gapfill = next(a for a in provider.algorithms() if a.name() == "gapfill").create()
    english_paragraphs = gapfill.help_text().split("\n\n")
    german_paragraphs = gapfill.shortHelpString().split("\n\n")
    assert len(german_paragraphs) == len(english_paragraphs)
    assert all(g != e for g, e in zip(german_paragraphs, english_paragraphs))  # every paragraph translated

    sample = generate_sample_series(str(tmp_path), n_dates=3, size=32, seed=1, s1=False)
    qgis_new_project.addMapLayers([QgsRasterLayer(p, p.rsplit("/", 1)[-1][:-4], "gdal")
                                   for p in sample.s2 + sample.masks])
    dock = S2CloudFreeDock(qgis_iface)
    try:
        dock.initialise()
        titles = {box.title() for box in dock.findChildren(QgsCollapsibleGroupBox)}
        assert {"Interessengebiet (ROI)", "Zeitreihe", "Gerät"} <= titles, titles
        radios = {button.text() for button in dock.findChildren(QRadioButton)}
        assert radios == {"Dialog öffnen", "Im Hintergrund ausführen"}
        assert "Abbrechen" in {button.text() for button in dock.findChildren(QPushButton)}
        assert "3 Sentinel-2-Aufnahmedaten" in dock.series_summary.text()
        assert dock.tree.headerItem().text(0) == "Datum"
    finally:
        dock.release()
        dock.deleteLater()
