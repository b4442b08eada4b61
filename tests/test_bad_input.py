"""Bad input through QGIS Processing (pytest-qgis): every case must fail with a
``QgsProcessingException`` that says what is wrong (naming the layer or file where there
is one), and must leave no output file behind.

The rasters are real GeoTIFFs written with rasterio to ``tmp_path``.
"""

import os

import numpy as np
import pytest
import rasterio
from rasterio.crs import CRS
from rasterio.transform import from_origin

from s2cloudfree.core.bands import TEN_BANDS

UTM31 = CRS.from_epsg(32631)
X0, Y0 = 500000.0, 5600000.0
DATES = ("2020-01-01", "2020-01-02", "2020-01-03")
ALGORITHMS = ("s2cloudfree:leastcloudy", "s2cloudfree:mosaic")


def write_tif(path, data, x0=X0, y0=Y0, res=10.0, nodata=None, descriptions=None):
    data = np.asarray(data)
    if data.ndim == 2:
        data = data[None]
    profile = dict(driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                   dtype=data.dtype, crs=UTM31, transform=from_origin(x0, y0, res, res))
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data)
        for i, text in enumerate(descriptions or [], start=1):
            ds.set_band_description(i, text)
    return str(path)


@pytest.fixture
def series(tmp_path):
    """Three real 10-band uint16 files with masks in tmp_path/in; outputs go to tmp_path/out."""
    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(0)
    s2, masks = [], []
    for d in DATES:
        cube = rng.integers(1, 10000, (10, 40, 40)).astype(np.uint16)
        s2.append(write_tif(folder / f"s2_{d}.tif", cube, nodata=0, descriptions=TEN_BANDS))
        masks.append(write_tif(folder / f"clm_{d}.tif", (rng.random((40, 40)) < 0.4).astype(np.uint8),
                               nodata=255))
    return s2, masks, tmp_path / "out"


def run_fails(algorithm, params, feedback=None):
    """Run ``algorithm`` and return the message of the QgsProcessingException it must raise."""
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        processing.run(algorithm, params, feedback=feedback)
    return str(info.value)


def assert_nothing_written(out):
    """No output and no temporary file: the folder is absent or empty."""
    assert not out.exists() or os.listdir(out) == []


def params(s2, masks, out, **extra):
    p = {"S2_LAYERS": s2, "MASK_LAYERS": masks, "OUTPUT": str(out / "result.tif")}
    p.update(extra)
    return p


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_mask_count_differs_from_s2_count(s2cf_provider, series, algorithm):
    s2, masks, out = series
    message = run_fails(algorithm, params(s2, masks[:2], out))
    assert "2 mask layers" in message and "3 S2 layers" in message
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_mask_on_another_grid(s2cf_provider, series, algorithm, tmp_path):
    s2, masks, out = series
    shifted = write_tif(tmp_path / "in" / "clm_2020-01-02_shifted.tif", np.zeros((40, 40), np.uint8),
                        x0=X0 + 200, y0=Y0 - 100, nodata=255)
    message = run_fails(algorithm, params(s2, [masks[0], shifted, masks[2]], out))
    assert "clm_2020-01-02_shifted.tif" in message and "s2_2020-01-02.tif" in message
    assert "not on the grid" in message
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_extent_without_overlap(s2cf_provider, series, algorithm):
    s2, masks, out = series
    extent = f"{X0 + 5000},{X0 + 6000},{Y0 + 5000},{Y0 + 6000} [EPSG:32631]"
    message = run_fails(algorithm, params(s2, masks, out, EXTENT=extent))
    assert "does not overlap" in message and "s2_2020-01-01.tif" in message
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_mixed_band_counts_without_descriptions(s2cf_provider, tmp_path, algorithm):
    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(1)
    a = write_tif(folder / "s2_2020-01-01.tif", rng.integers(1, 9999, (10, 20, 20)).astype(np.uint16))
    b = write_tif(folder / "s2_2020-01-02.tif", rng.integers(1, 9999, (13, 20, 20)).astype(np.uint16))
    masks = [write_tif(folder / f"clm_{d}.tif", np.zeros((20, 20), np.uint8)) for d in DATES[:2]]
    out = tmp_path / "out"
    message = run_fails(algorithm, params([a, b], masks, out))
    assert "s2_2020-01-02.tif" in message and "13 bands" in message and "descriptions" in message
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_text_file_named_tif(s2cf_provider, series, algorithm):
    s2, masks, out = series
    bad = os.path.join(os.path.dirname(s2[1]), "s2_2020-01-05.tif")
    with open(bad, "w") as f:
        f.write("not a raster, just text\n")
    # QGIS itself may refuse the path before the algorithm runs ('Incorrect parameter value
    # for S2_LAYERS'); either way the run fails and writes nothing.
    message = run_fails(algorithm, params([s2[0], bad, s2[2]], masks, out))
    assert "S2_LAYERS" in message or "s2_2020-01-05.tif" in message
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_truncated_file(s2cf_provider, series, algorithm):
    """A file whose header opens but whose pixels cannot be read: QGIS loads it, our code
    must name it (not dump a traceback) and write nothing."""
    s2, masks, out = series
    big = write_tif(os.path.join(os.path.dirname(s2[0]), "full.tif"),
                    np.random.default_rng(2).integers(1, 9999, (10, 40, 40)).astype(np.uint16),
                    descriptions=TEN_BANDS)
    blob = open(big, "rb").read()
    cut = os.path.join(os.path.dirname(s2[0]), "s2_2020-01-04.tif")
    with open(cut, "wb") as f:
        f.write(blob[: len(blob) // 2])
    os.remove(big)
    message = run_fails(algorithm, params([s2[0], s2[1], cut], masks, out))
    assert "s2_2020-01-04.tif" in message and "cannot be read" in message
    assert "Traceback" not in message
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("which", ["s2", "mask"])
def test_output_equal_to_an_input_is_refused(s2cf_provider, series, algorithm, which):
    s2, masks, out = series
    target = s2[1] if which == "s2" else masks[2]
    before = open(target, "rb").read()
    mtime = os.stat(target).st_mtime_ns
    p = params(s2, masks, out)
    p["OUTPUT"] = target
    message = run_fails(algorithm, p)
    assert os.path.basename(target) in message and "one of the inputs" in message
    assert open(target, "rb").read() == before and os.stat(target).st_mtime_ns == mtime
    assert not [n for n in os.listdir(os.path.dirname(target)) if n.endswith(".partial.tif")]
    assert_nothing_written(out)


def test_mosaic_count_output_equal_to_an_input_is_refused(s2cf_provider, series):
    s2, masks, out = series
    before = open(masks[0], "rb").read()
    message = run_fails("s2cloudfree:mosaic", params(s2, masks, out, OUTPUT_COUNT=masks[0]))
    assert "clm_2020-01-01.tif" in message and "one of the inputs" in message
    assert open(masks[0], "rb").read() == before
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_empty_s2_layers(s2cf_provider, series, algorithm):
    s2, masks, out = series
    message = run_fails(algorithm, params([], masks, out))
    assert "S2_LAYERS" in message
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_all_nodata_series(s2cf_provider, tmp_path, algorithm):
    folder = tmp_path / "in"
    folder.mkdir()
    s2 = [write_tif(folder / f"s2_{d}.tif", np.zeros((10, 30, 30), np.uint16), nodata=0,
                    descriptions=TEN_BANDS) for d in DATES]
    masks = [write_tif(folder / f"clm_{d}.tif", np.zeros((30, 30), np.uint8), nodata=255) for d in DATES]
    out = tmp_path / "out"
    message = run_fails(algorithm, params(s2, masks, out))
    assert "nodata" in message and "Every S2 layer" in message
    assert_nothing_written(out)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_cancel_during_a_run_leaves_no_output(s2cf_provider, series, algorithm):
    from qgis.core import QgsProcessingFeedback

    s2, masks, out = series
    feedback = QgsProcessingFeedback()
    seen = []

    def on_progress(value):
        seen.append(value)
        if value > 0 and not feedback.isCanceled():
            feedback.cancel()

    feedback.progressChanged.connect(on_progress)
    extra = {"OUTPUT_COUNT": str(out / "count.tif")} if algorithm.endswith("mosaic") else {}
    message = run_fails(algorithm, params(s2, masks, out, **extra), feedback=feedback)
    assert feedback.isCanceled() and any(v > 0 for v in seen)
    assert "cancel" in message.lower()
    assert max(seen) < 100
    assert_nothing_written(out)


# -- s2cloudfree:gapfill (a folder output) ------------------------------------------------------

def gapfill_params(s2, masks, out, **extra):
    p = {"S2_LAYERS": s2, "MASK_LAYERS": masks, "OUTPUT_FOLDER": str(out)}
    p.update(extra)
    return p


def test_gapfill_empty_s2_layers(s2cf_provider, series):
    s2, masks, out = series
    message = run_fails("s2cloudfree:gapfill", gapfill_params([], masks, out))
    assert "S2_LAYERS" in message
    assert_nothing_written(out)


def test_gapfill_mask_count_differs_from_s2_count(s2cf_provider, series):
    s2, masks, out = series
    message = run_fails("s2cloudfree:gapfill", gapfill_params(s2, masks[:2], out))
    assert "2 mask layers" in message and "3 S2 layers" in message
    assert_nothing_written(out)


@pytest.mark.parametrize("sigmas, named", [("eight", "'eight' is not a number"), ("8,16,x", "'x' is not a number"),
                                           ("nan", "'nan' is not a number"), ("8,0,32", "positive"),
                                           ("-4", "positive"), (" , ", "no kernel width")])
def test_gapfill_sigmas_that_are_not_positive_numbers(s2cf_provider, series, sigmas, named):
    s2, masks, out = series
    message = run_fails("s2cloudfree:gapfill", gapfill_params(s2, masks, out, SIGMAS=sigmas))
    assert "SIGMAS" in message and named in message
    assert_nothing_written(out)


def test_gapfill_valid_sigmas_with_the_same_series_run(s2cf_provider, series):
    """The counterpart of the cases above: the same series with SIGMAS '4, 12' runs and writes."""
    import processing

    s2, masks, out = series
    result = processing.run("s2cloudfree:gapfill", gapfill_params(s2, masks, out, SIGMAS="4, 12"))
    assert sorted(os.listdir(out)) == sorted(os.path.basename(p) for p in result["OUTPUT_LAYERS"])
    assert len(result["OUTPUT_LAYERS"]) == 3


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_series_mixing_integers_and_floats(s2cf_provider, series, algorithm, tmp_path):
    s2, masks, out = series
    with rasterio.open(s2[1]) as ds:
        floats = (ds.read().astype(np.float32) / 10000)
    s2 = list(s2)
    s2[1] = write_tif(tmp_path / "s2_2020-01-02_float.tif", floats, descriptions=TEN_BANDS)
    message = run_fails(algorithm, params(s2, masks, out))
    assert "mixes integer digital numbers and floating-point reflectance" in message
    assert "s2_2020-01-02_float.tif" in message
    assert_nothing_written(out)


def test_seq2seq_with_an_hh_hv_s1_layer(s2cf_provider, series, tmp_path):
    s2, masks, out = series
    rng = np.random.default_rng(1)
    s1 = write_tif(tmp_path / "s1_2020-01-02.tif", (-15 + 3 * rng.standard_normal((2, 40, 40))).astype(np.float32),
                   descriptions=["Sigma0_HH_db", "Sigma0_HV_db"])
    message = run_fails("s2cloudfree:seq2seq", {"S2_LAYERS": s2, "MASK_LAYERS": masks, "S1_LAYERS": [s1],
                                                "STEPS": 1, "OUTPUT_FOLDER": str(out)})
    assert "S1 layer 1" in message and s1 in message and "HH/HV" in message
    assert_nothing_written(out)


def test_seq2seq_with_an_amplitude_s1_layer(s2cf_provider, series, tmp_path):
    s2, masks, out = series
    rng = np.random.default_rng(2)
    s1 = write_tif(tmp_path / "s1_2020-01-02.tif", rng.integers(20, 900, (2, 40, 40)).astype(np.uint16),
                   descriptions=["VV", "VH"])
    message = run_fails("s2cloudfree:seq2seq", {"S2_LAYERS": s2, "MASK_LAYERS": masks, "S1_LAYERS": [s1],
                                                "STEPS": 1, "OUTPUT_FOLDER": str(out)})
    assert s1 in message and "does not hold Sentinel-1 backscatter" in message and "10 * log10" in message
    assert_nothing_written(out)


def test_mosaic_harmonize_option_reaches_every_layer(s2cf_provider, series, tmp_path):
    """HARMONIZE 'on' removes 1000 DN from every layer (the values are read 1000 lower), 'off' keeps
    them; the output says its scale."""
    import processing

    s2, masks, out = series
    s2 = list(s2)
    for k, path in enumerate(s2):  # values from 2000 DN: none is clipped when 1000 are removed
        with rasterio.open(path) as ds:
            bright = ds.read() // 2 + 2000
        s2[k] = write_tif(tmp_path / os.path.basename(path), bright.astype(np.uint16), nodata=0,
                          descriptions=TEN_BANDS)
    on = processing.run("s2cloudfree:mosaic", params(s2, masks, tmp_path / "on", HARMONIZE=1,
                                                     OUTPUT=str(tmp_path / "on.tif")))
    off = processing.run("s2cloudfree:mosaic", params(s2, masks, tmp_path / "off", HARMONIZE=2,
                                                      OUTPUT=str(tmp_path / "off.tif")))
    with rasterio.open(on["OUTPUT"]) as a, rasterio.open(off["OUTPUT"]) as b:
        x, y = a.read().astype(np.int64), b.read().astype(np.int64)
        assert a.tags()["S2CF_OFFSET_REMOVED_FROM"] == "3 of 3 inputs"
        assert b.tags()["S2CF_OFFSET_REMOVED_FROM"] == "0 of 3 inputs"
    filled = y > 0
    assert filled.mean() > 0.5 and np.abs((y - x)[filled] - 1000).max() <= 1
