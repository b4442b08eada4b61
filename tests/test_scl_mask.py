"""Cloud masks from the Sen2Cor scene classification (SCL): identical to the data sets' own
SCL-derived masks on every date of the four real series, an SCL at 20 m, bad inputs, and the
toolbox / qgis_process runs of cloudmask and cloudmask_series with METHOD = SCL."""

import numpy as np
import pytest
import rasterio

from s2cloudfree.core.errors import InputError
from s2cloudfree.core.reporting import SilentReporter
from s2cloudfree.core.scl_mask import compute_scl_mask, parse_classes, scl_to_classes, scl_to_mask

SITES = ("belgium_31UDS_s1s2", "romania_nrt_forest_3035", "belgium_antwerp_gfmap_s2", "belgium_mol_gfmap_s1s2")


def read(path):
    with rasterio.open(path) as ds:
        return ds.read(1)


def test_every_scl_of_the_real_series_gives_the_data_sets_masks(shared_data, tmp_path):
    """The data sets' clm files are 1 for SCL 3, 8, 9, 10, 255 for SCL 0 or all-zero bands, else 0:
    the default classes with the S2 layer beside the SCL give them pixel for pixel (289 dates)."""
    dates = 0
    for site in SITES:
        for scl in sorted((shared_data / site).glob("scl_*.tif")):
            s2 = str(scl).replace("/scl_", "/s2_")
            out = tmp_path / f"{scl.name}"
            result = compute_scl_mask(str(scl), str(out), s2, reporter=SilentReporter())
            expected = read(str(scl).replace("/scl_", "/clm_"))
            assert np.array_equal(read(out), expected), scl
            assert result["cloud_pixels"] == int((expected == 1).sum())
            dates += 1
    assert dates == 118 + 140 + 19 + 12
    with rasterio.open(out) as ds:
        assert ds.nodata == 255 and ds.tags()["SCL_NOT_CLEAR_CLASSES"] == "3,8,9,10"


def test_classes_extent_and_an_scl_at_20_m(shared_data, tmp_path):
    folder = shared_data / "belgium_31UDS_s1s2"
    scl_path = sorted(folder.glob("scl_*.tif"))[1]  # 2017-08-14, partly cloudy
    s2_path = str(scl_path).replace("/scl_", "/s2_")
    scl = read(scl_path)
    # snow and saturated pixels counted too; without the S2 layer only class 0 is nodata
    out = tmp_path / "classes.tif"
    compute_scl_mask(str(scl_path), str(out), classes="3, 8 9;10,11,1", reporter=SilentReporter())
    assert np.array_equal(read(out), scl_to_mask(scl, (1, 3, 8, 9, 10, 11)))
    # the classes raster keeps the kinds apart whatever counts as not clear
    result = compute_scl_mask(str(scl_path), str(tmp_path / "m.tif"), s2_path, classes="8,9",
                              classes_path=str(tmp_path / "kinds.tif"), reporter=SilentReporter())
    kinds, mask = read(tmp_path / "kinds.tif"), read(tmp_path / "m.tif")
    assert result["classes_path"] == str(tmp_path / "kinds.tif")
    assert np.array_equal(kinds == 1, np.isin(scl, (8, 9)) & (mask != 255))
    assert np.array_equal(kinds == 2, (scl == 3) & (mask != 255))
    assert np.array_equal(kinds == 3, (scl == 10) & (mask != 255))
    assert np.array_equal(kinds == 4, (scl == 11) & (mask != 255))
    assert np.array_equal(kinds == 255, mask == 255)
    assert (kinds == 1).any() and (kinds == 3).any() and ((mask == 1) == (kinds == 1)).all()
    assert np.array_equal(scl_to_classes(np.array([[0, 3, 4, 8, 9, 10, 11, 7]]), np.array([[255] + [0] * 7])),
                          np.array([[255, 2, 0, 1, 1, 3, 4, 0]]))
    # a region of interest: the same pixels of the same mask
    with rasterio.open(s2_path) as ds:
        t = ds.transform
    extent = (t.c + 10.25 * t.a, t.f + 40.75 * t.e, t.c + 30.75 * t.a, t.f + 20.25 * t.e)
    compute_scl_mask(str(scl_path), str(tmp_path / "roi.tif"), s2_path, extent=extent, reporter=SilentReporter())
    assert np.array_equal(read(tmp_path / "roi.tif"), scl_to_mask(scl)[20:41, 10:31])
    # the SCL as Sen2Cor writes it, at 20 m: each 10 m pixel gets the class of the 20 m pixel it lies in
    coarse = scl[::2, ::2]
    with rasterio.open(scl_path) as ds:
        profile = ds.profile.copy()
    profile.update(width=32, height=32, transform=t * t.scale(2, 2), blockxsize=32, blockysize=32)
    coarse_path = tmp_path / "scl_2017-08-14.tif"
    with rasterio.open(coarse_path, "w", **profile) as ds:
        ds.write(coarse, 1)
    reporter = SilentReporter()
    compute_scl_mask(str(coarse_path), str(tmp_path / "from20m.tif"), s2_path, reporter=reporter)
    expected = scl_to_mask(np.repeat(np.repeat(coarse, 2, axis=0), 2, axis=1))
    assert np.array_equal(read(tmp_path / "from20m.tif"), expected)
    assert any("resampled onto" in m and "nearest neighbour" in m for m in reporter.messages)


def test_bad_scl_inputs(shared_data, tmp_path):
    folder = shared_data / "belgium_31UDS_s1s2"
    scl = sorted(folder.glob("scl_*.tif"))
    s2 = [str(p).replace("/scl_", "/s2_") for p in scl]
    with pytest.raises(InputError, match="SCL_CLASSES: 12 is not a Sen2Cor class"):
        parse_classes("3,12")
    with pytest.raises(InputError, match="'cloud' is not a class number"):
        parse_classes("3,cloud")
    with pytest.raises(InputError, match="has 10 bands; a Sen2Cor scene classification"):
        compute_scl_mask(s2[0], str(tmp_path / "a.tif"), reporter=SilentReporter())
    with pytest.raises(InputError, match="is of 2017-08-04 but the Sentinel-2 layer .* of 2017-08-14"):
        compute_scl_mask(str(scl[0]), str(tmp_path / "b.tif"), s2[1], reporter=SilentReporter())
    with pytest.raises(InputError, match="input"):
        compute_scl_mask(str(scl[0]), str(scl[0]), reporter=SilentReporter())
    assert not (tmp_path / "a.tif").exists() and not (tmp_path / "b.tif").exists()


def test_cloudmask_and_cloudmask_series_with_the_scl_in_the_toolbox(s2cf_provider, shared_data, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    folder = shared_data / "romania_nrt_forest_3035"
    scl = [str(p) for p in sorted(folder.glob("scl_*.tif"))[:4]]
    s2 = [p.replace("/scl_", "/s2_") for p in scl]
    clm = [p.replace("/scl_", "/clm_") for p in scl]
    result = processing.run("s2cloudfree:cloudmask", {"INPUT": s2[0], "METHOD": 1, "SCL": scl[0],
                                                      "OUTPUT_MASK": str(tmp_path / "one.tif"),
                                                      "OUTPUT_CLASSES": str(tmp_path / "kinds.tif")})
    assert np.array_equal(read(result["OUTPUT_MASK"]), read(clm[0]))
    assert np.array_equal(read(result["OUTPUT_CLASSES"]), scl_to_classes(read(scl[0]), read(clm[0])))
    assert result["CLOUD_FRACTION"] == pytest.approx(float((read(clm[0]) == 1).sum() / (read(clm[0]) != 255).sum()))
    series = processing.run("s2cloudfree:cloudmask_series", {"S2_LAYERS": s2, "METHOD": 1, "SCL_LAYERS": scl,
                                                             "OUTPUT_FOLDER": str(tmp_path / "masks")})
    assert len(series["MASK_LAYERS"]) == 4
    for made, expected in zip(series["MASK_LAYERS"], clm):
        assert np.array_equal(read(made), read(expected))
    with pytest.raises(QgsProcessingException, match="no SCL layer was given"):
        processing.run("s2cloudfree:cloudmask", {"INPUT": s2[0], "METHOD": 1, "OUTPUT_MASK": str(tmp_path / "x.tif")})
    with pytest.raises(QgsProcessingException, match="3 scene classification layers were given for 4"):
        processing.run("s2cloudfree:cloudmask_series", {"S2_LAYERS": s2, "METHOD": 1, "SCL_LAYERS": scl[:3],
                                                        "OUTPUT_FOLDER": str(tmp_path / "none")})
    assert not (tmp_path / "x.tif").exists()


@pytest.mark.qgis_process
def test_cloudmask_series_with_the_scl_from_qgis_process(shared_data, tmp_path):
    from qgis_process_runner import run_algorithm

    folder = shared_data / "belgium_antwerp_gfmap_s2"
    scl = [str(p) for p in sorted(folder.glob("scl_*.tif"))[:3]]
    s2 = [p.replace("/scl_", "/s2_") for p in scl]
    code, result, output = run_algorithm("s2cloudfree:cloudmask_series", [("S2_LAYERS", p) for p in s2]
                                         + [("SCL_LAYERS", p) for p in scl]
                                         + [("METHOD", 1), ("SCL_CLASSES", "3,8,9,10"),
                                            ("OUTPUT_FOLDER", tmp_path / "masks")])
    assert code == 0, output
    made = result["results"]["MASK_LAYERS"]
    assert len(made) == 3
    for path, scl_path in zip(made, scl):
        assert np.array_equal(read(path), read(scl_path.replace("/scl_", "/clm_")))
