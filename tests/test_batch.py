"""The Dask batch runner on a LocalCluster of 2 worker processes: mosaic, cloud mask and gap
filling over a generated series split into 9 tiles equal the single-process results bit for bit;
a rerun skips the finished tiles; a killed worker loses nothing; wrong parameters are refused."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio

distributed = pytest.importorskip("distributed")

from s2cloudfree.batch.jobs import make_job  # noqa: E402
from s2cloudfree.batch.runner import run  # noqa: E402
from s2cloudfree.core.errors import InputError  # noqa: E402
from s2cloudfree.core.reporting import SilentReporter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TILE = 48   # 9 tiles over the 128 px sample


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from s2cloudfree.core.sample import generate_sample_series

    return generate_sample_series(str(tmp_path_factory.mktemp("sample")), n_dates=6, size=128, seed=5,
                                  truth=False, s1=False)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def read(path):
    with rasterio.open(path) as ds:
        return ds.read(), ds.profile


def values_of(**items):
    return {k: (v if isinstance(v, list) else [str(v)]) for k, v in items.items()}


def assert_same_raster(made, reference):
    a, pa = read(made)
    b, pb = read(reference)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    assert pa["transform"] == pb["transform"] and pa["crs"] == pb["crs"] and pa["nodata"] == pb["nodata"]
    with rasterio.open(made) as x, rasterio.open(reference) as y:
        assert x.descriptions == y.descriptions


def test_mosaic_and_cloud_mask_in_tiles_equal_one_process(sample, client, tmp_path):
    from s2cloudfree.core.cloudmask import compute_cloud_mask
    from s2cloudfree.core.mosaic import mosaic

    values = values_of(S2_LAYERS=sample.s2, MASK_LAYERS=sample.masks, OUTPUT=str(tmp_path / "mosaic.tif"),
                       OUTPUT_COUNT=str(tmp_path / "count.tif"))
    result = run(make_job("mosaic", values), values, TILE, client=client, log=lambda m: None)
    assert result["tiles"] == 9 and result["computed"] == 9 and not result["failed"]
    mosaic(sample.s2, sample.masks, str(tmp_path / "ref.tif"), str(tmp_path / "ref_count.tif"),
           reporter=SilentReporter(), threads=1)
    assert_same_raster(tmp_path / "mosaic.tif", tmp_path / "ref.tif")
    assert_same_raster(tmp_path / "count.tif", tmp_path / "ref_count.tif")
    with rasterio.open(tmp_path / "mosaic.tif") as ds:  # a Cloud-Optimised GeoTIFF
        assert ds.profile.get("tiled") and ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
    # the rerun finds every tile finished and only assembles
    again = run(make_job("mosaic", values), values, TILE, client=client, log=lambda m: None)
    assert again["skipped"] == 9 and again["computed"] == 0
    assert_same_raster(tmp_path / "mosaic.tif", tmp_path / "ref.tif")

    cloudy = sample.s2[int(np.argmax([read(m)[0].mean() for m in sample.masks]))]
    values = values_of(INPUT=cloudy, OUTPUT_MASK=str(tmp_path / "mask.tif"))
    result = run(make_job("cloudmask", values), values, TILE, client=client, log=lambda m: None, vrt=False)
    compute_cloud_mask(cloudy, str(tmp_path / "ref_mask.tif"), reporter=SilentReporter(), threads=1)
    assert_same_raster(tmp_path / "mask.tif", tmp_path / "ref_mask.tif")
    assert 0 < (read(tmp_path / "mask.tif")[0] == 1).mean() < 1


def test_gapfill_in_tiles_equals_one_process_and_a_vrt(sample, client, tmp_path):
    from s2cloudfree.core.gapfill_files import gapfill
    from s2cloudfree.core.sample import generate_sample_series

    # the gap filler's reach is 86 px: a 288 px scene in 128 px tiles, so that tiles see less than all of it
    big = generate_sample_series(str(tmp_path / "big"), n_dates=4, size=288, seed=9, truth=False, s1=False,
                                 fast=True)
    values = values_of(S2_LAYERS=big.s2, MASK_LAYERS=big.masks, OUTPUT_FOLDER=str(tmp_path / "filled"))
    job = make_job("gapfill", values)
    assert job.overlap == 96 and job.alignment == 16  # the reach (86 px) on the regression's 16 px lattice
    result = run(job, values, 128, client=client, log=lambda m: None)
    assert result["tiles"] == 9 and not result["failed"]
    gapfill(big.s2, big.masks, str(tmp_path / "ref"), reporter=SilentReporter(), threads=1, estimate=False)
    for s2 in big.s2:
        name = Path(s2).stem + "_gapfilled.tif"
        assert_same_raster(tmp_path / "filled" / name, tmp_path / "ref" / name)
        with rasterio.open(tmp_path / "filled" / name) as made, rasterio.open(tmp_path / "ref" / name) as ref:
            # a tile's own pixel count is not the output's: left out; the rest of the metadata kept
            assert "S2CF_FILLED_PIXELS" in ref.tags() and "S2CF_FILLED_PIXELS" not in made.tags()
            assert made.tags()["S2CF_METHOD"] == ref.tags()["S2CF_METHOD"] == "rbf"
            assert made.tags()["S2CF_BATCH_TILES"] == "9"
    # on request, a VRT over the tiles' cores instead of a COG: the same pixels
    values = values_of(S2_LAYERS=sample.s2, MASK_LAYERS=sample.masks, OUTPUT=str(tmp_path / "m.tif"))
    run(make_job("mosaic", values), values, TILE, client=client, log=lambda m: None, vrt=True)
    from s2cloudfree.core.mosaic import mosaic

    mosaic(sample.s2, sample.masks, str(tmp_path / "m_ref.tif"), reporter=SilentReporter(), threads=1)
    assert np.array_equal(read(tmp_path / "m.vrt")[0], read(tmp_path / "m_ref.tif")[0])


def test_least_cloudy_is_chosen_over_the_whole_region(sample, client, tmp_path):
    """Each tile alone would pick its own least cloudy date; the batch picks the single-process date
    from every tile's counts and has each tile forward it."""
    from s2cloudfree.core.least_cloudy import least_cloudy

    # masks made so that the first date is the least cloudy overall (clear in columns < 80) but the
    # second one in the right-hand tiles (clear in columns >= 64); every other date is all cloud
    masks = []
    for k, path in enumerate(sample.masks):
        with rasterio.open(path) as ds:
            profile, mask = ds.profile, np.ones((ds.height, ds.width), dtype=np.uint8)
        mask[:, :80] = 0 if k == 0 else mask[:, :80]
        mask[:, 64:] = 0 if k == 1 else mask[:, 64:]
        masks.append(str(tmp_path / f"mask_{k}.tif"))
        with rasterio.open(masks[-1], "w", **profile) as out:
            out.write(mask, 1)
    reference = least_cloudy(sample.s2, masks, str(tmp_path / "ref.tif"), reporter=SilentReporter(), threads=1)
    assert reference["selected_index"] == 0
    values = values_of(S2_LAYERS=sample.s2, MASK_LAYERS=masks, OUTPUT=str(tmp_path / "lc.tif"))
    logged = []
    result = run(make_job("leastcloudy", values), values, TILE, client=client, log=logged.append)
    assert result["tiles"] == 9 and not result["failed"]
    assert_same_raster(tmp_path / "lc.tif", tmp_path / "ref.tif")
    chosen = Path(sample.s2[reference["selected_index"]]).name
    assert any("Least cloudy over the whole region: " + chosen in m for m in logged), logged
    # tiles on their own would not all have chosen that date: the test can tell
    from s2cloudfree.batch.tiling import plan_tiles, window_bounds
    from s2cloudfree.core.raster_info import describe_raster

    grid = describe_raster(sample.s2[0]).grid
    local = {least_cloudy(sample.s2, masks, str(tmp_path / f"t{i}.tif"), extent=window_bounds(grid, t.core),
                          reporter=SilentReporter(), threads=1)["selected_index"]
             for i, t in enumerate(plan_tiles(grid, TILE, 0))}
    assert local == {0, 1}
    again = run(make_job("leastcloudy", values), values, TILE, client=client, log=lambda m: None)
    assert again["skipped"] == 9


def test_a_killed_worker_loses_no_tile(sample, tmp_path):
    from s2cloudfree.core.cloudmask import compute_cloud_mask

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    killed = []

    def kill_one(_tile, c):
        if not killed:
            pids = c.run(os.getpid)
            address, pid = sorted(pids.items())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(address)

    try:
        with distributed.Client(cluster) as c:
            values = values_of(INPUT=sample.s2[0], OUTPUT_MASK=str(tmp_path / "mask.tif"))
            result = run(make_job("cloudmask", values), values, 32, client=c, log=lambda m: None, on_tile=kill_one)
    finally:
        cluster.close()
    assert killed and result["tiles"] == 16 and result["computed"] == 16 and not result["failed"]
    compute_cloud_mask(sample.s2[0], str(tmp_path / "ref.tif"), reporter=SilentReporter(), threads=1)
    assert_same_raster(tmp_path / "mask.tif", tmp_path / "ref.tif")
    work = tmp_path / "mask.tif.s2cf-batch"
    assert sorted(p.name for p in work.iterdir() if p.is_dir()) == [f"r{r:03d}_c{c:03d}" for r in range(4)
                                                                     for c in range(4)]


def test_wrong_parameters_are_refused(sample, tmp_path):
    with pytest.raises(InputError, match="MASK_LAYERS, one per S2 layer"):
        make_job("mosaic", values_of(S2_LAYERS=sample.s2, MASK_LAYERS=sample.masks[:2], OUTPUT=str(tmp_path / "m.tif")))
    with pytest.raises(InputError, match="least_cloudy chooses one date over the whole region"):
        make_job("mosaic", values_of(S2_LAYERS=sample.s2, MASK_LAYERS=sample.masks, FALLBACK="2",
                                     OUTPUT=str(tmp_path / "m.tif")))
    with pytest.raises(InputError, match="unknown or unsupported parameter.*TILE_SIZE"):
        make_job("mosaic", values_of(S2_LAYERS=sample.s2, MASK_LAYERS=sample.masks, TILE_SIZE="5",
                                     OUTPUT=str(tmp_path / "m.tif")))
    with pytest.raises(InputError, match="does not exist"):
        make_job("cloudmask", values_of(INPUT=str(tmp_path / "nope.tif"), OUTPUT_MASK=str(tmp_path / "x.tif")))
    # the command line says what is wrong and exits 2
    env = dict(os.environ, PYTHONPATH=str(ROOT / ".dev" / "plugins"))
    done = subprocess.run([sys.executable, "-m", "s2cloudfree.batch", "mosaic", f"S2_LAYERS={sample.s2[0]}",
                           f"S2_LAYERS={sample.s2[1]}", f"MASK_LAYERS={sample.masks[0]}", f"OUTPUT={tmp_path / 'm.tif'}"],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2 and "MASK_LAYERS" in done.stderr


def test_seq2seq_in_tiles_within_the_tolerance(client, tmp_path):
    """Each tile fits its own networks (same SEED), so the result is not bit-identical: clear pixels
    are (they keep their observations), and the reconstructed pixels' error against the truth stays
    within 10 % (+0.002 reflectance) of the single-process run's."""
    from s2cloudfree.core.sample import generate_sample_series
    from s2cloudfree.core.seq2seq import seq2seq

    # the top 112 rows of a 224 px series in 2 tiles of 112 px: with the 96 px overlap each tile sees
    # 208 of the 224 columns
    series = generate_sample_series(str(tmp_path / "s"), n_dates=3, size=224, seed=11, s1=False, fast=True)
    left, _bottom, right, top = series.grid.bounds
    strip = (left, top - 1120, right, top)
    settings = dict(STEPS="4", TILE_SIZE="256", SEED="3", DEVICE="cpu", CPU_THREADS="1")
    values = values_of(S2_LAYERS=series.s2, MASK_LAYERS=series.masks, OUTPUT_FOLDER=str(tmp_path / "batch"),
                       EXTENT=f"{left},{right},{top - 1120},{top}", **settings)
    job = make_job("seq2seq", values)
    assert job.overlap == 96 and job.alignment == 16
    result = run(job, values, 112, client=client, log=lambda m: None)
    assert result["tiles"] == 2 and not result["failed"]
    seq2seq(series.s2, series.masks, str(tmp_path / "one"), extent=strip, device="cpu", seed=3, steps=4,
            tile_size=256, threads=1, reporter=SilentReporter())
    errors = {"batch": [], "one": []}
    for s2, mask, truth in zip(series.s2, series.masks, series.truth):
        name = Path(s2).stem + "_cloudfree.tif"
        made, made_profile = read(tmp_path / "batch" / name)
        one, _ = read(tmp_path / "one" / name)
        assert made.shape == one.shape == (13, 112, 224)
        clear = read(mask)[0][0, :112] == 0
        assert np.array_equal(made[:, clear], one[:, clear])           # observed values kept, bit for bit
        assert np.array_equal(made == made_profile["nodata"], one == made_profile["nodata"])
        cloudy = ~clear
        expected = read(truth)[0][:, :112][:, cloudy].astype(np.float64)
        errors["batch"].append(made[:, cloudy].astype(np.float64) - expected)
        errors["one"].append(one[:, cloudy].astype(np.float64) - expected)
        with rasterio.open(tmp_path / "batch" / name) as ds:
            assert "S2CF_ESTIMATED_RMSE" not in ds.tags() and ds.tags()["S2CF_ALGORITHM"] == "seq2seq"
    rmse = {k: float(np.sqrt(np.mean(np.concatenate(v, axis=1) ** 2))) / 10000 for k, v in errors.items()}
    print(f"seq2seq RMSE of the reconstructed pixels: batch {rmse['batch']:.5f}, one process {rmse['one']:.5f}")
    assert rmse["batch"] <= 1.10 * rmse["one"] + 0.002, rmse
    assert sum(e.shape[1] for e in errors["one"]) > 5000   # enough reconstructed pixels to mean something


def test_seq2point_in_tiles_equals_one_process_within_one_dn(sample, client, tmp_path):
    """Inference only: with the receptive field and the blending margin as overlap, a tile's core is
    what one process computes, up to the rounding of differently shaped convolutions (at most 1 DN)."""
    torch = pytest.importorskip("torch")
    from s2cloudfree.core.bands import L1C_BANDS
    from s2cloudfree.core.seq2point import seq2point
    from s2cloudfree.models.checkpoint import save_checkpoint
    from s2cloudfree.models.crtsnet import build_model, model_config, receptive_radius

    config = model_config("crtsnet-lite", bands=L1C_BANDS, n_inputs=3, use_s1=False, features=8,
                          blocks_2d=1, blocks_3d=1)
    torch.manual_seed(0)
    model = str(tmp_path / "tiny.pt")
    save_checkpoint(model, build_model(config), config, training={"data": "none (random)"})
    values = values_of(S2_LAYERS=sample.s2, MODEL=model, SELECTION="first", TILE_SIZE="64", OVERLAP="16",
                       DEVICE="cpu", OUTPUT=str(tmp_path / "s2p.tif"))
    job = make_job("seq2point", values)
    assert job.overlap == receptive_radius(config) + 16
    result = run(job, values, TILE, client=client, log=lambda m: None)
    assert result["tiles"] == 9 and not result["failed"]
    seq2point(sample.s2, str(tmp_path / "ref.tif"), model, selection="first", tile_size=64, overlap=16,
              device="cpu", threads=1, reporter=SilentReporter())
    made, made_profile = read(tmp_path / "s2p.tif")
    ref, ref_profile = read(tmp_path / "ref.tif")
    assert made.shape == ref.shape and made_profile["transform"] == ref_profile["transform"]
    difference = np.abs(made.astype(np.int64) - ref.astype(np.int64))
    assert difference.max() <= 1 and np.mean(difference == 0) > 0.99, (difference.max(), np.mean(difference == 0))
    with pytest.raises(InputError, match="least_cloudy chooses the dates over the whole region"):
        make_job("seq2point", values_of(S2_LAYERS=sample.s2, MODEL=model, SELECTION="1",
                                        OUTPUT=str(tmp_path / "x.tif")))


def test_batch_choices_follow_the_processing_algorithms():
    """Enum indices mean the same in a batch run as in qgis_process."""
    from s2cloudfree.batch import jobs
    from s2cloudfree.processing_provider.algorithm_base import MASK_METHODS
    from s2cloudfree.processing_provider.seq2point_algorithm import PRECISION_OPTIONS, SELECTION_OPTIONS
    from s2cloudfree.processing_provider.seq2seq_algorithm import PRESET_OPTIONS

    assert jobs.SEQ2POINT_SELECTIONS == tuple(name for name, _ in SELECTION_OPTIONS)
    assert jobs.SEQ2POINT_PRECISIONS == tuple(PRECISION_OPTIONS)
    assert jobs.SEQ2SEQ_PRESETS == tuple(name for name, _ in PRESET_OPTIONS)
    assert jobs.MASK_METHODS == tuple(name for name, _ in MASK_METHODS)


def test_scene_classification_masks_in_tiles_equal_one_process(client, shared_data, tmp_path):
    """METHOD 1 on a real Level-2A date with its SCL at 20 m: tiles of 23 px cut through 20 m pixels,
    and the masks and classes still equal the single-process ones."""
    from s2cloudfree.core.scl_mask import compute_scl_mask

    folder = shared_data / "belgium_31UDS_s1s2"
    scl_path = sorted(folder.glob("scl_*.tif"))[1]
    s2_path = str(scl_path).replace("/scl_", "/s2_")
    with rasterio.open(scl_path) as ds:
        scl, profile, transform = ds.read(1), ds.profile.copy(), ds.transform
    for key in ("blockxsize", "blockysize", "tiled"):
        profile.pop(key, None)
    profile.update(width=scl.shape[1] // 2, height=scl.shape[0] // 2, transform=transform * transform.scale(2, 2))
    coarse = tmp_path / scl_path.name
    with rasterio.open(coarse, "w", **profile) as out:
        out.write(scl[::2, ::2], 1)
    values = values_of(INPUT=s2_path, METHOD="1", SCL=str(coarse), SCL_CLASSES="3,8,9,10,11",
                       OUTPUT_MASK=str(tmp_path / "mask.tif"), OUTPUT_CLASSES=str(tmp_path / "classes.tif"))
    job = make_job("cloudmask", values)
    assert job.overlap == 0
    result = run(job, values, 23, client=client, log=lambda m: None)
    assert result["tiles"] == 9 and not result["failed"]
    compute_scl_mask(str(coarse), str(tmp_path / "ref.tif"), s2_path, classes="3,8,9,10,11",
                     reporter=SilentReporter(), classes_path=str(tmp_path / "ref_classes.tif"))
    assert_same_raster(tmp_path / "mask.tif", tmp_path / "ref.tif")
    assert_same_raster(tmp_path / "classes.tif", tmp_path / "ref_classes.tif")
    assert 0 < read(tmp_path / "mask.tif")[0].mean() < 255   # clear and not clear pixels both present
    with pytest.raises(InputError, match="ukis-csmask and automatic are not tiled"):
        make_job("cloudmask", values_of(INPUT=s2_path, METHOD="3", OUTPUT_MASK=str(tmp_path / "x.tif")))
    with pytest.raises(InputError, match="METHOD 1 needs one SCL layer|SCL is required"):
        make_job("cloudmask", values_of(INPUT=s2_path, METHOD="scl", OUTPUT_MASK=str(tmp_path / "x.tif")))


def test_assembly_with_overviews_is_quiet_and_exact(client, tmp_path, capfd):
    """A 13-band output large enough for COG overviews: GDAL 3.6's multi-threaded reading of the
    band-interleaved tiles printed an error per block (harmless, but hundreds of 'ERROR 1' lines on
    the console); the assembly reads them single-threaded. Full resolution and overviews equal a COG
    made from the single-process output."""
    from rasterio.shutil import copy as rio_copy

    from s2cloudfree.core.mosaic import mosaic
    from s2cloudfree.core.sample import generate_sample_series

    big = generate_sample_series(str(tmp_path / "s"), n_dates=2, size=1024, seed=3, truth=False, s1=False, fast=True)
    values = values_of(S2_LAYERS=big.s2, MASK_LAYERS=big.masks, OUTPUT=str(tmp_path / "m.tif"))
    capfd.readouterr()
    result = run(make_job("mosaic", values), values, 512, client=client, log=lambda m: None)
    assert result["tiles"] == 4 and not result["failed"]
    captured = capfd.readouterr()
    assert "ERROR" not in captured.err and "ERROR" not in captured.out, captured.err[:500]
    mosaic(big.s2, big.masks, str(tmp_path / "ref.tif"), reporter=SilentReporter(), threads=1)
    rio_copy(str(tmp_path / "ref.tif"), str(tmp_path / "ref_cog.tif"), driver="COG", COMPRESS="DEFLATE")
    with rasterio.open(tmp_path / "m.tif") as made, rasterio.open(tmp_path / "ref_cog.tif") as ref:
        assert made.overviews(1) == ref.overviews(1) and made.overviews(1)
        for factor in [1] + made.overviews(1):
            shape = (made.count, made.height // factor, made.width // factor)
            assert np.array_equal(made.read(out_shape=shape), ref.read(out_shape=shape)), factor


def test_masks_computed_in_each_tile_equal_one_process(sample, client, tmp_path):
    """Without MASK_LAYERS each tile computes s2cloudless masks for its window (plus the masks' own
    overlap) as the Processing algorithms compute them for the whole region: mosaic and gap filler
    bit for bit the single-process results."""
    from s2cloudfree.core.gapfill_files import gapfill
    from s2cloudfree.core.mosaic import mosaic
    from s2cloudfree.core.series_masks import CloudMaskSettings, series_masks

    s2 = sample.s2[:3]
    values = values_of(S2_LAYERS=s2, OUTPUT=str(tmp_path / "mosaic.tif"))
    job = make_job("mosaic", values)
    assert job.overlap == 6                      # AVERAGE_OVER 4 + DILATION_SIZE 2
    assert not run(job, values, TILE, client=client, log=lambda m: None)["failed"]
    filled = values_of(S2_LAYERS=s2, MASK_METHOD="0", OUTPUT_FOLDER=str(tmp_path / "filled"))
    job = make_job("gapfill", filled)
    assert job.overlap == 96                     # the reach (86 px) + the masks' 6 px, up to the 16 px lattice
    assert not run(job, filled, TILE, client=client, log=lambda m: None)["failed"]
    with series_masks(s2, None, settings=CloudMaskSettings(method="auto"), reporter=SilentReporter()) as (masks, _):
        mosaic(s2, masks, str(tmp_path / "ref.tif"), reporter=SilentReporter(), threads=1)
        gapfill(s2, masks, str(tmp_path / "ref"), reporter=SilentReporter(), threads=1, estimate=False)
    assert_same_raster(tmp_path / "mosaic.tif", tmp_path / "ref.tif")
    for path in s2:
        name = Path(path).stem + "_gapfilled.tif"
        assert_same_raster(tmp_path / "filled" / name, tmp_path / "ref" / name)
    with pytest.raises(InputError, match="without MASK_LAYERS, batch runs compute s2cloudless masks"):
        make_job("mosaic", values_of(S2_LAYERS=sample.s2, METHOD="2", OUTPUT=str(tmp_path / "x.tif")))
    with pytest.raises(InputError, match="MASK_LAYERS, one per S2 layer"):
        make_job("leastcloudy", values_of(S2_LAYERS=sample.s2, OUTPUT=str(tmp_path / "x.tif")))
