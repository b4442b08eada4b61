#!/usr/bin/env python3
"""Cloud-mask benchmark (issue 3): this plugin's s2cloudless masks against s2cloudless itself.

Data: the real L1C scene of ../shared/data/s2cloudless_scene (856 x 512), tiled 2 x 2
(1712 x 1024 = 1.75 Mpx), read from there; the tiled copy for the file runs is written to
bench_output/cloudmask/ (ignored by git).

Both sides get 2 threads: OMP_NUM_THREADS / MKL_NUM_THREADS / OPENBLAS_NUM_THREADS /
NUMBA_NUM_THREADS = 2 are set before anything is imported, LightGBM gets
``num_threads=2`` (s2cloudless passes keyword arguments of ``get_cloud_masks`` on to
``Booster.predict``), our engines get ``threads=2`` (a pool of 2 threads) and torch
``set_num_threads(2)``.

Figures, at native resolution with the paper's settings (threshold 0.4, average_over 4,
dilation_size 2):
- pixels per second of ``S2PixelCloudDetector.get_cloud_masks`` on the in-memory scene,
- pixels per second of ``cloud_probability`` + ``probability_to_mask`` on the same array with
  the ``fast`` engine (numba when installed) and the pure-NumPy engine, and their ratios,
- pixels per second of ``compute_cloud_mask`` on the tiled GeoTIFF (reading and writing
  included), natively and at 60 m,
- the seconds these rates give for one full 10980 x 10980 tile,
- the torch engine on CUDA when a GPU is there (skipped otherwise).
Each figure is the best of ``--repeat`` interleaved runs (the machine may be shared). The
benchmark asserts only correctness: every mask identical to s2cloudless's.
"""

import os

for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_name] = "2"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SCENE = REPO.parent / "shared" / "data" / "s2cloudless_scene" / "s2_unknown-date.tif"
OUT = REPO / "bench_output" / "cloudmask"
sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402
THREADS = 2
TILE_PIXELS = 10980 * 10980
SETTINGS = dict(threshold=0.4, average_over=4, dilation_size=2)
LLEAVES_PYTHON = REPO / ".venv-lleaves" / "bin" / "python"


def run_lleaves(python, features, repeat):
    """The lleaves reference in its own interpreter: (best seconds, compile seconds, probabilities,
    versions), or None with the reason."""
    import json
    import subprocess

    import numpy as np

    from s2cloudfree.core.tree_engine import s2cloudless_model_path

    if not Path(python).exists():
        return None, f"no {python} (make lleaves-venv)"
    feature_path, prob_path = OUT / "lleaves_features.npy", OUT / "lleaves_probability.npy"
    np.save(feature_path, np.ascontiguousarray(features.T, dtype=np.float64))
    command = [str(python), str(REPO / "benchmarks" / "lleaves_reference.py"), s2cloudless_model_path(),
               str(feature_path), str(prob_path), "--threads", str(THREADS), "--repeat", str(repeat),
               "--cache", str(OUT)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        return None, f"lleaves failed: {done.stderr.strip().splitlines()[-1:]}"
    info = json.loads(done.stdout.strip().splitlines()[-1])
    return (min(info["runs_s"]), info, np.load(prob_path)), None


def best_time(function, runs):
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), times, result


def print_csmask_speed(tiled_path, pixels, repeat):
    """The ukis-csmask method (another detector, so not compared pixel for pixel) on the same file."""
    from s2cloudfree.core.csmask import compute_csmask
    from s2cloudfree.core.errors import MissingDependencyError
    from s2cloudfree.core.reporting import SilentReporter

    for resolution in ("30m", "native"):
        def run():
            return compute_csmask(str(tiled_path), str(OUT / f"csmask_{resolution}.tif"), resolution=resolution,
                                  threads=THREADS, memory_mb=512, reporter=SilentReporter())
        try:
            best, runs, _ = best_time(run, repeat)
        except MissingDependencyError as exc:
            print(f"ukis-csmask: skipped ({exc})")
            return
        rate = pixels / best
        print(f"ukis-csmask 6-band L1C model, file to file, {resolution}: {best:.2f} s, {rate:,.0f} px/s "
              f"({rate / 1e6:.2f} Mpx/s), {TILE_PIXELS / rate:.0f} s per 10980² tile; runs "
              + " ".join(f"{t:.2f}" for t in runs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs per figure (best is kept)")
    parser.add_argument("--tiles", type=int, default=2, help="the scene is repeated N x N times")
    parser.add_argument("--lleaves-python", default=str(LLEAVES_PYTHON),
                        help="interpreter with lleaves for the lleaves reference (default .venv-lleaves, "
                             "made by `make lleaves-venv`; skipped when missing)")
    args = parser.parse_args()

    make_plugin_importable()
    import numpy as np
    import rasterio
    import torch
    from s2cloudless import S2PixelCloudDetector

    from s2cloudfree.core import cloudmask as cm
    from s2cloudfree.core import tree_engine as te
    from s2cloudfree.core.bands import L1C_BANDS
    from s2cloudfree.core.reporting import SilentReporter

    torch.set_num_threads(THREADS)
    with rasterio.open(SCENE) as ds:
        scene = ds.read()
        profile = ds.profile
    dn = np.tile(scene, (1, args.tiles, args.tiles))
    bands, height, width = dn.shape
    pixels = height * width
    OUT.mkdir(parents=True, exist_ok=True)
    tiled_path = OUT / f"scene_{args.tiles}x{args.tiles}.tif"
    profile.update(height=height, width=width, tiled=True, blockxsize=256, blockysize=256,
                   interleave="pixel", compress="deflate")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(tiled_path, "w", **profile) as ds:
            ds.write(dn)
            ds.descriptions = tuple(L1C_BANDS)

    reflectance = dn.astype(np.float32) / np.float32(10000)        # what s2cloudless is fed
    s2cl_input = np.ascontiguousarray(np.moveaxis(reflectance, 0, -1))[None]
    model_ids = [L1C_BANDS.index(b) for b in cm.MODEL_BANDS]
    ours_input = np.ascontiguousarray(reflectance[model_ids])
    detector = S2PixelCloudDetector(all_bands=True, **SETTINGS)

    fast = te.TreeEngine("fast", threads=THREADS)
    numpy_engine = te.TreeEngine("numpy", threads=THREADS)
    lightgbm_engine = te.TreeEngine("lightgbm", threads=THREADS)
    print(f"S2 CloudFree cloud-mask benchmark: real scene tiled {args.tiles}x{args.tiles} = "
          f"{width} x {height} px ({pixels / 1e6:.2f} Mpx), {THREADS} threads per side, "
          f"settings {SETTINGS}, best of {args.repeat}.")
    print(f"fast engine = {fast.used}" + (f" ({'; '.join(fast.fallbacks)})" if fast.fallbacks else ""))
    # warm-up: model parsing, numba compilation / cache load, LightGBM booster load
    fast.predict_proba(ours_input[:, :64, :64].reshape(10, -1))
    detector.get_cloud_masks(s2cl_input[:, :64, :64], num_threads=THREADS)

    def run_s2cloudless():
        return detector.get_cloud_masks(s2cl_input, num_threads=THREADS)[0]

    def run_engine(engine):
        def run():
            prob = cm.cloud_probability(ours_input, engine=engine)
            return cm.probability_to_mask(prob, **SETTINGS)
        return run

    def run_file(resolution):
        def run():
            cm.compute_cloud_mask(str(tiled_path), str(OUT / f"mask_{resolution}.tif"), resolution=resolution,
                                  engine="fast", threads=THREADS, reporter=SilentReporter(), **SETTINGS)
            with rasterio.open(OUT / f"mask_{resolution}.tif") as ds:
                return ds.read(1)
        return run

    jobs = {
        "s2cloudless get_cloud_masks": run_s2cloudless,
        f"ours in memory, fast ({fast.used})": run_engine(fast),
        "ours in memory, numpy engine": run_engine(numpy_engine),
        "LightGBM Booster.predict + our post-processing": run_engine(lightgbm_engine),
        "ours compute_cloud_mask file, native": run_file("native"),
        "ours compute_cloud_mask file, 60 m": run_file(60),
    }
    times = {name: [] for name in jobs}
    results = {}
    for _ in range(args.repeat):
        for name, job in jobs.items():
            started = time.perf_counter()
            results[name] = job()
            times[name].append(time.perf_counter() - started)

    reference = results["s2cloudless get_cloud_masks"]
    for name in jobs:
        if name.endswith("60 m"):
            continue
        mismatches = int((results[name] != reference).sum())
        assert mismatches == 0, f"{name}: {mismatches} mask pixels differ from s2cloudless"
    prob_diff = float(np.abs(cm.cloud_probability(ours_input, engine=fast)
                             - detector.get_cloud_probability_maps(s2cl_input, num_threads=THREADS)[0]).max())
    assert prob_diff <= 1e-6, prob_diff
    coarse_agreement = float((results["ours compute_cloud_mask file, 60 m"] == reference).mean())

    lleaves, lleaves_skip = run_lleaves(args.lleaves_python, ours_input.reshape(10, -1), args.repeat)
    if lleaves:
        lleaves_prob = lleaves[2].reshape(height, width)
        name = "lleaves predict + our post-processing"
        post, _, _ = best_time(lambda: cm.probability_to_mask(lleaves_prob.astype(np.float32), **SETTINGS),
                               args.repeat)
        times[name] = [run + post for run in lleaves[1]["runs_s"]]
        results[name] = cm.probability_to_mask(lleaves_prob.astype(np.float32), **SETTINGS)
        jobs[name] = None
        reference_prob = detector.get_cloud_probability_maps(s2cl_input, num_threads=THREADS)[0]
        lleaves_exact = (int((lleaves_prob.astype(np.float32) != reference_prob).sum()),
                         int((results[name] != reference).sum()))

    base = min(times["s2cloudless get_cloud_masks"])
    print()
    print(f"{'':42s} {'best s':>8s} {'px/s':>12s} {'vs s2cloudless':>15s} {'10980² tile':>12s}   all runs (s)")
    for name in jobs:
        best = min(times[name])
        rate = pixels / best
        print(f"{name:42s} {best:8.2f} {rate:12,.0f} {base / best:14.2f}x {TILE_PIXELS / rate:11.0f}s   "
              + " ".join(f"{t:.2f}" for t in times[name]))
    print()
    print(f"masks identical to s2cloudless (native runs): yes; max probability difference {prob_diff:.1e}")
    print(f"60 m approximation: {coarse_agreement:.4f} of the pixels agree with the native mask")
    if lleaves:
        info = lleaves[1]
        made = "loaded from its cache" if info.get("cached") else "compiled"
        print(f"lleaves {info['lleaves']} (llvmlite {info['llvmlite']}, finline=False): {made} in "
              f"{info['compile_s']:.0f} s (not in the figure); {lleaves_exact[0]} float32 probabilities and "
              f"{lleaves_exact[1]} mask pixels differ from s2cloudless")
    else:
        print(f"lleaves: skipped ({lleaves_skip})")

    print_csmask_speed(tiled_path, pixels, args.repeat)

    if torch.cuda.is_available():
        gpu = te.TreeEngine("torch", device="cuda")
        run_engine(gpu)()  # warm-up
        best, runs, mask = best_time(run_engine(gpu), args.repeat)
        assert int((mask != reference).sum()) == 0
        rate = pixels / best
        print(f"torch on CUDA ({torch.cuda.get_device_name(0)}): {rate:,.0f} px/s, {base / best:.2f}x s2cloudless, "
              f"{TILE_PIXELS / rate:.0f} s per 10980² tile; mask identical")
    else:
        print("torch on CUDA: skipped (no CUDA device)")


if __name__ == "__main__":
    main()
