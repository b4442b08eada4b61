"""The +1000 DN offset of processing baseline 04.00 in every algorithm (core.baseline_offset): a real
series written once as it is and once with the offset on some dates gives the same results.

Real data: four dates of the Belgian L2A series (../shared/data/belgium_31UDS_s1s2) and the
already-harmonised 2023 Antwerp series; the shifted copies are written to tmp_path.
"""

import os

import numpy as np
import pytest
import rasterio

from s2cloudfree.core import baseline_offset as bo
from s2cloudfree.core.raster_info import describe_raster
from s2cloudfree.core.reporting import SilentReporter
from s2cloudfree.core.windows import Window

DATES = ("2017-08-24", "2017-08-27", "2017-09-03", "2017-09-06")


def _shifted_copy(src, dst, tags=None, name_date=None):
    """``src`` with +1000 DN on its valid pixels (nodata 0 stays 0), written to ``dst``."""
    with rasterio.open(src) as ds:
        profile, data, descriptions = ds.profile, ds.read(), ds.descriptions
        source_tags = ds.tags()
    valid = data.any(axis=0)
    shifted = np.where(valid[None], np.clip(data.astype(np.int64) + 1000, 0, 65535), 0).astype(data.dtype)
    with rasterio.open(dst, "w", **profile) as ds:
        ds.write(shifted)
        for k, text in enumerate(descriptions, start=1):
            ds.set_band_description(k, text)
        merged = {k: v for k, v in source_tags.items() if k != "acquisition"}
        merged.update(tags or {})
        if merged:
            ds.update_tags(**merged)
    return str(dst)


@pytest.fixture(scope="module")
def series(shared_data, tmp_path_factory):
    """(original S2 paths, masks, the same series with dates 2 and 3 carrying the baseline-04 offset
    and its metadata)."""
    folder = shared_data / "belgium_31UDS_s1s2"
    s2 = [str(folder / f"s2_{d}.tif") for d in DATES]
    masks = [str(folder / f"clm_{d}.tif") for d in DATES]
    out = tmp_path_factory.mktemp("baseline04")
    mixed = list(s2)
    for k in (1, 2):
        mixed[k] = _shifted_copy(s2[k], out / os.path.basename(s2[k]),
                                 {"BOA_ADD_OFFSET": "-1000", "PROCESSING_BASELINE": "04.00"})
    return s2, masks, mixed


def _read(path):
    with rasterio.open(path) as ds:
        return ds.read(), ds.tags()


def test_every_layer_is_read_on_the_pre_2022_scale(series):
    from s2cloudfree.core.time_series import open_time_series

    s2, masks, mixed = series
    reporter = SilentReporter()
    a = open_time_series(s2, masks)
    b = open_time_series(mixed, masks, reporter=reporter)
    assert [bool(o) for o in b.offsets] == [False, True, True, False]
    assert any("offset removed from 2 of 4" in m for m in reporter.messages)
    assert any("1000 DN removed: metadata BOA_ADD_OFFSET = -1000" in line for line in b.describe())
    window = Window(0, 0, a.grid.height, a.grid.width)
    for ra, rb in zip(a.observation_readers(), b.observation_readers()):
        oa, ob = ra.read(window), rb.read(window)
        assert np.array_equal(oa.data, ob.data) and np.array_equal(oa.clear, ob.clear)
    off = open_time_series(mixed, masks, harmonize="off")
    assert not any(off.offsets)


def test_mosaic_least_cloudy_and_gapfill_give_the_same_results(series, tmp_path):
    from s2cloudfree.core.gapfill_files import gapfill
    from s2cloudfree.core.least_cloudy import least_cloudy
    from s2cloudfree.core.mosaic import mosaic

    s2, masks, mixed = series
    for name, paths in (("plain", s2), ("mixed", mixed)):
        mosaic(paths, masks, str(tmp_path / f"mosaic_{name}.tif"), reporter=SilentReporter())
        least_cloudy(paths, masks, str(tmp_path / f"lc_{name}.tif"), reporter=SilentReporter())
        gapfill(paths, masks, str(tmp_path / f"gap_{name}"), reporter=SilentReporter(), estimate=False)
    plain, tags = _read(tmp_path / "mosaic_plain.tif")
    mixed_mosaic, mixed_tags = _read(tmp_path / "mosaic_mixed.tif")
    assert np.array_equal(plain, mixed_mosaic)
    assert mixed_tags[bo.OUTPUT_TAG] == bo.OUTPUT_TAG_TEXT and mixed_tags["S2CF_OFFSET_REMOVED_FROM"] == "2 of 4 inputs"
    lc_plain, _ = _read(tmp_path / "lc_plain.tif")
    lc_mixed, lc_tags = _read(tmp_path / "lc_mixed.tif")
    assert np.array_equal(lc_plain, lc_mixed)
    assert lc_tags.get("BOA_ADD_OFFSET", "0") == "0"   # the copied metadata no longer claims an offset
    for d in DATES:
        a, _ = _read(tmp_path / "gap_plain" / f"s2_{d}_gapfilled.tif")
        b, _ = _read(tmp_path / "gap_mixed" / f"s2_{d}_gapfilled.tif")
        assert np.array_equal(a, b), d


def test_network_inputs_are_the_same(series):
    """seq2seq reads through the time series (above); seq2point through its own source."""
    from s2cloudfree.core import seq2point as s2p
    from s2cloudfree.core.grid_reader import BILINEAR, GridReader
    from s2cloudfree.core.time_series import open_time_series

    s2, masks, mixed = series
    sources = []
    for paths in (s2, mixed):
        ts = open_time_series(paths, masks)
        readers = [GridReader(item, ts.grid, BILINEAR, bands=ts.band_indexes[k]) for k, item in enumerate(ts.items)]
        sources.append(s2p.RasterSource(readers, [], 1.0, ts.offsets))
    window = Window(0, 0, 64, 64)
    a, b = (source.read(window) for source in sources)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[2], b[2])
    from s2cloudfree.core.evaluation_protocol import load_series

    x, y = load_series(s2, masks), load_series(mixed, masks)
    assert np.array_equal(x.data, y.data)


def test_without_metadata_the_values_and_the_date_decide(series, shared_data, tmp_path):
    s2, masks, mixed = series
    # 2023 names, the offset in the values, no metadata: found from the values
    late = _shifted_copy(s2[0], tmp_path / "s2_2023-05-04.tif")
    offset = bo.layer_offset(describe_raster(late))
    assert offset.removed_dn == 1000 and "no valid value below 1000 DN" in offset.reason
    # the same values named 2017: before the baseline, nothing removed
    early = _shifted_copy(s2[0], tmp_path / "s2_2017-08-24.tif")
    assert not bo.layer_offset(describe_raster(early))
    # the real series of 2023 (Antwerp, Mol) come harmonised: no offset on any date, also on the
    # cloudy dates that have no value below 1000 DN (the clear dates of the series show it)
    for site in ("belgium_antwerp_gfmap_s2", "belgium_mol_gfmap_s1s2"):
        infos = [describe_raster(str(p)) for p in sorted((shared_data / site).glob("s2_*.tif"))]
        decisions = bo.series_offsets(infos)
        assert len(decisions) >= 12 and not any(decisions), site
        assert any("no value below 1000 DN (cloud, probably)" in d.reason for d in decisions), site
        # alone, such a cloudy date would be taken for one with the offset (the weakness of one layer)
        cloudy = next(i for i, d in zip(infos, decisions) if "cloud, probably" in d.reason)
        assert bo.layer_offset(cloudy)
    # HARMONIZE on / off override everything; a bad choice is refused by name
    assert bo.layer_offset(describe_raster(s2[0]), "on").removed_dn == 1000
    assert not bo.layer_offset(describe_raster(str(late)), "off")
    with pytest.raises(Exception, match="HARMONIZE"):
        bo.layer_offset(describe_raster(s2[0]), "maybe")


def test_outputs_are_not_shifted_twice(series, tmp_path):
    """An S2 CloudFree output fed back in is recognised as already on the pre-2022 scale."""
    from s2cloudfree.core.mosaic import mosaic

    s2, masks, mixed = series
    out = tmp_path / "mosaic.tif"
    mosaic(mixed, masks, str(out), reporter=SilentReporter())
    offset = bo.layer_offset(describe_raster(str(out)))
    assert not offset and "S2 CloudFree output" in offset.reason
