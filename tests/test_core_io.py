"""Core I/O and the two baselines, without QGIS: dates, bands, grids, windows, the GeoTIFF
writer, validity, time series, resampling, extents, least cloudy and mosaic.

Every raster here is a real GeoTIFF written with rasterio to ``tmp_path``; the Belgium
series is read from ../shared/data through the ``belgium`` fixture.
"""

import datetime as dt
import math
import os

import numpy as np
import pytest
import rasterio
from rasterio.crs import CRS
from rasterio.enums import Compression
from rasterio.transform import from_origin

from s2cloudfree.core.bands import L1C_BANDS, L2A_BANDS, TEN_BANDS, band_layout, normalise_band_name
from s2cloudfree.core.dates import acquisition_date, date_from_metadata, date_from_name
from s2cloudfree.core.errors import CancelledError, InputError
from s2cloudfree.core.grid import Grid
from s2cloudfree.core.least_cloudy import least_cloudy
from s2cloudfree.core.mosaic import mosaic
from s2cloudfree.core.raster_info import describe_raster
from s2cloudfree.core.raster_writer import GeoTiffWriter, check_output_path
from s2cloudfree.core.reporting import SilentReporter
from s2cloudfree.core.time_series import open_time_series
from s2cloudfree.core.validity import valid_pixels
from s2cloudfree.core.windows import Window, plan_windows

UTM31 = CRS.from_epsg(32631)
X0, Y0, RES = 500000.0, 5600000.0, 10.0


# --------------------------------------------------------------------------- helpers
def write_tif(path, data, crs=UTM31, transform=None, nodata=None, descriptions=None, tags=None):
    """Write ``data`` (bands x rows x cols) as a GeoTIFF and return its path as str."""
    data = np.asarray(data)
    if data.ndim == 2:
        data = data[None]
    profile = dict(driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                   dtype=data.dtype, crs=crs, transform=transform or from_origin(X0, Y0, RES, RES))
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data)
        for i, text in enumerate(descriptions or [], start=1):
            ds.set_band_description(i, text)
        if tags:
            ds.update_tags(**tags)
    return str(path)


def read(path):
    with rasterio.open(path) as ds:
        return ds.read()


def folder_files(folder):
    return sorted(os.listdir(folder))


def series_on_disk(folder, dates, data, masks, descriptions=TEN_BANDS, nodata=None):
    """Write one S2 file and one mask file per date; returns (s2 paths, mask paths)."""
    s2, mk = [], []
    for d, cube, mask in zip(dates, data, masks):
        s2.append(write_tif(folder / f"s2_{d}.tif", cube, descriptions=descriptions, nodata=nodata))
        mk.append(write_tif(folder / f"clm_{d}.tif", mask.astype(np.uint8), nodata=255))
    return s2, mk


def random_series(n_dates=4, height=200, width=150, bands=10, seed=0, cloud=0.5):
    """uint16 DN cubes (dates x bands x rows x cols) in 1..10000 and random cloud masks."""
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 10001, size=(n_dates, bands, height, width)).astype(np.uint16)
    masks = (rng.random((n_dates, height, width)) < cloud).astype(np.uint8)
    return data, masks


def expected_mosaic(data, clear):
    """Float64 mean over clear dates and the count (the reference the tests compare with)."""
    data = data.astype(np.float64)
    n = clear.sum(axis=0)
    total = (data * clear[:, None]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
    return mean, n


# --------------------------------------------------------------------------- dates
@pytest.mark.parametrize("name, expected", [
    ("2018-01-03.tif", dt.date(2018, 1, 3)),
    ("s2_2017-08-04.tif", dt.date(2017, 8, 4)),
    ("scene_20170804.tif", dt.date(2017, 8, 4)),
    ("S2A_MSIL1C_20170105T013442_N0204_R031_T53NMJ_20170105T013443.SAFE", dt.date(2017, 1, 5)),
    ("S2B_MSIL2A_20190311T104019_N0211_R008_T31UDS_20190311T134510.SAFE", dt.date(2019, 3, 11)),
    ("L1C_T31UDS_A012345_20170804T104021", dt.date(2017, 8, 4)),
    ("T31UDS_20170804T103021_B02.jp2", dt.date(2017, 8, 4)),
    ("s2_ROIs1868_100_ImgNo_0_2018-01-03_patch_12.tif", dt.date(2018, 1, 3)),
    ("/some/where/2019_12_31_export.tif", dt.date(2019, 12, 31)),
])
def test_date_from_name(name, expected):
    value, source = date_from_name(name)
    assert value == expected
    assert source


@pytest.mark.parametrize("name", [
    "image.tif",
    "s2_ROIs1868_100_ImgNo_0_patch_12.tif",
    "scene_20171345.tif",  # month 13
    "scene_2017-02-30.tif",  # 30 February
    "T31UDS_20171345T103021_B02.jp2",
    "scene_18500101.tif",  # before any satellite
    "id_1201708041.tif",  # ten digits: not a YYYYMMDD
])
def test_names_without_a_valid_date_give_none(name):
    assert date_from_name(name) == (None, None)


def test_invalid_date_is_skipped_for_a_later_valid_one():
    value, _ = date_from_name("x_20171345_20170804.tif")
    assert value == dt.date(2017, 8, 4)


def test_date_from_metadata_keys():
    assert date_from_metadata({"ACQUISITION_DATE": "2017-08-04"})[0] == dt.date(2017, 8, 4)
    assert date_from_metadata({"acquisition": "2017-08-04T10:53:28"})[0] == dt.date(2017, 8, 4)
    assert date_from_metadata({"SENSING_TIME": "2017:08:04 10:53:28"})[0] == dt.date(2017, 8, 4)
    assert date_from_metadata({"ACQUISITION_DATE": "2017-13-45"}) == (None, None)
    assert date_from_metadata({"TIFFTAG_DATETIME": "2017:08:04 10:53:28"}) == (None, None)  # file time
    assert date_from_metadata({}) == (None, None)
    assert date_from_metadata(None) == (None, None)


def test_date_from_the_belgium_acquisition_tag(belgium):
    s2, _ = belgium
    with rasterio.open(s2[0]) as ds:
        tags = ds.tags()
    assert "acquisition" in tags
    value, source = date_from_metadata(tags)
    assert value == dt.date(2017, 8, 4)
    assert "ACQUISITION" in source
    info = describe_raster(s2[0], role="S2 layer 1")
    assert info.date == dt.date(2017, 8, 4)


def test_metadata_date_is_used_when_the_name_has_none(tmp_path, belgium):
    s2, _ = belgium
    with rasterio.open(s2[3]) as ds:
        tags = ds.tags()  # the real tag of 2017-08-27, on a small file of our own
    a = write_tif(tmp_path / "no_date_a.tif", np.ones((1, 4, 4), np.uint16), tags=tags)
    b = write_tif(tmp_path / "no_date_b.tif", np.ones((1, 4, 4), np.uint16),
                  tags={"ACQUISITION_DATE": "2020-05-06"})
    assert describe_raster(a).date == dt.date(2017, 8, 27)
    info = describe_raster(b)
    assert info.date == dt.date(2020, 5, 6) and info.date_source == "metadata ACQUISITION_DATE"
    # the file name wins over the metadata
    c = write_tif(tmp_path / "s2_2021-01-02.tif", np.ones((1, 4, 4), np.uint16),
                  tags={"ACQUISITION_DATE": "2020-05-06"})
    assert acquisition_date(c, {"ACQUISITION_DATE": "2020-05-06"})[0] == dt.date(2021, 1, 2)
    assert describe_raster(c).date == dt.date(2021, 1, 2)


# --------------------------------------------------------------------------- bands
@pytest.mark.parametrize("text, name", [
    ("B02", "B02"), ("B2", "B02"), ("b_02", "B02"), ("Band 4", "B04"), ("B8A", "B8A"),
    ("B08A", "B8A"), ("Band 8A (narrow NIR)", "B8A"), ("B8", "B08"), ("B08", "B08"),
    ("B10", "B10"), ("B12 SWIR", "B12"), ("B13", None), ("Blue", None), ("", None), (None, None),
])
def test_normalise_band_name(text, name):
    assert normalise_band_name(text) == name


def test_band_layout_from_descriptions_keeps_file_order():
    names = ["B8A", "B02", "B12", "B03"]
    layout = band_layout(names, 4)
    assert layout.names == tuple(names) and layout.source == "descriptions" and layout.known
    assert layout.index_of("B8A") == 0 and layout.index_of("B08") is None
    assert layout.missing(["B02", "B08", "B8A", "B11"]) == ["B08", "B11"]


@pytest.mark.parametrize("count, names", [(13, L1C_BANDS), (12, L2A_BANDS), (10, TEN_BANDS)])
def test_band_layout_assumed_from_count(count, names):
    layout = band_layout([None] * count, count)
    assert layout.names == names and layout.source == "assumed from band count" and layout.known
    assert "B8A" in layout.names


def test_band_layout_unknown_and_duplicates():
    layout = band_layout([], 5)
    assert layout.source == "unknown" and not layout.known
    assert layout.names == ("band 1", "band 2", "band 3", "band 4", "band 5")
    # duplicated or partial descriptions are not trusted: fall back to the band count
    dup = band_layout(["B02", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11"], 10)
    assert dup.source == "assumed from band count"
    partial = band_layout(["B02", "", "B04"], 3)
    assert partial.source == "unknown"


# --------------------------------------------------------------------------- grid
def make_grid(width=64, height=48, x0=X0, y0=Y0, res=RES, crs=UTM31):
    return Grid(crs, from_origin(x0, y0, res, res), width, height)


def test_crop_snaps_outwards_to_whole_pixels():
    grid = make_grid()
    # columns 2.5 .. 10.2 and rows 3.3 .. 7.9 -> cols 2..11, rows 3..8
    bounds = (X0 + 25, Y0 - 79, X0 + 102, Y0 - 33)
    sub = grid.crop(bounds)
    assert (sub.width, sub.height) == (9, 5)
    assert sub.transform.c == X0 + 20 and sub.transform.f == Y0 - 30
    assert sub.res == (RES, RES) and sub.crs == grid.crs
    assert sub.pixel_offset_in(grid) == (3, 2)
    # exact pixel edges are not grown
    exact = grid.crop((X0 + 20, Y0 - 80, X0 + 110, Y0 - 30))
    assert (exact.width, exact.height) == (9, 5)


def test_crop_is_clipped_to_the_grid_and_none_without_overlap():
    grid = make_grid()
    big = grid.crop((X0 - 1000, Y0 - 100000, X0 + 55, Y0 + 1000))
    assert (big.width, big.height) == (6, 48) and big.pixel_offset_in(grid) == (0, 0)
    assert grid.crop((X0 + 1000, Y0 + 10, X0 + 2000, Y0 + 500)) is None  # north of it
    assert grid.crop((X0 + 640, Y0 - 480, X0 + 700, Y0)) is None  # touches the east edge only
    assert grid.crop((X0 - 100, Y0 - 100, X0 - 50, Y0 - 50)) is None


def test_pixel_offset_in_aligned_and_misaligned():
    big = make_grid(100, 100)
    assert make_grid(10, 10, X0 + 30, Y0 - 70).pixel_offset_in(big) == (7, 3)
    assert make_grid(10, 10, X0 - 20, Y0 + 10).pixel_offset_in(big) == (-1, -2)
    assert make_grid(10, 10, X0 + 5, Y0).pixel_offset_in(big) is None  # half a pixel
    assert make_grid(10, 10, X0, Y0 - 5).pixel_offset_in(big) is None
    assert make_grid(10, 10, res=20).pixel_offset_in(big) is None  # other pixel size
    assert make_grid(10, 10, crs=CRS.from_epsg(32632)).pixel_offset_in(big) is None  # other CRS
    assert make_grid(10, 10, crs=None).pixel_offset_in(big) is None
    assert make_grid(10, 10, crs=None).pixel_offset_in(make_grid(5, 5, crs=None)) == (0, 0)
    assert big.equals(make_grid(100, 100)) and not big.equals(make_grid(99, 100))


# --------------------------------------------------------------------------- windows
@pytest.mark.parametrize("height, width, bpp, memory_mb, overlap", [
    (200, 150, 100, 512, 0),  # one window
    (1000, 700, 40, 16, 0),  # full-width strips
    (1000, 700, 100, 1, 0),  # square tiles
    (1000, 700, 100, 1, 16),  # tiles with overlap
    (1000, 700, 400, 1, 16),  # budget below the smallest window: minimum-size tiles
    (513, 1031, 300, 2, 8),  # ragged edges with overlap
    (37, 5000, 64, 1, 4),  # short and very wide
    (3000, 20, 64, 1, 0),  # tall and narrow
])
def test_plan_windows_covers_every_pixel_once_within_budget(height, width, bpp, memory_mb, overlap):
    steps = plan_windows(height, width, bpp, memory_mb, overlap=overlap)
    hits = np.zeros((height, width), dtype=np.int32)
    budget_px = memory_mb * 1024 * 1024 / bpp
    for k, step in enumerate(steps):
        read, core, inner = step.read, step.core, step.inner
        assert step.index == k
        hits[core.row_off:core.row_off + core.height, core.col_off:core.col_off + core.width] += 1
        # the read window is the core grown by the overlap, clipped at the grid edges
        assert read.row_off == max(0, core.row_off - overlap)
        assert read.col_off == max(0, core.col_off - overlap)
        assert read.row_off + read.height == min(height, core.row_off + core.height + overlap)
        assert read.col_off + read.width == min(width, core.col_off + core.width + overlap)
        assert (inner.row_off, inner.col_off) == (core.row_off - read.row_off, core.col_off - read.col_off)
        assert (inner.height, inner.width) == (core.height, core.width)
        # within the budget, unless the budget is below the smallest window (64 px + overlap)
        assert read.height * read.width <= max(budget_px, (64 + 2 * overlap) ** 2)
    assert (hits == 1).all()
    if height * width > budget_px:
        assert len(steps) > 1


def test_plan_windows_overlap_is_present_inside_and_clipped_at_edges():
    steps = plan_windows(700, 700, 400, 1, overlap=10)
    assert len(steps) > 4
    first, last = steps[0], steps[-1]
    assert first.read.row_off == 0 and first.read.col_off == 0  # clipped at top/left
    assert last.read.row_off + last.read.height == 700 and last.read.col_off + last.read.width == 700
    inside = [s for s in steps if s.core.row_off > 0 and s.core.col_off > 0]
    assert inside and all(s.inner.row_off == 10 and s.inner.col_off == 10 for s in inside)


# --------------------------------------------------------------------------- writer
def test_writer_keeps_georeferencing_and_writes_a_tiled_compressed_file(tmp_path):
    grid = Grid(UTM31, from_origin(X0 + 20, Y0 - 30, RES, RES), 300, 260)
    data = np.random.default_rng(1).integers(0, 10000, (3, 260, 300)).astype(np.uint16)
    path = tmp_path / "out.tif"
    steps = plan_windows(260, 300, 300, 1)
    assert len(steps) > 4
    with GeoTiffWriter(path, grid, 3, "uint16", nodata=0, descriptions=["B02", "B03", "B04"],
                       tags={"S2CF_TEST": "yes"}) as writer:
        for step in steps:
            rows, cols = slice(step.core.row_off, step.core.row_off + step.core.height), \
                slice(step.core.col_off, step.core.col_off + step.core.width)
            writer.write(data[:, rows, cols], step.core)
    with rasterio.open(path) as ds:
        assert ds.crs == UTM31 and ds.transform == grid.transform
        assert (ds.width, ds.height, ds.count) == (300, 260, 3)
        assert ds.nodata == 0 and ds.dtypes == ("uint16",) * 3
        assert ds.descriptions == ("B02", "B03", "B04")
        assert ds.tags()["S2CF_TEST"] == "yes"
        assert ds.profile["tiled"] and ds.block_shapes[0] == (256, 256)
        assert ds.compression == Compression.deflate
        assert np.array_equal(ds.read(), data)
    assert folder_files(tmp_path) == ["out.tif"]


def test_writer_writes_to_a_temporary_name_and_renames(tmp_path):
    grid = make_grid(16, 8)
    path = tmp_path / "result.tif"
    with GeoTiffWriter(path, grid, 1, "float32", nodata=float("nan")) as writer:
        writer.write(np.full((8, 16), 0.25, np.float32), Window(0, 0, 8, 16))
        during = folder_files(tmp_path)
        assert "result.tif" not in during
        assert len(during) == 1
        assert during[0].startswith(".result.tif.") and during[0].endswith(".partial.tif")
    assert folder_files(tmp_path) == ["result.tif"]
    with rasterio.open(path) as ds:
        assert math.isnan(ds.nodata) and (ds.read(1) == 0.25).all()


def test_writer_exception_leaves_no_output_and_no_temporary_file(tmp_path):
    grid = make_grid(16, 8)
    with pytest.raises(RuntimeError):
        with GeoTiffWriter(tmp_path / "new.tif", grid, 1, "uint16") as writer:
            writer.write(np.ones((8, 16), np.uint16), Window(0, 0, 8, 16))
            raise RuntimeError("stop")
    assert folder_files(tmp_path) == []


def test_writer_exception_leaves_an_existing_destination_untouched(tmp_path):
    old = write_tif(tmp_path / "keep.tif", np.full((1, 4, 4), 7, np.uint16))
    before = open(old, "rb").read()
    with pytest.raises(CancelledError):
        with GeoTiffWriter(old, make_grid(16, 8), 1, "uint16") as writer:
            writer.write(np.ones((8, 16), np.uint16), Window(0, 0, 8, 16))
            raise CancelledError()
    assert open(old, "rb").read() == before
    assert folder_files(tmp_path) == ["keep.tif"]


def test_writer_that_cannot_open_leaves_no_temporary_file(tmp_path):
    with pytest.raises(Exception):
        with GeoTiffWriter(tmp_path / "bad.tif", make_grid(16, 8), 1, "uint8", nodata=-1):
            pass  # nodata out of the range of uint8: the file cannot be created
    assert folder_files(tmp_path) == []


def test_writer_onto_a_folder_fails_cleanly(tmp_path):
    (tmp_path / "taken.tif").mkdir()
    with pytest.raises(InputError, match="taken.tif"):
        with GeoTiffWriter(tmp_path / "taken.tif", make_grid(16, 8), 1, "uint16") as writer:
            writer.write(np.ones((8, 16), np.uint16), Window(0, 0, 8, 16))
    assert folder_files(tmp_path) == ["taken.tif"] and (tmp_path / "taken.tif").is_dir()


def test_check_output_path_refuses_inputs(tmp_path):
    src = write_tif(tmp_path / "in.tif", np.ones((1, 4, 4), np.uint16))
    with pytest.raises(InputError, match="in.tif"):
        check_output_path(src, [src])
    # another spelling of the same file
    with pytest.raises(InputError, match="one of the inputs"):
        check_output_path(str(tmp_path / "sub" / ".." / "in.tif"), [src])
    os.symlink(src, tmp_path / "link.tif")
    with pytest.raises(InputError, match="one of the inputs"):
        check_output_path(str(tmp_path / "link.tif"), [src])
    with pytest.raises(InputError):
        check_output_path("", [src])
    check_output_path(str(tmp_path / "new" / "out.tif"), [src])  # creates the folder
    assert (tmp_path / "new").is_dir()
    with pytest.raises(InputError, match="folder"):
        check_output_path(str(tmp_path), [src])


# --------------------------------------------------------------------------- validity
def test_valid_pixels_declared_nodata_zero_and_nan():
    data = np.full((3, 2, 3), 100, np.uint16)
    data[:, 0, 0] = 65535  # declared nodata in every band
    data[0, 0, 1] = 65535  # in one band only: still an observation
    data[:, 1, 0] = 0  # all-zero spectrum
    data[1, 1, 1] = 0  # one zero band: an observation
    valid = valid_pixels(data, 65535)
    assert valid.tolist() == [[False, True, True], [False, True, True]]
    assert valid_pixels(data, None).tolist() == [[True, True, True], [False, True, True]]
    assert valid_pixels(data, -9999).tolist() == [[True, True, True], [False, True, True]]

    f = np.full((2, 2, 2), 0.3, np.float32)
    f[1, 0, 0] = np.nan  # NaN in one band
    f[:, 0, 1] = -9999.0
    f[:, 1, 1] = 0.0
    assert valid_pixels(f, -9999.0).tolist() == [[False, False], [True, False]]
    assert valid_pixels(f, float("nan")).tolist() == [[False, True], [True, False]]


# --------------------------------------------------------------------------- time series
DATES = ("2020-03-01", "2020-01-01", "2020-02-01")


def three_dates(tmp_path, descriptions=TEN_BANDS):
    """Three 10-band dates written in the (non-chronological) order of DATES; date k holds
    the value 1000 * (k + 1) + band, and its mask clouds row k only."""
    s2, masks = [], []
    for k, d in enumerate(DATES):
        values = 1000 * (k + 1) + np.arange(10, dtype=np.uint16)
        cube = values[:, None, None] * np.ones((1, 8, 8), np.uint16)
        mask = np.zeros((8, 8), np.uint8)
        mask[k] = 1
        s2.append(write_tif(tmp_path / f"s2_{d}.tif", cube, descriptions=descriptions))
        masks.append(write_tif(tmp_path / f"clm_{d}.tif", mask, nodata=255))
    return s2, masks


def read_series(series, window=None):
    window = window or Window(0, 0, series.grid.height, series.grid.width)
    readers = series.observation_readers()
    try:
        return [reader.read(window) for reader in readers], readers
    finally:
        for reader in readers:
            reader.close()


def test_series_is_sorted_by_date_and_keeps_the_input_index(tmp_path):
    s2, masks = three_dates(tmp_path)
    series = open_time_series(s2, masks, reporter=SilentReporter())
    assert [i.date.isoformat() for i in series.items] == sorted(DATES)
    assert [i.input_index for i in series.items] == [1, 2, 0]
    assert series.dated and series.reference.input_index == 0
    assert [m.date for m in series.masks] == [i.date for i in series.items]
    obs, _ = read_series(series)
    # the first item (2020-01-01) was given second: value 2000, cloud on row 1
    assert obs[0].data[0, 0, 0] == 2000 and not obs[0].clear[1].any() and obs[0].clear[0].all()
    assert obs[2].data[0, 0, 0] == 1000 and not obs[2].clear[0].any()


def test_masks_in_another_order_are_paired_by_date(tmp_path):
    s2, masks = three_dates(tmp_path)
    shuffled = [masks[1], masks[2], masks[0]]  # chronological order, unlike s2
    reporter = SilentReporter()
    series = open_time_series(s2, shuffled, reporter=reporter)
    assert any("paired" in m and "date" in m for m in reporter.messages)
    for item, mask in zip(series.items, series.masks):
        assert item.date == mask.date
    obs, _ = read_series(series)
    for o, item in zip(obs, series.items):
        k = item.input_index  # the mask of date k clouds row k
        assert not o.clear[k].any() and o.clear.sum() == 7 * 8


def test_a_missing_date_keeps_the_given_order_with_a_warning(tmp_path):
    s2, masks = three_dates(tmp_path)
    undated = write_tif(tmp_path / "export_final.tif", np.full((10, 8, 8), 5, np.uint16),
                        descriptions=TEN_BANDS)
    reporter = SilentReporter()
    series = open_time_series([s2[0], undated, s2[1]], reporter=reporter)
    assert not series.dated
    assert [i.input_index for i in series.items] == [0, 1, 2]
    assert [i.name for i in series.items] == ["s2_2020-03-01.tif", "export_final.tif", "s2_2020-01-01.tif"]
    assert any("export_final.tif" in w and "order" in w for w in reporter.warnings)


def test_bands_in_another_order_are_reordered_by_description(tmp_path):
    rng = np.random.default_rng(3)
    cube = rng.integers(1, 10000, (10, 8, 8)).astype(np.uint16)
    perm = [9, 3, 0, 7, 1, 8, 2, 6, 4, 5]
    a = write_tif(tmp_path / "s2_2020-01-01.tif", cube, descriptions=TEN_BANDS)
    b = write_tif(tmp_path / "s2_2020-01-02.tif", cube[perm] + 1, descriptions=[TEN_BANDS[p] for p in perm])
    # a 13-band L1C file with descriptions gives the ten bands it shares
    full = np.zeros((13, 8, 8), np.uint16)
    for i, name in enumerate(L1C_BANDS):
        full[i] = cube[TEN_BANDS.index(name)] + 2 if name in TEN_BANDS else 7
    c = write_tif(tmp_path / "s2_2020-01-03.tif", full, descriptions=L1C_BANDS)
    series = open_time_series([a, b, c], reporter=SilentReporter())
    assert series.output_bands == list(TEN_BANDS)
    obs, _ = read_series(series)
    assert np.array_equal(obs[0].data, cube)
    assert np.array_equal(obs[1].data, cube + 1)
    assert np.array_equal(obs[2].data, cube + 2)


def test_mixed_band_counts_without_descriptions_are_refused(tmp_path):
    a = write_tif(tmp_path / "s2_2020-01-01.tif", np.ones((10, 8, 8), np.uint16))
    b = write_tif(tmp_path / "s2_2020-01-02.tif", np.ones((13, 8, 8), np.uint16))
    with pytest.raises(InputError) as info:
        open_time_series([a, b], reporter=SilentReporter())
    text = str(info.value)
    assert "s2_2020-01-02.tif" in text and "13 bands" in text and "descriptions" in text


def test_a_band_missing_from_a_later_layer_is_named(tmp_path):
    a = write_tif(tmp_path / "s2_2020-01-01.tif", np.ones((13, 8, 8), np.uint16), descriptions=L1C_BANDS)
    b = write_tif(tmp_path / "s2_2020-01-02.tif", np.ones((10, 8, 8), np.uint16), descriptions=TEN_BANDS)
    with pytest.raises(InputError, match=r"s2_2020-01-02.tif.*B01"):
        open_time_series([a, b], reporter=SilentReporter())


def test_a_text_file_is_not_a_raster(tmp_path):
    good = write_tif(tmp_path / "s2_2020-01-01.tif", np.ones((10, 8, 8), np.uint16))
    bad = tmp_path / "s2_2020-01-02.tif"
    bad.write_text("this is not a GeoTIFF\n")
    with pytest.raises(InputError, match=r"S2 layer 2 .*s2_2020-01-02.tif.*cannot be read"):
        open_time_series([good, str(bad)], reporter=SilentReporter())
    with pytest.raises(InputError, match="does not exist"):
        open_time_series([good, str(tmp_path / "gone.tif")], reporter=SilentReporter())


def truncated_copy(src, dst):
    """A GeoTIFF whose header is intact but whose pixel data is cut off half-way."""
    blob = open(src, "rb").read()
    open(dst, "wb").write(blob[: len(blob) // 2])
    return str(dst)


@pytest.mark.parametrize("algorithm", ["leastcloudy", "mosaic"])
def test_a_truncated_file_is_named_and_nothing_is_written(tmp_path, algorithm):
    data, masks = random_series(2, 200, 150, seed=23)
    src = tmp_path / "in"
    src.mkdir()
    s2, mk = series_on_disk(src, ["2020-01-01", "2020-01-02"], data, masks)
    s2[1] = truncated_copy(s2[1], src / "s2_2020-01-03.tif")
    describe_raster(s2[1])  # the header still opens: the damage shows only when pixels are read
    out = tmp_path / "out"
    with pytest.raises(InputError) as info:
        if algorithm == "leastcloudy":
            least_cloudy(s2, mk, str(out / "x.tif"), threads=2, reporter=SilentReporter())
        else:
            mosaic(s2, mk, str(out / "x.tif"), threads=2, reporter=SilentReporter())
    assert "S2 layer 2 's2_2020-01-03.tif'" in str(info.value) and "cannot be read" in str(info.value)
    assert not out.exists() or folder_files(out) == []


def ramp(x, y):
    """A smooth field in map coordinates that bilinear interpolation reproduces exactly."""
    return 1000.0 + (x - X0) * 1.0 + (Y0 - y) * 0.5


def ramp_layer(path, width, height, x0, y0, res, nbands=10):
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    field = ramp(x0 + (cols + 0.5) * res, y0 - (rows + 0.5) * res)
    cube = np.repeat(np.rint(field)[None], nbands, axis=0).astype(np.uint16)
    return write_tif(path, cube, transform=from_origin(x0, y0, res, res), descriptions=TEN_BANDS[:nbands])


@pytest.mark.parametrize("kind", ["20 m", "half-pixel shift"])
def test_a_layer_on_another_grid_is_resampled(tmp_path, kind):
    ref = ramp_layer(tmp_path / "s2_2020-01-01.tif", 64, 64, X0, Y0, RES)
    if kind == "20 m":
        other = ramp_layer(tmp_path / "s2_2020-01-02.tif", 32, 32, X0, Y0, 20.0)
    else:
        other = ramp_layer(tmp_path / "s2_2020-01-02.tif", 64, 64, X0 + 5, Y0 - 5, RES)
    reporter = SilentReporter()
    series = open_time_series([ref, other], reporter=reporter)
    assert any("s2_2020-01-02.tif" in m and "resampled" in m for m in reporter.messages)
    obs, readers = read_series(series)
    assert not readers[0].s2.resampled and readers[1].s2.resampled
    got, want = obs[1].data.astype(float), obs[0].data.astype(float)
    inner = (slice(None), slice(2, -2), slice(2, -2))
    assert np.abs(got[inner] - want[inner]).max() <= 2.0
    assert obs[1].valid[2:-2, 2:-2].all()


def test_extent_in_wgs84_crops_the_belgium_grid(belgium):
    from rasterio.warp import transform as warp_transform

    s2, masks = belgium
    with rasterio.open(s2[0]) as ds:
        full = ds.read()
        t, crs = ds.transform, ds.crs
    # a box in lon/lat whose corners lie inside pixels (cols 10.5..40.5, rows 5.5..50.5)
    xs = [t.c + 10.5 * 10, t.c + 40.5 * 10, t.c + 10.5 * 10, t.c + 40.5 * 10]
    ys = [t.f - 5.5 * 10, t.f - 5.5 * 10, t.f - 50.5 * 10, t.f - 50.5 * 10]
    lons, lats = warp_transform(crs, "EPSG:4326", xs, ys)
    box = (max(lons[0], lons[2]), max(lats[2], lats[3]), min(lons[1], lons[3]), min(lats[0], lats[1]))
    # expected window: the box's edges, densely transformed back to UTM, snapped outwards
    n = 200
    ex = np.concatenate([np.linspace(box[0], box[2], n), np.full(n, box[2]),
                         np.linspace(box[2], box[0], n), np.full(n, box[0])])
    ey = np.concatenate([np.full(n, box[1]), np.linspace(box[1], box[3], n),
                         np.full(n, box[3]), np.linspace(box[3], box[1], n)])
    ux, uy = warp_transform("EPSG:4326", crs, ex.tolist(), ey.tolist())
    col0, col1 = math.floor((min(ux) - t.c) / 10), math.ceil((max(ux) - t.c) / 10)
    row0, row1 = math.floor((t.f - max(uy)) / 10), math.ceil((t.f - min(uy)) / 10)
    assert (row0, row1, col0, col1) == (5, 51, 10, 41)

    series = open_time_series(s2[:3], masks[:3], extent=box, extent_crs="EPSG:4326",
                              reporter=SilentReporter())
    g = series.grid
    assert (g.width, g.height) == (col1 - col0, row1 - row0)
    assert g.transform.c == t.c + col0 * 10 and g.transform.f == t.f - row0 * 10
    assert g.crs == crs
    obs, _ = read_series(series)
    assert np.array_equal(obs[0].data, full[:, row0:row1, col0:col1])


def test_extent_without_overlap_is_refused(tmp_path):
    s2, masks = three_dates(tmp_path)
    with pytest.raises(InputError, match=r"does not overlap.*s2_2020-03-01.tif"):
        open_time_series(s2, masks, extent=(2.0, 40.0, 2.1, 40.1), extent_crs="EPSG:4326",
                         reporter=SilentReporter())


# --------------------------------------------------------------------------- least cloudy
def test_least_cloudy_tie_goes_to_the_earliest_date(tmp_path):
    dates = ["2020-05-01", "2020-03-01", "2020-04-01", "2020-01-01"]
    data, _ = random_series(4, 40, 30, seed=5)
    masks = np.ones((4, 40, 30), np.uint8)
    masks[0, :10] = 0  # 2020-05-01: 10 of 40 rows clear
    masks[1, 10:20] = 0  # 2020-03-01: 10 rows clear (a tie, and earlier)
    masks[2, :5] = 0  # 2020-04-01: 5 rows
    masks[3, :3] = 0  # 2020-01-01: earliest but cloudier
    s2, mk = series_on_disk(tmp_path, dates, data, masks)
    out = tmp_path / "out" / "lc.tif"
    result = least_cloudy(s2, mk, str(out), reporter=SilentReporter())
    assert result["selected_index"] == 1 and result["date"] == dt.date(2020, 3, 1)
    assert result["cloud_coverage"] == pytest.approx([0.75, 0.75, 0.875, 0.925])
    with rasterio.open(out) as ds, rasterio.open(s2[1]) as src:
        assert np.array_equal(ds.read(), src.read())
        assert ds.descriptions == src.descriptions and ds.transform == src.transform
        assert ds.tags()["ACQUISITION_DATE"] == "2020-03-01"


def test_nan_pixels_are_never_clear(tmp_path):
    h, w = 20, 20
    a = np.full((10, h, w), 0.2, np.float32)
    a[:, :10] = np.nan  # half of 2020-01-01 is NaN; its mask says clear everywhere
    b = np.full((10, h, w), 0.4, np.float32)
    c = np.full((10, h, w), 0.9, np.float32)
    c[3] = np.nan  # one NaN band is enough to make a pixel unusable
    clear_mask = np.zeros((h, w), np.uint8)
    mask_b = np.zeros((h, w), np.uint8)
    mask_b[:6] = 1  # 30 % cloud
    s2, mk = series_on_disk(tmp_path, ["2020-01-01", "2020-01-02", "2020-01-03"], [a, b, c],
                            [clear_mask, mask_b, clear_mask])
    out = tmp_path / "out"
    result = least_cloudy(s2, mk, str(out / "lc.tif"), reporter=SilentReporter())
    assert result["cloud_coverage"] == pytest.approx([0.5, 0.3, 1.0])
    assert result["selected_index"] == 1

    mosaic(s2, mk, str(out / "m.tif"), count_path=str(out / "n.tif"), reporter=SilentReporter())
    got, count = read(out / "m.tif"), read(out / "n.tif")[0]
    assert np.all(count[:6] == 0) and np.all(np.isnan(got[:, :6]))  # NaN in a, cloud in b
    assert np.all(count[6:10] == 1) and np.all(got[:, 6:10] == np.float32(0.4))
    assert np.all(count[10:] == 2)
    np.testing.assert_allclose(got[:, 10:], 0.3, rtol=1e-6)


# --------------------------------------------------------------------------- mosaic
def test_mosaic_is_the_mean_of_the_clear_observations(tmp_path):
    dates = ["2020-01-04", "2020-01-01", "2020-01-03", "2020-01-02"]
    data, masks = random_series(4, 60, 50, seed=7)
    data[2, :, 5:10, 5:10] = 0  # nodata area, declared clear by its mask
    masks[2, 5:10, 5:10] = 0
    s2, mk = series_on_disk(tmp_path, dates, data, masks, nodata=0)
    out = tmp_path / "out"
    info = mosaic(s2, mk, str(out / "m.tif"), count_path=str(out / "n.tif"), reporter=SilentReporter())
    clear = (masks == 0) & data.any(axis=1)
    mean, n = expected_mosaic(data, clear)
    got = read(out / "m.tif")
    seen = n > 0
    assert np.array_equal(got[:, seen], np.rint(mean[:, seen]).astype(np.uint16))
    assert (got[:, ~seen] == 0).all() and (~seen).any()
    assert np.array_equal(read(out / "n.tif")[0], n)
    assert info["never_clear_fraction"] == pytest.approx((~seen).mean())
    with rasterio.open(out / "m.tif") as ds:
        assert ds.descriptions == TEN_BANDS and ds.nodata == 0
        assert ds.tags()["S2CF_FIRST_DATE"] == "2020-01-01"


def test_a_single_clear_date_is_copied_exactly(tmp_path):
    data, _ = random_series(3, 30, 30, seed=9)
    masks = np.ones((3, 30, 30), np.uint8)
    masks[0, :10] = 0
    masks[1, 10:20] = 0
    masks[2, 20:] = 0
    fdata = (data.astype(np.float32) / 10000.0 + np.float32(1e-4) / 3).astype(np.float32)
    for name, cube in (("dn", data), ("refl", fdata)):
        folder = tmp_path / name
        folder.mkdir()
        s2, mk = series_on_disk(folder, ["2020-01-01", "2020-01-02", "2020-01-03"], cube, masks)
        mosaic(s2, mk, str(folder / "m.tif"), reporter=SilentReporter())
        got = read(folder / "m.tif")
        assert got.dtype == cube.dtype
        assert np.array_equal(got[:, :10], cube[0][:, :10])
        assert np.array_equal(got[:, 10:20], cube[1][:, 10:20])
        assert np.array_equal(got[:, 20:], cube[2][:, 20:])


def fallback_series(tmp_path, dtype):
    data, _ = random_series(3, 30, 30, seed=11)
    if dtype == "float32":
        data = (data / 10000.0).astype(np.float32)
    elif dtype == "float32 DN":
        data = data.astype(np.float32)
    masks = np.zeros((3, 30, 30), np.uint8)
    masks[:, :8] = 1  # rows 0..7 are never clear
    masks[0, 8:20] = 1  # 2020-01-01: 10 clear rows, the cloudiest
    masks[1, 12:20] = 1  # 2020-01-02: 14 clear rows; rows 8..11 are clear on this date only
    masks[2, 8:12] = 1  # 2020-01-03: 18 clear rows, the least cloudy
    s2, mk = series_on_disk(tmp_path, ["2020-01-01", "2020-01-02", "2020-01-03"], data, masks)
    return data, s2, mk


@pytest.mark.parametrize("dtype, constant", [("uint16", 5000), ("float32", 0.5), ("float32 DN", 5000)])
def test_fallback_constant_is_half_reflectance_in_the_input_scale(tmp_path, dtype, constant):
    data, s2, mk = fallback_series(tmp_path, dtype)
    mosaic(s2, mk, str(tmp_path / "m.tif"), fallback="constant", reporter=SilentReporter())
    got = read(tmp_path / "m.tif")
    assert got.dtype == data.dtype
    assert (got[:, :8] == constant).all()
    assert not (got[:, 8:] == constant).all()


def test_fallback_constant_does_not_depend_on_the_windows(tmp_path):
    """Float digital numbers whose first date is nodata in the top rows: the scale (DN or
    reflectance) of the constant must not depend on which window is read first."""
    data, masks = random_series(3, 200, 150, seed=19)
    data = data.astype(np.float32)
    data[0, :, :120] = np.nan
    masks[:, 180:] = 1  # never clear
    s2, mk = series_on_disk(tmp_path, ["2020-01-01", "2020-01-02", "2020-01-03"], data, masks)
    for memory_mb in (512, 1):
        mosaic(s2, mk, str(tmp_path / f"m{memory_mb}.tif"), fallback="constant", memory_mb=memory_mb,
               threads=1, reporter=SilentReporter())
        assert (read(tmp_path / f"m{memory_mb}.tif")[:, 180:] == 5000).all(), memory_mb


def test_fallback_least_cloudy_fills_from_the_least_cloudy_date(tmp_path):
    data, s2, mk = fallback_series(tmp_path, "uint16")
    mosaic(s2, mk, str(tmp_path / "m.tif"), fallback="least_cloudy", reporter=SilentReporter())
    got = read(tmp_path / "m.tif")
    assert np.array_equal(got[:, :8], data[2][:, :8])
    assert np.array_equal(got[:, 8:12], data[1][:, 8:12])  # clear only on 2020-01-02
    mosaic(s2, mk, str(tmp_path / "n.tif"), fallback="nodata", reporter=SilentReporter())
    assert (read(tmp_path / "n.tif")[:, :8] == 0).all()


def test_count_output_must_differ_from_the_output(tmp_path):
    data, s2, mk = fallback_series(tmp_path, "uint16")
    (tmp_path / "out").mkdir()
    with pytest.raises(InputError, match="OUTPUT_COUNT"):
        same_file = os.path.join(str(tmp_path), "out", ".", "m.tif")  # another spelling of m.tif
        mosaic(s2, mk, str(tmp_path / "out" / "m.tif"), count_path=same_file, reporter=SilentReporter())
    assert folder_files(tmp_path / "out") == []


def test_unknown_fallback_is_refused(tmp_path):
    data, s2, mk = fallback_series(tmp_path, "uint16")
    with pytest.raises(InputError, match="fallback"):
        mosaic(s2, mk, str(tmp_path / "m.tif"), fallback="median", reporter=SilentReporter())


def test_results_do_not_depend_on_memory_budget_or_threads(tmp_path):
    dates = ["2020-01-05", "2020-01-01", "2020-01-03", "2020-01-02", "2020-01-04"]
    data, masks = random_series(5, 200, 150, seed=13, cloud=0.6)
    s2, mk = series_on_disk(tmp_path, dates, data, masks)
    out = tmp_path / "out"
    results = {}
    for memory_mb, threads in ((512, 2), (512, 1), (1, 1), (1, 3)):
        key = f"{memory_mb}_{threads}"
        reporter = SilentReporter()
        mosaic(s2, mk, str(out / f"m_{key}.tif"), count_path=str(out / f"n_{key}.tif"),
               fallback="least_cloudy", memory_mb=memory_mb, threads=threads, reporter=reporter)
        lc = least_cloudy(s2, mk, str(out / f"l_{key}.tif"), memory_mb=memory_mb, threads=threads,
                          reporter=SilentReporter())
        results[key] = (read(out / f"m_{key}.tif"), read(out / f"n_{key}.tif"),
                        read(out / f"l_{key}.tif"), lc["selected_index"], len(reporter.progress))
    base = results["512_2"]
    for key, value in results.items():
        assert np.array_equal(value[0], base[0]), key
        assert np.array_equal(value[1], base[1]), key
        assert np.array_equal(value[2], base[2]), key
        assert value[3] == base[3], key
    # the tiny budget really ran many windows (progress is reported per window and date)
    assert results["1_1"][4] >= 4 * base[4]


@pytest.mark.parametrize("algorithm", ["leastcloudy", "mosaic"])
def test_cancel_raises_and_leaves_nothing(tmp_path, algorithm):
    data, masks = random_series(4, 200, 150, seed=17)
    src = tmp_path / "in"
    src.mkdir()
    s2, mk = series_on_disk(src, ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"], data, masks)

    def run(reporter, folder):
        if algorithm == "leastcloudy":
            return least_cloudy(s2, mk, str(folder / "x.tif"), memory_mb=1, threads=2, reporter=reporter)
        return mosaic(s2, mk, str(folder / "x.tif"), count_path=str(folder / "n.tif"),
                      fallback="least_cloudy", memory_mb=1, threads=2, reporter=reporter)

    probe = SilentReporter()
    run(probe, tmp_path / "probe")
    total = len(probe.progress)  # one cancel check per progress step
    assert total > 10
    for checks in (0, total // 2, total - 1):  # at the start, mid-way, at the last window written
        out = tmp_path / f"out_{checks}"
        out.mkdir()
        with pytest.raises(CancelledError):
            run(SilentReporter(cancel_after_checks=checks), out)
        assert folder_files(out) == [], checks
    assert len(folder_files(src)) == 8
