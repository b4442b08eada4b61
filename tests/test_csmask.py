"""The ukis-csmask cloud and shadow detector on real Level-2A series and the real L1C scene:
models chosen by the bands, agreement with the Sen2Cor masks and with s2cloudless, windows,
classes, bad inputs, a missing package, and the toolbox / qgis_process runs."""

import numpy as np
import pytest
import rasterio

pytest.importorskip("ukis_csmask")

from s2cloudfree.core import csmask as cm  # noqa: E402
from s2cloudfree.core.errors import InputError, MissingDependencyError  # noqa: E402
from s2cloudfree.core.reporting import SilentReporter  # noqa: E402


def read(path):
    with rasterio.open(path) as ds:
        return ds.read(1)


def test_level_2a_series_agree_with_the_sen2cor_masks(shared_data, tmp_path):
    """Belgium (6 bands: the 6-band L2A model), 12 dates: not clear where Sen2Cor says cloud,
    cirrus or shadow on 88 % of the valid pixels (measured 0.884 on the first 20 dates); the mask is
    the classes' cloud or shadow, and shadows are found."""
    folder = shared_data / "belgium_31UDS_s1s2"
    agree = valid = shadows = 0
    for s2 in sorted(str(p) for p in folder.glob("s2_*.tif"))[:12]:
        mask, classes = tmp_path / "mask.tif", tmp_path / "classes.tif"
        result = cm.compute_csmask(s2, str(mask), str(classes), reporter=SilentReporter())
        assert result["model_bands"] == list(cm.SIX_BANDS) and result["product_level"] == "l2a"
        assert result["factor"] == 3
        m, c = read(mask), read(classes)
        assert set(np.unique(c)) <= {0, 1, 2, 255}
        assert np.array_equal(m == 1, np.isin(c, (1, 2))) and np.array_equal(m == 255, c == 255)
        reference = read(s2.replace("/s2_", "/clm_"))
        both = (m != 255) & (reference != 255)
        agree += int(((m == 1) == (reference == 1))[both].sum())
        valid += int(both.sum())
        shadows += result["shadow_pixels"]
    assert agree / valid > 0.85 and shadows > 0


def test_four_band_series_use_the_four_band_model_and_bad_bands_are_refused(shared_data, tmp_path):
    antwerp = sorted(str(p) for p in (shared_data / "belgium_antwerp_gfmap_s2").glob("s2_*.tif"))[0]
    result = cm.compute_csmask(antwerp, str(tmp_path / "a.tif"), resolution="native", reporter=SilentReporter())
    assert result["model_bands"] == list(cm.FOUR_BANDS) and result["factor"] == 1
    mol = sorted(str(p) for p in (shared_data / "belgium_mol_gfmap_s1s2").glob("s2_*.tif"))[0]
    with pytest.raises(InputError, match="lacks B02 B03: ukis-csmask needs"):
        cm.compute_csmask(mol, str(tmp_path / "m.tif"), reporter=SilentReporter())
    with pytest.raises(InputError, match="Unknown product level"):
        cm.compute_csmask(antwerp, str(tmp_path / "x.tif"), product_level="l3", reporter=SilentReporter())
    with pytest.raises(InputError, match="different files"):
        cm.compute_csmask(antwerp, str(tmp_path / "y.tif"), str(tmp_path / "y.tif"), reporter=SilentReporter())
    assert not (tmp_path / "m.tif").exists() and not (tmp_path / "y.tif").exists()


def test_the_l1c_scene_in_windows(shared_data, tmp_path):
    """The real L1C scene (856 x 512 px) at native resolution: in 12 windows the mask matches one
    window's on 98 % of the pixels (measured 0.982), and it agrees with s2cloudless (clouds only) on
    more than 80 % (measured 0.846)."""
    scene = shared_data / "s2cloudless_scene"
    s2 = str(scene / "s2_unknown-date.tif")
    whole = cm.compute_csmask(s2, str(tmp_path / "whole.tif"), resolution="native", reporter=SilentReporter())
    parts = cm.compute_csmask(s2, str(tmp_path / "parts.tif"), resolution="native", memory_mb=50,
                              reporter=SilentReporter())
    assert whole["windows"] == 1 and parts["windows"] > 4 and whole["product_level"] == "l1c"
    a, b = read(tmp_path / "whole.tif"), read(tmp_path / "parts.tif")
    assert (a == b).mean() > 0.97
    reference = read(scene / "clm_reference_s2cloudless.tif")
    assert ((a == 1) == (reference == 1)).mean() > 0.8


def test_a_missing_package_is_named_with_its_install_command(monkeypatch, shared_data, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "ukis_csmask.mask", None)
    antwerp = sorted(str(p) for p in (shared_data / "belgium_antwerp_gfmap_s2").glob("s2_*.tif"))[0]
    with pytest.raises(MissingDependencyError, match="pip install 'ukis-csmask'"):
        cm.compute_csmask(antwerp, str(tmp_path / "a.tif"), reporter=SilentReporter())
    assert not (tmp_path / "a.tif").exists()


def test_cloudmask_and_cloudmask_series_with_ukis_csmask_in_the_toolbox(s2cf_provider, shared_data, tmp_path):
    import processing

    s2 = sorted(str(p) for p in (shared_data / "belgium_31UDS_s1s2").glob("s2_*.tif"))[1:4]
    result = processing.run("s2cloudfree:cloudmask", {"INPUT": s2[0], "METHOD": 2,
                                                      "OUTPUT_MASK": str(tmp_path / "mask.tif"),
                                                      "OUTPUT_CLASSES": str(tmp_path / "classes.tif")})
    direct = cm.compute_csmask(s2[0], str(tmp_path / "direct.tif"), reporter=SilentReporter())
    assert np.array_equal(read(result["OUTPUT_MASK"]), read(tmp_path / "direct.tif"))
    assert set(np.unique(read(result["OUTPUT_CLASSES"]))) <= {0, 1, 2, 255}
    assert result["CLOUD_FRACTION"] == pytest.approx(direct["cloud_fraction"])
    series = processing.run("s2cloudfree:cloudmask_series", {"S2_LAYERS": s2, "METHOD": 2,
                                                             "OUTPUT_FOLDER": str(tmp_path / "masks")})
    assert len(series["MASK_LAYERS"]) == 3
    assert np.array_equal(read(series["MASK_LAYERS"][0]), read(tmp_path / "direct.tif"))


@pytest.mark.qgis_process
def test_cloudmask_with_ukis_csmask_from_qgis_process(shared_data, tmp_path):
    from qgis_process_runner import run_algorithm

    s2 = sorted(str(p) for p in (shared_data / "romania_nrt_forest_3035").glob("s2_*.tif"))[0]
    code, result, output = run_algorithm("s2cloudfree:cloudmask", [("INPUT", s2), ("METHOD", 2),
                                                                   ("OUTPUT_MASK", tmp_path / "mask.tif")])
    assert code == 0, output
    assert "ukis-csmask 4-band L2A model (B02 B03 B04 B08)" in output
    assert read(tmp_path / "mask.tif").shape == (100, 100)


def test_automatic_method_by_product_level(s2cf_provider, shared_data, tmp_path, monkeypatch):
    """METHOD automatic (the default): ukis-csmask on the Level-2A series, s2cloudless on the L1C
    scene, said in the log; mosaic without masks on Level-2A layers uses it too (s2cloudless could not
    run on them: they lack B01, B09, B10)."""
    import processing

    from s2cloudfree.core import mask_method

    belgium = sorted(str(p) for p in (shared_data / "belgium_31UDS_s1s2").glob("s2_*.tif"))[1:4]
    method, why = mask_method.choose_method(belgium[0])
    assert method == "csmask" and why.startswith("Level-2A")
    scene = str(shared_data / "s2cloudless_scene" / "s2_unknown-date.tif")
    assert mask_method.choose_method(scene) == ("s2cloudless", "Level-1C (it has B10)")
    mol = sorted(str(p) for p in (shared_data / "belgium_mol_gfmap_s1s2").glob("s2_*.tif"))[0]
    assert mask_method.choose_method(mol)[0] == "s2cloudless"  # no B02/B03 for ukis-csmask
    monkeypatch.setattr(mask_method, "csmask_installed", lambda: False)
    method, why = mask_method.choose_method(belgium[0])
    assert method == "s2cloudless" and "pip install ukis-csmask onnxruntime" in why
    monkeypatch.undo()

    auto = processing.run("s2cloudfree:cloudmask", {"INPUT": belgium[0], "OUTPUT_MASK": str(tmp_path / "auto.tif")})
    chosen = processing.run("s2cloudfree:cloudmask", {"INPUT": belgium[0], "METHOD": 2,
                                                      "OUTPUT_MASK": str(tmp_path / "csmask.tif")})
    assert np.array_equal(read(auto["OUTPUT_MASK"]), read(chosen["OUTPUT_MASK"]))
    from qgis.core import QgsProcessingFeedback

    class Log(QgsProcessingFeedback):
        lines = []

        def pushInfo(self, info):  # noqa: N802
            self.lines.append(info)

    feedback = Log()
    result = processing.run("s2cloudfree:mosaic", {"S2_LAYERS": belgium, "OUTPUT": str(tmp_path / "mosaic.tif")},
                            feedback=feedback)
    assert read(result["OUTPUT"]).shape == (64, 64)
    assert any("ukis-csmask masks, as the layer is Level-2A" in line for line in feedback.lines), feedback.lines
