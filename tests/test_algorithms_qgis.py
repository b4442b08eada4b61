"""Least cloudy and mosaic run through QGIS Processing (pytest-qgis), on real data."""

import numpy as np
import pytest
import rasterio


def _run(algorithm, params):
    import processing

    return processing.run(algorithm, params)


def test_provider_lists_the_algorithms(s2cf_provider):
    ids = {a.id() for a in s2cf_provider.algorithms()}
    assert {"s2cloudfree:leastcloudy", "s2cloudfree:mosaic", "s2cloudfree:sample"} <= ids


def test_leastcloudy_on_belgium_forwards_the_clearest_date(s2cf_provider, belgium, tmp_path):
    s2, masks = belgium
    out = tmp_path / "lc.tif"
    result = _run("s2cloudfree:leastcloudy", {"S2_LAYERS": s2, "MASK_LAYERS": masks, "OUTPUT": str(out)})
    # the clearest of the twelve dates by its Sen2Cor mask
    coverage = []
    for m in masks:
        with rasterio.open(m) as ds:
            coverage.append(np.mean(ds.read(1) != 0))
    expected = int(np.argmin(coverage))
    assert result["SELECTED_INDEX"] == expected
    with rasterio.open(out) as got, rasterio.open(s2[expected]) as src:
        assert np.array_equal(got.read(), src.read())
        assert got.crs == src.crs and got.transform == src.transform
        assert got.descriptions == src.descriptions


def test_mosaic_on_belgium_is_the_mean_of_clear_observations(s2cf_provider, belgium, tmp_path):
    s2, masks = belgium
    out, count = tmp_path / "mosaic.tif", tmp_path / "count.tif"
    _run("s2cloudfree:mosaic", {"S2_LAYERS": s2, "MASK_LAYERS": masks, "FALLBACK": 0,
                                "OUTPUT": str(out), "OUTPUT_COUNT": str(count)})
    stack = np.stack([rasterio.open(p).read() for p in s2]).astype(np.float64)
    clear = np.stack([rasterio.open(p).read(1) == 0 for p in masks])
    clear &= stack.any(axis=1)
    n = clear.sum(axis=0)
    mean = (stack * clear[:, None]).sum(axis=0) / np.maximum(n, 1)
    with rasterio.open(out) as ds:
        got = ds.read()
        assert ds.nodata == 0
    seen = n > 0
    assert np.array_equal(got[:, seen], np.rint(mean[:, seen]).astype(np.uint16))
    assert (got[:, ~seen] == 0).all()
    with rasterio.open(count) as ds:
        assert np.array_equal(ds.read(1), n)
