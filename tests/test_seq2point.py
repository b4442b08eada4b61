"""Seq2point inference on the real Belgium series: outputs, tiling without seams, nodata, date
selection, S1 pairing, errors, cancel, and (with a GPU only) reduced precision."""

import numpy as np
import pytest
import rasterio

torch = pytest.importorskip("torch")

from s2cloudfree.core import seq2point as s2p  # noqa: E402
from s2cloudfree.core.bands import L1C_BANDS, TEN_BANDS  # noqa: E402
from s2cloudfree.core.errors import CancelledError, InputError  # noqa: E402
from s2cloudfree.core.reporting import SilentReporter  # noqa: E402
from s2cloudfree.models.checkpoint import CheckpointError, save_checkpoint  # noqa: E402
from s2cloudfree.models.crtsnet import build_model, model_config  # noqa: E402

# three consecutive dates (58 %, 0.6 %, 0.2 % cloud) and two more
DATES = ("2017-08-14", "2017-08-24", "2017-08-27", "2017-09-03", "2017-09-23")
S1_DATES = ("2017-08-12", "2017-08-13", "2017-08-24", "2017-08-25", "2017-08-30", "2017-09-05",
            "2017-09-23")


def tiny(bands=TEN_BANDS, use_s1=True, n_inputs=3, features=8):
    return model_config("crtsnet-lite", bands=bands, n_inputs=n_inputs, use_s1=use_s1,
                        features=features, blocks_2d=1, blocks_3d=1)


@pytest.fixture(scope="module")
def data(shared_data):
    folder = shared_data / "belgium_31UDS_s1s2"
    return {"s2": [str(folder / f"s2_{d}.tif") for d in DATES],
            "masks": [str(folder / f"clm_{d}.tif") for d in DATES],
            "s1": [str(folder / f"s1_{d}.tif") for d in S1_DATES], "folder": folder}


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    paths = {}
    for name, config in (("s1", tiny()), ("no_s1", tiny(use_s1=False)), ("l1c", tiny(bands=L1C_BANDS))):
        torch.manual_seed(0)
        paths[name] = str(folder / f"{name}.pt")
        save_checkpoint(paths[name], build_model(config), config, training={"data": "none (random)"})
    return paths


def read(path):
    with rasterio.open(path) as ds:
        return ds.read(), ds.profile, ds.descriptions, ds.tags()


def test_output_on_the_model_bands_and_the_reference_grid(data, models, tmp_path):
    out = tmp_path / "s2p.tif"
    reporter = SilentReporter()
    result = s2p.seq2point(data["s2"][:3], str(out), models["s1"], s1_paths=data["s1"], device="cpu",
                           reporter=reporter)
    got, profile, descriptions, tags = read(out)
    with rasterio.open(data["s2"][0]) as ref:
        assert profile["crs"] == ref.crs and profile["transform"] == ref.transform
        assert got.shape == (10, ref.height, ref.width) and got.dtype == ref.dtypes[0]
    assert descriptions == TEN_BANDS and profile["nodata"] == 0
    assert (got > 0).all() and got.max() <= 10000
    assert result["device"] == "cpu" and result["precision"] == "fp32"
    assert result["dates"] == list(DATES[:3])
    assert tags["S2CF_ALGORITHM"] == "seq2point" and tags["S2CF_INPUT_DATES"] == ",".join(DATES[:3])
    log = "\n".join(reporter.messages)
    assert "Device: cpu" in log and "s1_2017-08-13.tif (-1 days)" in log
    assert "Tiles: 1 of" in log


def test_tiles_blend_without_seams(data):
    torch.manual_seed(0)
    config = tiny(use_s1=False, features=16)
    model = build_model(config).eval()
    s2 = np.stack([rasterio.open(p).read() for p in data["s2"][:3]])
    whole, _ = s2p.predict_array(model, config, s2, tile=256, overlap=32)
    tiled, weights = s2p.predict_array(model, config, s2, tile=48, overlap=32)
    assert np.isfinite(tiled).all() and (weights > 0).all()
    # 16 tiles of 48 px, 32 px overlap: many borders, yet the result of one tile
    assert np.abs(tiled - whole).max() < 2.0  # DN

    def column_jumps(image):  # mean |difference| between neighbouring columns and rows
        return np.concatenate([np.abs(np.diff(image, axis=2)).mean(axis=(0, 1)),
                               np.abs(np.diff(image, axis=1)).mean(axis=(0, 2))])

    reference = column_jumps(whole)
    interior = np.median(reference)

    def seam(image):  # the largest extra jump anywhere, relative to the typical jump
        return np.max(np.abs(column_jumps(image) - reference)) / interior

    # the test sees seams: tiles without overlap show their borders ...
    hard, _ = s2p.predict_array(model, config, s2, tile=16, overlap=0)
    hard_jumps = column_jumps(hard)
    at_borders = hard_jumps[[15, 31, 47]].mean()
    assert at_borders > 2 * interior and seam(hard) > 1.0
    # ... and the blended tiles do not
    assert seam(tiled) < 0.05


def test_blend_weights_are_a_partition_of_unity():
    plan = s2p.plan_tiles(300, 1000, 128, 64)
    total = np.zeros(1000 + 2 * plan.pad)
    profile = s2p.blend_profile(plan.tile_w, plan.margin, plan.ramp)
    for c in plan.cols:
        total[c:c + plan.tile_w] += profile
    inner = total[plan.pad:plan.pad + 1000]
    assert inner.min() > 0.49  # every pixel is covered (the engine divides by the weight sum)
    # neighbours cross-fade: their weights add up to 1 (the last tile, moved back to end at the
    # scene edge, overlaps more)
    regular = total[2 * plan.pad:plan.cols[-1]]
    assert np.allclose(regular, 1.0, atol=2e-4)
    assert plan.rows[-1] + plan.tile_h == 300 + 2 * plan.pad  # the last tile ends at the edge


def test_tile_and_batch_follow_the_memory_budget():
    config = model_config("crtsnet")
    cpu = torch.device("cpu")
    per_px = s2p.bytes_per_tile_pixel(config)
    tile, batch = s2p.choose_tiling(config, cpu, 4096)
    assert tile % 32 == 0 and per_px * tile ** 2 <= 4096 * 2 ** 20 < per_px * (tile + 32) ** 2
    assert batch == 1
    # a given tile size: as many tiles per batch as fit
    tile, batch = s2p.choose_tiling(config, cpu, 4096, tile=128)
    assert tile == 128 and batch == int(4096 * 2 ** 20 // (per_px * 128 ** 2))
    small_tile, small_batch = s2p.choose_tiling(config, cpu, 300)
    assert small_tile == 2 * 64 + 32 and small_batch == 1  # never below twice the overlap
    lite = model_config("crtsnet-lite")
    assert s2p.choose_tiling(lite, cpu, 4096)[0] > s2p.choose_tiling(config, cpu, 4096)[0]
    assert s2p.choose_tiling(lite, cpu, 1 << 20)[0] == s2p.MAX_AUTO_TILE


def test_raster_tiling_matches_one_tile(data, models, tmp_path):
    a, b = tmp_path / "one.tif", tmp_path / "tiled.tif"
    s2p.seq2point(data["s2"][:3], str(a), models["s1"], s1_paths=data["s1"], device="cpu", tile_size=256)
    result = s2p.seq2point(data["s2"][:3], str(b), models["s1"], s1_paths=data["s1"], device="cpu",
                           tile_size=48, overlap=32)
    assert result["tiles"] == 16  # 96 px padded, tiles every 16 px
    one, tiled = read(a)[0].astype(int), read(b)[0].astype(int)
    assert np.abs(one - tiled).max() <= 2


def nodata_copies(paths, folder, columns):
    out = []
    for path in paths:
        with rasterio.open(path) as src:
            data, profile = src.read(), src.profile
        data[:, :, columns] = 0
        target = folder / path.rsplit("/", 1)[1]
        with rasterio.open(target, "w", **profile) as dst:
            dst.write(data)
        out.append(str(target))
    return out


def test_nodata_where_every_input_is_nodata_and_empty_tiles_skipped(data, models, tmp_path):
    s2 = nodata_copies(data["s2"][:3], tmp_path, slice(0, 40))
    out = tmp_path / "out.tif"
    result = s2p.seq2point(s2, str(out), models["no_s1"], device="cpu", tile_size=32, overlap=16)
    got = read(out)[0]
    assert (got[:, :, :40] == 0).all() and (got[:, :, 40:] > 0).all()
    assert result["tiles_skipped"] >= 4 and result["nodata_pixels"] == 64 * 40


def test_date_selection(data, models, tmp_path):
    shuffled = [data["s2"][k] for k in (4, 2, 0, 3, 1)]
    result = s2p.seq2point(shuffled, str(tmp_path / "a.tif"), models["no_s1"], device="cpu", selection="first")
    assert result["dates"] == list(DATES[:3])  # the first three in time order
    # the default: the three nearest to the middle of 2017-08-14 .. 2017-09-23 (2017-09-03)
    reporter = SilentReporter()
    result = s2p.seq2point(shuffled, str(tmp_path / "n.tif"), models["no_s1"], device="cpu", reporter=reporter)
    assert result["dates"] == ["2017-08-24", "2017-08-27", "2017-09-03"]
    assert any("nearest in time to 2017-09-03 (the middle of the series" in m for m in reporter.messages)
    # a named target date, and one after the series (the last three, with a warning)
    result = s2p.seq2point(shuffled, str(tmp_path / "t.tif"), models["no_s1"], device="cpu", target_date="2017-08-20")
    assert result["dates"] == ["2017-08-14", "2017-08-24", "2017-08-27"]
    reporter = SilentReporter()
    result = s2p.seq2point(shuffled, str(tmp_path / "late.tif"), models["no_s1"], device="cpu",
                           target_date="2018-01-01", reporter=reporter)
    assert result["dates"] == ["2017-08-27", "2017-09-03", "2017-09-23"]
    assert any("outside the series (2017-08-14 .. 2017-09-23)" in m for m in reporter.warnings)
    with pytest.raises(InputError, match="TARGET_DATE '14 July' is not a date"):
        s2p.seq2point(shuffled, str(tmp_path / "bad.tif"), models["no_s1"], device="cpu", target_date="14 July")
    masks = [data["masks"][k] for k in (4, 2, 0, 3, 1)]
    result = s2p.seq2point(shuffled, str(tmp_path / "b.tif"), models["no_s1"], mask_paths=masks,
                           selection="least_cloudy", device="cpu")
    fractions = {d: rasterio.open(m).read(1).astype(bool).mean() for d, m in zip(DATES, data["masks"])}
    assert result["dates"] == sorted(sorted(fractions, key=fractions.get)[:3])
    with pytest.raises(InputError, match="needs the cloud masks"):
        s2p.seq2point(shuffled, str(tmp_path / "c.tif"), models["no_s1"], selection="least_cloudy")


def test_float_reflectance_keeps_its_scale(data, models, tmp_path):
    floats = []
    for path in data["s2"][:3]:
        with rasterio.open(path) as src:
            values, profile = src.read().astype("float32") / 10000, src.profile
        profile.update(dtype="float32", nodata=None)
        target = tmp_path / path.rsplit("/", 1)[1]
        with rasterio.open(target, "w", **profile) as dst:
            dst.write(values)
            dst.descriptions = TEN_BANDS
        floats.append(str(target))
    s2p.seq2point(floats, str(tmp_path / "f.tif"), models["no_s1"], device="cpu")
    s2p.seq2point(data["s2"][:3], str(tmp_path / "dn.tif"), models["no_s1"], device="cpu")
    reflectance, dn = read(tmp_path / "f.tif")[0], read(tmp_path / "dn.tif")[0]
    assert reflectance.dtype == np.float32 and reflectance.max() < 1.01
    assert np.abs(reflectance * 10000 - dn).max() <= 1.0


def test_clear_errors(data, models, tmp_path):
    out = str(tmp_path / "x.tif")
    with pytest.raises(CheckpointError, match="lack B01 B09 B10"):
        s2p.seq2point(data["s2"][:3], out, models["l1c"], s1_paths=data["s1"], device="cpu")
    with pytest.raises(CheckpointError, match="trained with Sentinel-1"):
        s2p.seq2point(data["s2"][:3], out, models["s1"], device="cpu")
    with pytest.raises(CheckpointError, match="needs 3 input dates"):
        s2p.seq2point(data["s2"][:2], out, models["no_s1"], device="cpu")
    with pytest.raises(InputError, match="No Sentinel-1 layer within 14 days"):
        s2p.seq2point(data["s2"][:3], out, models["s1"], s1_paths=data["s1"][-1:], device="cpu")
    with pytest.raises(InputError, match="neither an existing"):
        s2p.seq2point(data["s2"][:3], out, "no-such-model", device="cpu")
    with pytest.raises(InputError, match="DEVICE"):
        s2p.seq2point(data["s2"][:3], out, models["no_s1"], device="tpu")
    with pytest.raises(InputError, match="one of the inputs"):
        s2p.seq2point(data["s2"][:3], data["s2"][0], models["no_s1"], device="cpu")
    assert not (tmp_path / "x.tif").exists()


def test_cancel_writes_nothing_and_progress_is_per_tile(data, models, tmp_path):
    out = tmp_path / "cancelled.tif"
    with pytest.raises(CancelledError):
        s2p.seq2point(data["s2"][:3], str(out), models["no_s1"], device="cpu", tile_size=32,
                      overlap=16, reporter=SilentReporter(cancel_after_checks=2))
    assert not out.exists() and not list(tmp_path.glob(".cancelled*"))
    reporter = SilentReporter()
    result = s2p.seq2point(data["s2"][:3], str(tmp_path / "ok.tif"), models["no_s1"], device="cpu",
                           tile_size=32, overlap=16, reporter=reporter)
    assert len(reporter.progress) >= result["tiles"] // 2 and reporter.progress[-1] == 100.0


def test_extent_crops_the_output(data, models, tmp_path):
    out = tmp_path / "west.tif"
    s2p.seq2point(data["s2"][:3], str(out), models["no_s1"], device="cpu",
                  extent=(501360, 5629040, 501680, 5629680), extent_crs="EPSG:32631")
    with rasterio.open(out) as ds:
        assert ds.width == 32 and ds.height == 64


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_reduced_precision_on_cuda_stays_close_to_fp32(data, models, tmp_path):
    fp32 = s2p.seq2point(data["s2"][:3], str(tmp_path / "fp32.tif"), models["s1"], s1_paths=data["s1"],
                         device="cuda", precision="fp32")
    auto = s2p.seq2point(data["s2"][:3], str(tmp_path / "auto.tif"), models["s1"], s1_paths=data["s1"],
                         device="cuda", precision="auto")
    assert fp32["precision"] == "fp32" and auto["precision"] in ("bf16", "fp16", "fp32")
    a, b = read(tmp_path / "fp32.tif")[0].astype(int), read(tmp_path / "auto.tif")[0].astype(int)
    assert np.abs(a - b).mean() <= s2p.AUTOCAST_TOLERANCE_DN["mean"]


def test_automatic_tiles_are_no_larger_than_the_scene_needs():
    """A 1024 px tile on a 1024 px scene (1088 px padded) would compute four tiles of 1024 px; the
    balanced tile covers the scene with the same number of tiles and computes a third as much."""
    assert s2p.balanced_tile(1024, 64, 1024, 1024) == 576
    assert s2p.balanced_tile(1024, 64, 200, 300) == 364  # one tile: the padded scene
    for tile, overlap, h, w in ((1024, 64, 10980, 10980), (512, 64, 3000, 700), (256, 32, 257, 1000)):
        side = s2p.balanced_tile(tile, overlap, h, w)
        assert side <= tile
        plan, wide = s2p.plan_tiles(h, w, side, overlap), s2p.plan_tiles(h, w, tile, overlap)
        assert len(plan.rows) * len(plan.cols) == len(wide.rows) * len(wide.cols)
        assert plan.rows[-1] + plan.tile_h == h + 2 * plan.pad and plan.cols[-1] + plan.tile_w == w + 2 * plan.pad
