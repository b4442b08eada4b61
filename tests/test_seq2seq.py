"""Sequence-to-sequence internal learning: network, schedule, tiles, device, files, protocol on real data.

The quality test at the end runs the paper's seq2seq protocol on twelve real Belgian dates with
every baseline and prints the table (run pytest with -s to see it).
"""

import os
import subprocess
import sys
import time

import numpy as np
import pytest
import rasterio

from s2cloudfree.core import seq2seq as s2s
from s2cloudfree.core.errors import CancelledError, InputError
from s2cloudfree.core.reporting import SilentReporter

torch = pytest.importorskip("torch")

#: torch CPU threads in these tests. One: on a machine shared with other jobs, two OpenMP threads
#: that wait for each other at every layer ran 5 times slower than one (measured).
THREADS = 1
#: A very short schedule for the file-level tests (seconds on 2 CPU cores).
TINY = s2s.Schedule("tiny", passes=1, steps=3, learning_rate=0.01, batch_dates=4)


# ---------------------------------------------------------------------------------------------
# network

def test_network_any_size_and_sigmoid_range():
    from s2cloudfree.models.seq2seq_net import CHANNELS, Seq2SeqNet, parameter_count

    torch.manual_seed(0)
    net = Seq2SeqNet(4, 13)
    assert CHANNELS == (16, 32, 64, 128, 128, 128)
    assert net.multiple == 32
    assert parameter_count(net) > 1_000_000
    for dates, rows, cols in ((3, 37, 50), (1, 16, 16), (5, 64, 64)):
        x = torch.rand(1, 4, dates, rows, cols)
        with torch.no_grad():
            y = net(x)
        assert y.shape == (1, 13, dates, rows, cols)
        assert float(y.min()) > 0 and float(y.max()) < 1


def test_network_downsamples_space_only():
    from s2cloudfree.models.seq2seq_net import Seq2SeqNet

    net = Seq2SeqNet(2, 3)
    strides = [m.stride for m in net.modules() if isinstance(m, torch.nn.Conv3d)]
    # internal layout: rows, cols, dates: dates are never strided
    assert all(s[2] == 1 for s in strides)
    assert sum(s == (2, 2, 1) for s in strides) == 5


def test_importing_core_does_not_import_torch():
    code = ("import sys; sys.path.insert(0, %r); import s2cloudfree.core.seq2seq, s2cloudfree.core.device, "
            "s2cloudfree.core.evaluation_protocol, s2cloudfree.core.metrics; print('torch' in sys.modules)")
    plugins = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(s2s.__file__))), os.pardir)
    out = subprocess.run([sys.executable, "-c", code % os.path.abspath(plugins)], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# schedule

def test_presets_and_overrides():
    paper = s2s.make_schedule("paper")
    assert (paper.passes, paper.steps, paper.learning_rate, paper.batch_dates, paper.order) == \
        (20, 100, 0.01, 5, "sequential")
    assert s2s.PRESET_NAMES[0] == s2s.DEFAULT_PRESET
    fast = s2s.make_schedule()
    assert fast.total_steps(30) * fast.batch_dates * 10 <= paper.total_steps(30) * paper.batch_dates
    custom = s2s.make_schedule("paper", passes=2, steps=0, learning_rate=0.001)
    assert (custom.passes, custom.steps, custom.learning_rate) == (2, 100, 0.001)
    with pytest.raises(InputError):
        s2s.make_schedule("slow")
    with pytest.raises(InputError):
        s2s.make_schedule("paper", passes=-1)


def test_temporal_batches_cover_all_dates_with_full_batches():
    assert s2s.temporal_batches(12, 5) == [(0, 5), (5, 10), (7, 12)]
    assert s2s.temporal_batches(10, 5) == [(0, 5), (5, 10)]
    assert s2s.temporal_batches(3, 5) == [(0, 3)]
    for n in range(1, 40):
        for length in (1, 3, 5, 12):
            batches = s2s.temporal_batches(n, length)
            covered = set()
            for a, b in batches:
                assert b - a == min(length, n)
                covered.update(range(a, b))
            assert covered == set(range(n))


def test_paper_step_plan_is_sequential():
    plan = s2s._step_plan(s2s.make_schedule("paper"), s2s.temporal_batches(12, 5))
    assert len(plan) == 20 * 3 * 100
    assert plan[:100] == [(0, 0)] * 100 and plan[100] == (0, 1)


# ---------------------------------------------------------------------------------------------
# tiles

def test_tile_weights_partition_unity_and_cover():
    for h, w, size, overlap in ((300, 200, 128, 32), (64, 64, 256, 32), (257, 513, 256, 16), (100, 90, 40, 0)):
        tiles = s2s.plan_tiles(h, w, size, overlap)
        total = np.zeros((h, w))
        for tile in tiles:
            win = tile.window
            assert win.height <= size and win.width <= size
            total[win.row_off:win.row_off + win.height, win.col_off:win.col_off + win.width] += tile.weights
        assert np.allclose(total, 1.0)
    with pytest.raises(InputError):
        s2s.plan_tiles(100, 100, 8, 0)
    with pytest.raises(InputError):
        s2s.plan_tiles(100, 100, 64, 40)


# ---------------------------------------------------------------------------------------------
# device

def test_device_strings():
    from s2cloudfree.core.device import describe_device, resolve_device

    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("CPU ").type == "cpu"
    assert resolve_device("auto", preferred="cpu").type == "cpu"
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    assert resolve_device(None).type == expected
    assert "cpu" in describe_device("cpu")
    with pytest.raises(InputError, match="Unknown DEVICE"):
        resolve_device("gpu")
    with pytest.raises(InputError):
        resolve_device("cuda:99")
    if not torch.cuda.is_available():
        with pytest.raises(InputError, match="CUDA"):
            resolve_device("cuda")
        with pytest.raises(InputError, match="plugin settings"):
            resolve_device("auto", preferred="cuda")
    backend = getattr(torch.backends, "mps", None)
    if backend is None or not backend.is_available():
        with pytest.raises(InputError, match="MPS"):
            resolve_device("mps")


# ---------------------------------------------------------------------------------------------
# the fit

def _toy(dates=6, bands=3, size=24, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.random((bands, size, size)).astype(np.float32) * 0.3 + 0.1
    target = np.stack([base * (1 + 0.05 * t) for t in range(dates)]).astype(np.float32)
    clear = rng.random((dates, size, size)) > 0.3
    inputs = rng.random((dates, 4, size, size)).astype(np.float32)
    return target, clear, inputs


def test_fit_is_deterministic_on_cpu_and_depends_on_seed():
    target, clear, inputs = _toy()
    with s2s.torch_settings(0, THREADS):
        a = s2s.fit_predict(target, clear, inputs, TINY, "cpu", seed=3)
        b = s2s.fit_predict(target, clear, inputs, TINY, "cpu", seed=3)
        c = s2s.fit_predict(target, clear, inputs, TINY, "cpu", seed=4)
    assert a.shape == target.shape and a.dtype == np.float32
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_loss_ignores_cloudy_pixels():
    """Two series that differ only under the clouds give exactly the same network output."""
    target, clear, inputs = _toy(seed=1)
    clouds = target.copy()
    clouds[np.broadcast_to(~clear[:, None], target.shape)] = 0.95  # bright 'clouds' where not clear
    with s2s.torch_settings(0, THREADS):
        a = s2s.fit_predict(target, clear, inputs, TINY, "cpu", seed=0)
        b = s2s.fit_predict(clouds, clear, inputs, TINY, "cpu", seed=0)
    assert np.array_equal(a, b)


def test_fit_reduces_the_masked_loss():
    target, clear, inputs = _toy(seed=2)
    losses = []
    schedule = s2s.Schedule("t", passes=4, steps=5, learning_rate=0.01, batch_dates=6)
    with s2s.torch_settings(0, THREADS):
        s2s.fit_predict(target, clear, inputs, schedule, "cpu", 0, on_pass=lambda p, loss: losses.append(loss))
    assert len(losses) == 4
    assert losses[-1] < losses[0]


def test_cancel_stops_within_one_step():
    target, clear, inputs = _toy()
    steps = []

    def on_step(k, total):
        steps.append(k)
        if k == 2:
            raise CancelledError()

    with s2s.torch_settings(0, THREADS), pytest.raises(CancelledError):
        s2s.fit_predict(target, clear, inputs, s2s.Schedule("t", 1, 50, 0.01, 3), "cpu", 0, on_step=on_step)
    assert steps == [1, 2]


def test_static_channels():
    inputs = np.random.default_rng(0).random((5, 2, 8, 8)).astype(np.float32)
    out = s2s.with_static_channels(inputs, [True, False, True, True, True])
    assert out.shape == (5, 4, 8, 8)
    assert np.array_equal(out[:, :2], inputs)
    assert np.allclose(out[3, 2:], inputs[[0, 2, 3, 4]].mean(axis=0))
    assert np.array_equal(out[0, 2:], out[4, 2:])
    noise = s2s.with_static_channels(inputs, [False] * 5, seed=1)
    assert np.array_equal(noise[0, 2:], noise[1, 2:])
    assert np.array_equal(noise, s2s.with_static_channels(inputs, [False] * 5, seed=1))


# ---------------------------------------------------------------------------------------------
# seams

def _seam_jumps(image, borders, axis):
    """Mean absolute step between neighbouring pixels across ``borders`` (pixel index where a new
    tile's own area begins) and, for comparison, across every other position."""
    diff = np.abs(np.diff(image, axis=axis)).mean(axis=tuple(a for a in range(image.ndim) if a != axis))
    at = np.array(sorted(set(borders)))
    seam = diff[at - 1].mean()
    interior = np.delete(diff, np.concatenate([at - 1 - k for k in range(-2, 3)])).mean()
    return seam, interior


def test_tile_seams_are_not_visible():
    """Independent fits per tile, blended over the overlap: the step between neighbouring pixels
    where tiles meet is no larger than inside tiles (a hard cut-over is shown to be larger)."""
    from s2cloudfree.core.evaluation_protocol import load_series

    series_dir = os.path.join(os.path.dirname(__file__), os.pardir, "..", "shared", "data", "belgium_31UDS_s1s2")
    dates = ["2018-06-23", "2018-06-25", "2018-06-28", "2018-06-30", "2018-07-03", "2018-07-05"]
    s2 = [os.path.join(series_dir, f"s2_{d}.tif") for d in dates]
    masks = [os.path.join(series_dir, f"clm_{d}.tif") for d in dates]
    arrays = load_series(s2, masks)
    n, bands, h, w = arrays.data.shape
    inputs = s2s.with_static_channels(s2s.noise_input(n, h, w, 0), [False] * n)
    schedule = s2s.Schedule("seam", passes=1, steps=12, learning_rate=0.005, batch_dates=6)
    blended = s2s.reconstruct(arrays.data, arrays.clear, inputs, schedule, "cpu", 0, tile_size=40,
                              tile_overlap=16, threads=THREADS)
    tiles = s2s.plan_tiles(h, w, 40, 16)
    starts = sorted({t.window.col_off for t in tiles} - {0})
    # the blend runs over the overlap: check where the previous tile ends and the next begins
    ends = sorted({t.window.col_off + t.window.width for t in tiles} - {w})
    borders = starts + ends
    seam, interior = _seam_jumps(blended, borders, axis=3)
    print(f"\nseam test: mean |step| across tile borders {seam:.5f}, elsewhere {interior:.5f}")
    assert seam <= 1.5 * interior
    # hard stitching of the same independent fits (no blending) for comparison
    hard = np.zeros_like(blended)
    with s2s.torch_settings(0, THREADS):
        for tile in tiles:
            win = tile.window
            rs = slice(win.row_off, win.row_off + win.height)
            cs = slice(win.col_off, win.col_off + win.width)
            pred = s2s.fit_predict(arrays.data[:, :, rs, cs], arrays.clear[:, rs, cs], inputs[:, :, rs, cs],
                                   schedule, "cpu", 0 + tile.index)
            own = slice(win.col_off + (8 if win.col_off else 0), win.col_off + win.width)
            hard[:, :, rs, own] = pred[:, :, :, own.start - win.col_off:]
    cut = [t.window.col_off + 8 for t in tiles if t.window.col_off]
    hard_seam, hard_interior = _seam_jumps(hard, cut, axis=3)
    print(f"hard cut-over: across {hard_seam:.5f}, elsewhere {hard_interior:.5f}")
    assert hard_seam > seam


# ---------------------------------------------------------------------------------------------
# files in, files out

@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    from s2cloudfree.core.sample import generate_sample_series

    folder = tmp_path_factory.mktemp("s2s_sample")
    return generate_sample_series(str(folder), n_dates=6, size=40, seed=5)


def _run(sample, out, **kwargs):
    kwargs.setdefault("preset", TINY)
    kwargs.setdefault("threads", THREADS)
    reporter = kwargs.pop("reporter", None) or SilentReporter()
    result = s2s.seq2seq(sample.s2, sample.masks, str(out), reporter=reporter, **kwargs)
    return result, reporter


def test_writes_one_geotiff_per_date(small_sample, tmp_path):
    result, reporter = _run(small_sample, tmp_path / "out", s1_paths=small_sample.s1, device="cpu")
    assert len(result["outputs"]) == len(small_sample.s2)
    assert result["device"] == "cpu"
    assert any(m.startswith("Device: cpu") for m in reporter.messages)
    assert any("pass 1/1" in m for m in reporter.messages)
    assert reporter.progress == sorted(reporter.progress) and reporter.progress[-1] == pytest.approx(100)
    for src_path, mask_path, out_path in zip(small_sample.s2, small_sample.masks, result["outputs"]):
        stem = os.path.splitext(os.path.basename(src_path))[0]
        assert os.path.basename(out_path) == f"{stem}_cloudfree.tif"
        with rasterio.open(src_path) as src, rasterio.open(out_path) as out, rasterio.open(mask_path) as m:
            assert (out.crs, out.transform, out.shape, out.count) == (src.crs, src.transform, src.shape, src.count)
            assert out.dtypes == src.dtypes and out.nodata == src.nodata
            assert out.descriptions == src.descriptions
            assert out.tags()["S2CF_INPUT"] == "S1"
            clear = m.read(1) == 0
            a, b = out.read(), src.read()
            assert np.array_equal(a[:, clear], b[:, clear])  # clear pixels kept
            if (~clear).any():
                assert not np.array_equal(a[:, ~clear], b[:, ~clear])  # cloudy pixels replaced
    assert sorted(os.listdir(tmp_path / "out")) == sorted(os.path.basename(p) for p in result["outputs"])


def test_default_preset_on_files_reports_its_error_and_warm_starts_tiles(small_sample, tmp_path):
    """The default preset over files: tiles after the first start from their neighbour's network
    (fewer steps), and the run's own error estimate reaches the log, the result and the tags."""
    import dataclasses

    short = dataclasses.replace(s2s.PRESETS[s2s.DEFAULT_PRESET], steps=8, warm_steps=4, crop=32)
    result, reporter = _run(small_sample, tmp_path / "out", s1_paths=small_sample.s1, device="cpu",
                            preset=short, tile_size=24, tile_overlap=6)
    assert result["tiles"] > 1
    assert result["held_out_pixels"] > 0
    assert 0 < result["estimated_rmse"] <= result["estimated_rmse_prior"] + 1e-9
    assert any(m.startswith("Estimated RMSE") and "held-out clear pixels" in m for m in reporter.messages)
    assert reporter.progress[-1] == pytest.approx(100)
    with rasterio.open(result["outputs"][0]) as out:
        tags = out.tags()
    assert float(tags["S2CF_ESTIMATED_RMSE"]) == pytest.approx(result["estimated_rmse"], abs=1e-5)
    assert int(tags["S2CF_HELD_OUT_PIXELS"]) == result["held_out_pixels"]


def test_raw_output_and_determinism(small_sample, tmp_path):
    first, _ = _run(small_sample, tmp_path / "a", raw_output=True, seed=2)
    second, reporter = _run(small_sample, tmp_path / "b", raw_output=True, seed=2)
    assert any("fixed noise" in m for m in reporter.messages)
    for p, q, src in zip(first["outputs"], second["outputs"], small_sample.s2):
        with rasterio.open(p) as a, rasterio.open(q) as b, rasterio.open(src) as s:
            assert np.array_equal(a.read(), b.read())
            assert a.tags()["S2CF_INPUT"] == "noise"
            assert not np.array_equal(a.read(), s.read())  # raw: clear pixels are network output too


def test_tiled_run_with_extent(small_sample, tmp_path):
    grid = small_sample.grid
    b = grid.bounds
    extent = (b[0] + 50, b[1] + 30, b[2] - 20, b[3] - 10)  # 10 m pixels: 33 x 36 px
    result, reporter = _run(small_sample, tmp_path / "out", extent=extent, extent_crs="EPSG:32631",
                            tile_size=20, tile_overlap=6)
    assert result["tiles"] == 6  # 36 rows: 3 tiles (starts 0, 8, 16); 33 cols: 2 tiles (0, 13)
    assert sum(m.startswith("Tile ") for m in reporter.messages) == 6
    with rasterio.open(result["outputs"][0]) as ds:
        assert ds.shape == (36, 33)


def test_cancel_leaves_no_files(small_sample, tmp_path):
    out = tmp_path / "out"
    for checks in (2, 4, 6 + 3):  # during the fit and while writing the dates
        with pytest.raises(CancelledError):
            _run(small_sample, out, reporter=SilentReporter(cancel_after_checks=checks))
        assert os.listdir(out) == []


def test_s2_date_without_s1_partner_gets_noise(small_sample, tmp_path):
    result, reporter = _run(small_sample, tmp_path / "out", s1_paths=small_sample.s1[:2], max_days=3)
    assert result["s1_paired"] == 2
    assert sum("no Sentinel-1 date within reach" in m for m in reporter.messages) == 4
    with rasterio.open(result["outputs"][-1]) as ds:
        assert ds.tags()["S2CF_INPUT"] == "noise"


def test_without_masks_they_are_computed_with_s2cloudless(small_sample, tmp_path):
    reporter = SilentReporter()
    result = s2s.seq2seq(small_sample.s2, None, str(tmp_path / "o"), preset=TINY, reporter=reporter)
    assert len(result["outputs"]) == len(small_sample.s2) and all(os.path.exists(p) for p in result["outputs"])
    assert any("No mask layers given: computing cloud masks with s2cloudless" in m for m in reporter.messages)


def test_bad_inputs(small_sample, tmp_path):
    with pytest.raises(InputError, match="at least 2"):
        s2s.seq2seq(small_sample.s2[:1], small_sample.masks[:1], str(tmp_path / "o"), preset=TINY)
    with pytest.raises(InputError, match="DEVICE"):
        s2s.seq2seq(small_sample.s2, small_sample.masks, str(tmp_path / "o"), preset=TINY, device="tpu")
    with pytest.raises(InputError, match="has 1 band: Sentinel-1 layers need VV and VH"):
        s2s.seq2seq(small_sample.s2, small_sample.masks, str(tmp_path / "o"), preset=TINY,
                    s1_paths=small_sample.masks)
    # an input named like an output in the output folder is never overwritten
    import shutil

    shutil.copy(small_sample.s2[0], tmp_path / "x.tif")
    shutil.copy(small_sample.s2[1], tmp_path / "x_cloudfree.tif")
    with pytest.raises(InputError, match="inputs"):
        s2s.seq2seq([str(tmp_path / "x.tif"), str(tmp_path / "x_cloudfree.tif")], small_sample.masks[:2],
                    str(tmp_path), preset=TINY)


# ---------------------------------------------------------------------------------------------
# quality on real data (the protocol of the paper)

#: Cases of the quality test: (site folder, first date of a window of 12, target, source): a clear
#: date with the real mask of a partly cloudy date pasted onto it (the situation where the default
#: preset's network may correct the gap filler), two with S1, two without. The last one is a case
#: where the held-out pixels keep part of the network's correction (the network really acts).
QUALITY_CASES = (
    ("belgium_31UDS_s1s2", 60, "2018-05-26", "2018-06-13"),
    ("belgium_31UDS_s1s2", 84, "2018-08-17", "2018-09-18"),
    ("romania_nrt_forest_3035", 120, "2020-07-05", "2020-07-30"),
    ("romania_nrt_forest_3035", 84, "2019-07-01", "2019-06-21"),
)
#: What another x86-64 CPU would do differently: AVX2 kernels instead of AVX-512 in torch, oneDNN,
#: MKL, OpenBLAS and numpy (on a machine without AVX-512 these change nothing).
OTHER_CPU = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "DNNL_MAX_CPU_ISA": "AVX2",
             "MKL_ENABLE_INSTRUCTIONS": "AVX2", "OPENBLAS_CORETYPE": "Haswell",
             "NPY_DISABLE_CPU_FEATURES": "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"}


def _quality_case(shared_data, site, first, target, source):
    from s2cloudfree.core import evaluation_protocol as ep

    folder = shared_data / site
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))[first:first + 12]
    s1 = sorted(str(p) for p in folder.glob("s1_*.tif")) or None
    arrays = ep.load_series(s2, [p.replace("/s2_", "/clm_") for p in s2], s1)
    names = [n[3:13] for n in arrays.names]
    return ep.make_case(arrays, target=names.index(target), source=names.index(source)), s1 is not None


_FITS = {}


def _fitted_quality_case(shared_data, index):
    """QUALITY_CASES[index], its S1 use and the default preset's fit with 2 threads, computed once per
    session (the quality test and the reproducibility test share the fits)."""
    if index not in _FITS:
        case, use_s1 = _quality_case(shared_data, *QUALITY_CASES[index])
        _FITS[index] = (case, use_s1) + _seq2seq_fit(case, use_s1, 2)
    return _FITS[index]


def test_protocol_on_real_series_default_preset(shared_data):
    """The default preset on four real cases (S1 where the site has it, noise elsewhere): on average
    never worse than its own prior (the gap filler) by more than 2 %, and the gap filler clearly
    better than mosaicing and temporal linear interpolation."""
    from s2cloudfree.core import evaluation_protocol as ep
    from s2cloudfree.core import gapfill as gf

    started = time.perf_counter()
    rows_by_method = {}
    for index, (site, first, target, source) in enumerate(QUALITY_CASES):
        case, use_s1, images, _, _ = _fitted_quality_case(shared_data, index)
        own = case.clear[case.target]
        image = images[case.target].copy()
        image[:, own] = case.data[case.target][:, own]               # clear pixels as observed
        methods = ep.standard_methods(case, names=("mosaic", "temporal_linear"))
        methods["seq2seq"] = lambda c, image=image: image
        methods["gapfill"] = lambda c: np.nan_to_num(
            gf.fill_series(c.data, c.clear, c.dates, valid=c.valid)[c.target], nan=0.5)
        rows = ep.run_protocol(case, methods)
        print("\n" + ep.format_table(rows, f"{site} {target} <- {source} ({'S1' if use_s1 else 'noise'} input)"))
        for r in rows:
            rows_by_method.setdefault(r["method"], []).append(r["rmse"])
    means = {m: float(np.mean(v)) for m, v in rows_by_method.items()}
    print(f"means: " + ", ".join(f"{m} {v:.4f}" for m, v in means.items()) + f"; {time.perf_counter() - started:.1f} s")
    assert means["seq2seq"] <= 1.02 * means["gapfill"], means
    assert means["gapfill"] < 0.9 * min(means["mosaic"], means["temporal_linear"]), means


def _seq2seq_fit(case, use_s1, threads, seed=0):
    """The default preset's fit on one protocol case: (every date's image, the fitted weights as one
    float64 vector, the info's numbers)."""
    from s2cloudfree.core import evaluation_protocol as ep

    arrays = case.arrays
    inputs = ep.seq2seq_inputs(case, use_s1, seed)
    with s2s.torch_settings(seed, threads):
        pred, info = s2s.fit_predict(case.data, case.clear, inputs, s2s.make_schedule(TEST_PRESET), "cpu", seed,
                                     days=case.dates, valid=case.valid, return_info=True,
                                     paired=arrays.s1_paired if use_s1 else None)
    weights = np.concatenate([v.detach().cpu().double().numpy().ravel() for v in info["state"].values()])
    numbers = {k: float(v) for k, v in info.items() if isinstance(v, (int, float, bool))}
    return pred, weights, numbers


def test_default_preset_gives_the_same_fit_with_other_threads_and_cpu_kernels(shared_data, tmp_path):
    """The same case with 2 threads here and, in a fresh process, with 1 thread and the AVX2 code
    paths of torch, oneDNN, MKL, OpenBLAS and numpy: the same decisions (steps, early stop, share
    kept), the same numbers computed from the network's output on the held-out pixels (the share
    they asked for at the early-stop check, the held-out gain) and the same images, float32
    rounding apart. In float32 the fit did not survive this (0 % of the correction kept in one run,
    40 % in the other). The weights themselves are not compared: Adam turns the rounding noise of
    gradients that are nearly zero into full-size steps, so weights that hardly change the output
    differ between the runs (by up to 0.016 here) while what the network outputs does not."""
    case, use_s1, images, weights, numbers = _fitted_quality_case(shared_data, 0)
    assert numbers["steps"] > 0 and np.abs(weights).max() > 0   # a network was fitted
    out = tmp_path / "other.npz"
    script = (
        "import os, sys, numpy as np; sys.path.insert(0, sys.argv[1]); "
        "sys.path.insert(0, os.path.join(os.path.dirname(sys.argv[1]), 'scripts')); "
        "from plugin_link import make_plugin_importable; make_plugin_importable(); import test_seq2seq as t; "
        "from pathlib import Path; "
        "case, use_s1 = t._quality_case(Path(sys.argv[2]), *t.QUALITY_CASES[0]); "
        "images, weights, numbers = t._seq2seq_fit(case, use_s1, 1); "
        "np.savez(sys.argv[3], images=images, weights=weights, names=list(numbers), values=list(numbers.values()))")
    env = dict(os.environ, **OTHER_CPU)
    done = subprocess.run([sys.executable, "-c", script, os.path.dirname(__file__), str(shared_data), str(out)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    other = np.load(out)
    other_numbers = dict(zip(other["names"], other["values"]))
    for name in ("steps", "stopped_early", "held_out_pixels"):
        assert other_numbers[name] == numbers[name], name
    for name in ("alpha", "estimated_rmse", "estimated_rmse_prior"):
        assert abs(other_numbers[name] - numbers[name]) < 1e-6, name
    for name in ("stop_check_share", "held_out_gain"):   # from the network's output: margins of 0.02 and 0.1
        assert (name in numbers) == (name in other_numbers), name
        if name in numbers and np.isfinite(numbers[name]):
            assert abs(other_numbers[name] - numbers[name]) < 1e-4, name
    assert np.isfinite(numbers["stop_check_share"])
    assert np.abs(other["images"] - images).max() < 1e-5


#: The preset of the quality test: the default one, as users run it (about 40 s on 2 CPU cores).
TEST_PRESET = s2s.DEFAULT_PRESET
