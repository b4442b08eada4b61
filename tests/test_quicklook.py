"""Tests of the PNG previews (core.quicklook): real GeoTIFFs in, real PNGs out."""

import os
import warnings

import numpy as np
import pytest
import rasterio
from affine import Affine

from s2cloudfree.core.bands import L1C_BANDS
from s2cloudfree.core.errors import InputError
from s2cloudfree.core.grid import Grid
from s2cloudfree.core.quicklook import output_shape, write_mask_png, write_rgb_png
from s2cloudfree.core.raster_writer import GeoTiffWriter
from s2cloudfree.core.sample import generate_sample_series
from s2cloudfree.core.windows import Window


def make_raster(path, array, nodata=None, descriptions=None):
    count, height, width = array.shape
    grid = Grid(rasterio.crs.CRS.from_epsg(32631), Affine(10, 0, 500000, 0, -10, 5630000), width, height)
    with GeoTiffWriter(str(path), grid, count, array.dtype.name, nodata, descriptions) as w:
        w.write(array, Window(0, 0, height, width))
    return str(path)


def read_png(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        ds = rasterio.open(path)
    with ds:
        assert ds.driver == "PNG"
        return ds.read()


def l1c_cube(height, width, value_of_band=None):
    """A 13-band uint16 cube where band b holds (b + 1) * 100 unless overridden."""
    cube = np.empty((13, height, width), dtype=np.uint16)
    for b in range(13):
        cube[b] = (b + 1) * 100
    for b, value in (value_of_band or {}).items():
        cube[b] = value
    return cube


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return generate_sample_series(str(tmp_path_factory.mktemp("ql")), n_dates=3, size=64, seed=2, s1=False)


def test_sample_rgb_is_rgba_uint8_and_not_flat(sample, tmp_path):
    out = tmp_path / "rgb.png"
    q = write_rgb_png(sample.truth[0], str(out))
    png = read_png(out)
    assert png.shape == (4, 64, 64) and png.dtype == np.uint8
    assert (q.width, q.height) == (64, 64)
    assert (png[3] == 255).all()  # no nodata in the sample
    for b in range(3):
        # 2-98 % stretch: a few percent saturate at each end, the rest spreads over the range
        assert (png[b] == 0).mean() < 0.1 and (png[b] == 255).mean() < 0.1
        assert np.ptp(png[b]) > 200
    assert len(q.stretch) == 3 and all(lo < hi for lo, hi in q.stretch)
    assert sorted(os.listdir(tmp_path)) == ["rgb.png"]  # no temporary or .aux.xml files


def test_size_is_bounded_by_max_side(tmp_path):
    src = make_raster(tmp_path / "wide.tif", l1c_cube(120, 300), nodata=0, descriptions=L1C_BANDS)
    q = write_rgb_png(src, str(tmp_path / "wide.png"), max_side=100)
    png = read_png(q.path)
    assert png.shape == (4, 40, 100)
    assert (q.width, q.height) == (100, 40)
    q = write_rgb_png(src, str(tmp_path / "small.png"), max_side=1000)  # never enlarged
    assert read_png(q.path).shape == (4, 120, 300)


def test_output_shape():
    assert output_shape(2048, 2048, 1024) == (1024, 1024)
    assert output_shape(10000, 2500, 1000) == (1000, 250)
    assert output_shape(50, 60, 1024) == (50, 60)
    assert max(output_shape(4097, 3, 512)) <= 512
    with pytest.raises(InputError):
        output_shape(10, 10, 0)


def test_fixed_stretch_and_band_choice_by_description(tmp_path):
    # three bands in an unusual order, named by their descriptions
    array = np.stack([np.full((8, 8), 500, np.uint16),     # B02
                      np.full((8, 8), 1000, np.uint16),    # B04
                      np.full((8, 8), 2000, np.uint16)])   # B03
    src = make_raster(tmp_path / "three.tif", array, descriptions=["B02", "B04", "B03"])
    q = write_rgb_png(src, str(tmp_path / "three.png"), stretch=(0, 2000))
    png = read_png(q.path)
    assert png[0, 0, 0] == 128  # R = B04 = 1000 -> 0.5
    assert png[1, 0, 0] == 255  # G = B03 = 2000 -> 1.0
    assert png[2, 0, 0] == 64   # B = B02 = 500 -> 0.25
    q = write_rgb_png(src, str(tmp_path / "gamma.png"), stretch=(0, 2000), gamma=2.0)
    assert read_png(q.path)[2, 0, 0] == 128  # 0.25 ** (1 / 2) = 0.5
    q = write_rgb_png(src, str(tmp_path / "per_band.png"), stretch=[(0, 1000), (0, 4000), (0, 1000)])
    assert tuple(read_png(q.path)[:3, 0, 0]) == (255, 128, 128)


def test_thirteen_bands_without_descriptions_assume_l1c_order(tmp_path):
    cube = l1c_cube(16, 16)  # B04 = 400, B03 = 300, B02 = 200
    src = make_raster(tmp_path / "nodesc.tif", cube)
    with rasterio.open(src) as ds:
        assert ds.descriptions == (None,) * 13
    q = write_rgb_png(src, str(tmp_path / "nodesc.png"), stretch=(0, 400))
    assert tuple(read_png(q.path)[:, 5, 5]) == (255, 191, 128, 255)
    q = write_rgb_png(src, str(tmp_path / "numbers.png"), bands=(1, 2, 3), stretch=(0, 400))
    assert tuple(read_png(q.path)[:3, 5, 5]) == (64, 128, 191)


def test_nodata_is_transparent(tmp_path):
    rng = np.random.default_rng(0)
    cube = rng.integers(500, 3000, (13, 50, 50)).astype(np.uint16)
    cube[:, :, :20] = 0  # nodata strip
    src = make_raster(tmp_path / "nodata.tif", cube, nodata=0, descriptions=L1C_BANDS)
    png = read_png(write_rgb_png(src, str(tmp_path / "nodata.png")).path)
    assert (png[3, :, :20] == 0).all() and (png[:3, :, :20] == 0).all()
    assert (png[3, :, 20:] == 255).all()
    # the percentile stretch ignores nodata: valid pixels span the range
    assert png[0, :, 20:].max() == 255 and png[0, :, 20:].min() == 0


def test_decimated_read_of_a_large_raster(tmp_path):
    height, width = 1200, 900
    cube = l1c_cube(height, width)
    cube[3, :, : width // 2] = 1000   # left half of B04 bright
    cube[:, -300:, :] = 0             # bottom quarter nodata
    src = make_raster(tmp_path / "big.tif", cube, nodata=0, descriptions=L1C_BANDS)
    q = write_rgb_png(src, str(tmp_path / "big.png"), max_side=120, stretch=(0, 1000))
    png = read_png(q.path)
    assert png.shape == (4, 120, 90)
    assert (png[0, :80, :40] == 255).all() and (png[0, :80, 50:] == 102).all()
    assert (png[3, :88] == 255).all() and (png[3, 92:] == 0).all()


def test_missing_bands_raise_input_error(tmp_path):
    s1 = np.zeros((2, 8, 8), dtype=np.float32)
    src = make_raster(tmp_path / "s1.tif", s1, descriptions=["VV", "VH"])
    with pytest.raises(InputError, match="B04"):
        write_rgb_png(src, str(tmp_path / "s1.png"))
    ten = make_raster(tmp_path / "l2a.tif", np.ones((12, 8, 8), np.uint16))  # L2A order: no B10
    with pytest.raises(InputError, match="B10"):
        write_rgb_png(ten, str(tmp_path / "b10.png"), bands=("B10", "B03", "B02"))
    with pytest.raises(InputError):
        write_rgb_png(src, str(tmp_path / "num.png"), bands=(1, 2, 3))
    with pytest.raises(InputError):
        write_rgb_png(str(tmp_path / "missing.tif"), str(tmp_path / "x.png"))
    assert not os.path.exists(tmp_path / "s1.png")


def test_mask_png_colours(tmp_path):
    mask = np.zeros((1, 10, 10), dtype=np.uint8)
    mask[0, :, 5:] = 1
    mask[0, 8:, :] = 255
    src = make_raster(tmp_path / "mask.tif", mask, nodata=255)
    q = write_mask_png(src, str(tmp_path / "mask.png"))
    png = read_png(q.path)
    assert png.shape == (4, 10, 10) and png.dtype == np.uint8
    assert tuple(png[:, 0, 0]) == (0, 0, 0, 0)              # clear: transparent
    assert tuple(png[:, 0, 9]) == (255, 255, 255, 255)      # cloud: white
    assert tuple(png[:, 9, 0]) == (128, 128, 128, 255)      # nodata: grey


def test_mask_png_of_sample_is_bounded_and_matches(sample, tmp_path):
    i = int(np.argmax(sample.cloud_fractions))
    q = write_mask_png(sample.masks[i], str(tmp_path / "m.png"), max_side=32)
    png = read_png(q.path)
    assert png.shape == (4, 32, 32)
    white = (png[:3] == 255).all(axis=0) & (png[3] == 255)
    assert abs(white.mean() - sample.cloud_fractions[i]) < 0.1
