#!/usr/bin/env python3
"""Mask sources on the real Level-2A series (issue 14): how they agree, and what each does to
mosaicing and gap filling.

Sources, per date of each series in ../shared/data (read from there; ukis-csmask masks are written
to bench_output/mask_sources/, ignored by git):
- ``scl``: the Sen2Cor scene classification, classes 3, 8, 9, 10 (the data sets' clm files; this
  plugin's METHOD scl gives them pixel for pixel),
- ``scl-clouds``: SCL 8, 9, 10 only (no shadows),
- ``scl-clouds+shadow-index``: SCL 8, 9, 10 plus the shadow test of the SEN12MS-CR-TS code
  (CSI = (B08 + B11) / 2 below min + 3/4 (mean - min) of the image, and B02 below
  min + 5/6 (mean - min), then a 5 x 5 median filter; image statistics over the valid pixels) —
  the shadow half of the paper's cloud-and-shadow mask, on sites with B02, B08 and B11,
- ``ukis-csmask``: this plugin's METHOD ukis-csmask with its defaults (30 m), on sites with B02,
  B03, B04, B08.
s2cloudless itself cannot run on these series (they have no B01, B09, B10).

Agreement with ``scl`` per site: pixel agreement on not clear / clear over the valid pixels
(overall and the median and 10th percentile over dates), IoU of the not-clear pixels, of the
clouds and of the shadows.

Effect on cloud removal: the cases of the quality benchmark (bench_quality.py: windows of 12
dates, clear targets with a real cloud mask pasted, chosen with the SCL masks, so every source
gets the same cases), mosaicing and the gap filler run with each source's masks for the other
dates (the target's pasted clouds are known to every run); mean RMSE and SSIM on the pasted
pixels. Nothing was tuned on these figures, so both parts of bench_quality are reported together.

    python benchmarks/bench_mask_sources.py [--sites belgium,romania,antwerp,mol] [--threads 2]
"""

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench_output" / "mask_sources"
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "scripts"))
import bench_quality as bq  # noqa: E402
from plugin_link import make_plugin_importable  # noqa: E402

SOURCES = ("scl", "scl-clouds", "scl-clouds+shadow-index", "ukis-csmask")
SCL_CLOUD = (8, 9, 10)
SCL_SHADOW = (3,)
CSMASK_CLOUD, CSMASK_SHADOW = 1, 2


def paper_shadow_index(b02, b08, b11, valid):
    """The SEN12MS-CR-TS shadow test on one image (reflectance); True = shadow."""
    from scipy.signal import medfilt2d

    csi = (b08 + b11) / 2.0
    if not valid.any():
        return np.zeros(valid.shape, dtype=bool)
    c, b = csi[valid], b02[valid]
    t3 = c.min() + 0.75 * (c.mean() - c.min())
    t4 = b.min() + 5.0 / 6.0 * (b.mean() - b.min())
    flagged = np.where((csi < t3) & (b02 < t4) & valid, -1.0, 0.0).astype(np.float32)
    return medfilt2d(flagged, 5) < 0


def read_band(dataset, name):
    names = [d.upper() if d else "" for d in dataset.descriptions]
    if name not in names:
        return None
    return dataset.read(names.index(name) + 1).astype(np.float64) / 10000.0


def site_masks(site, threads):
    """Per source: (not_clear, cloud, shadow) boolean arrays dates x rows x cols, and valid."""
    import rasterio

    from s2cloudfree.core.csmask import compute_csmask
    from s2cloudfree.core.errors import InputError
    from s2cloudfree.core.reporting import SilentReporter

    folder = bq.DATA / bq.SITES[site]
    s2_paths = sorted(folder.glob("s2_*.tif"))
    out = {name: [] for name in SOURCES}
    valid_all, skipped = [], {}
    for s2 in s2_paths:
        scl_path = Path(str(s2).replace("/s2_", "/scl_"))
        clm_path = Path(str(s2).replace("/s2_", "/clm_"))
        with rasterio.open(clm_path) as ds:
            clm = ds.read(1)
        with rasterio.open(scl_path) as ds:
            scl = ds.read(1)
        valid = clm != 255
        valid_all.append(valid)
        cloud = np.isin(scl, SCL_CLOUD) & valid
        shadow = np.isin(scl, SCL_SHADOW) & valid
        out["scl"].append((clm == 1, cloud, shadow))
        out["scl-clouds"].append((cloud, cloud, np.zeros_like(cloud)))
        with rasterio.open(s2) as ds:
            b02, b08, b11 = (read_band(ds, b) for b in ("B02", "B08", "B11"))
        if b02 is None or b08 is None or b11 is None:
            skipped["scl-clouds+shadow-index"] = "no B02, B08 and B11"
        else:
            index = paper_shadow_index(b02, b08, b11, valid)
            out["scl-clouds+shadow-index"].append((cloud | index, cloud, index & ~cloud))
        if "ukis-csmask" in skipped:
            continue
        OUT.mkdir(parents=True, exist_ok=True)
        mask_path, classes_path = OUT / f"{site}_mask_{s2.stem}.tif", OUT / f"{site}_classes_{s2.stem}.tif"
        try:
            compute_csmask(str(s2), str(mask_path), str(classes_path), threads=threads, reporter=SilentReporter())
        except InputError as exc:
            skipped["ukis-csmask"] = str(exc).split(":")[0]
            continue
        with rasterio.open(classes_path) as ds:
            classes = ds.read(1)
        out["ukis-csmask"].append((((classes == CSMASK_CLOUD) | (classes == CSMASK_SHADOW)) & valid,
                                   (classes == CSMASK_CLOUD) & valid, (classes == CSMASK_SHADOW) & valid))
    stacked = {}
    for name, per_date in out.items():
        if name in skipped or len(per_date) != len(s2_paths):
            continue
        stacked[name] = tuple(np.stack([d[k] for d in per_date]) for k in range(3))
    return stacked, np.stack(valid_all), skipped


def iou(a, b):
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else float("nan")


def agreement(source, reference, valid):
    per_date = [float((s[v] == r[v]).mean()) for s, r, v in zip(source[0], reference[0], valid) if v.any()]
    return {"agreement": float((source[0][valid] == reference[0][valid]).mean()),
            "median_date": statistics.median(per_date),
            "p10_date": float(np.percentile(per_date, 10)),
            "iou_not_clear": iou(source[0], reference[0]), "iou_cloud": iou(source[1], reference[1]),
            "iou_shadow": iou(source[2], reference[2]),
            "not_clear_share": float(source[0][valid].mean()), "shadow_share": float(source[2][valid].mean())}


def quality(site, masks):
    """Mean RMSE/SSIM of mosaicing and the gap filler with each source's masks, same cases."""
    from s2cloudfree.core import evaluation_protocol as ep

    methods = bq.classical_methods()
    arrays = bq.load_site(site)
    scores = {name: {"mosaic": [], "gapfill": []} for name in masks}
    cases = 0
    for a in bq.window_starts(len(arrays)):
        sub = bq.sub_arrays(arrays, a, a + bq.WINDOW)
        for t, s in bq.window_cases(sub):
            case = ep.make_case(sub, target=t, source=s)
            cases += 1
            for name, (not_clear, _cloud, _shadow) in masks.items():
                run = copy.copy(case)
                clear = sub.valid & ~not_clear[a:a + bq.WINDOW]
                clear[t] &= ~case.cloud
                run.clear = clear & case.valid
                for method in ("mosaic", "gapfill"):
                    scores[name][method].append(bq.score(methods[method](run), case))
    summary = {}
    for name, per_method in scores.items():
        summary[name] = {m: {"rmse": float(np.mean([r["rmse"] for r in rows])),
                             "ssim": float(np.mean([r["ssim"] for r in rows]))}
                         for m, rows in per_method.items()}
    return summary, cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", default=",".join(bq.SITES))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    make_plugin_importable()
    print(f"Mask sources on the real series; reference = scl (Sen2Cor 3, 8, 9, 10). {bq.machine()}")
    for site in args.sites.split(","):
        started = time.perf_counter()
        masks, valid, skipped = site_masks(site, args.threads)
        print(f"\n== {site}: {valid.shape[0]} dates of {valid.shape[1]} x {valid.shape[2]} px "
              f"(masks in {time.perf_counter() - started:.0f} s)"
              + "".join(f"; {name} not run: {why}" for name, why in skipped.items()))
        print(f"{'source':26s} {'agree':>6s} {'median':>6s} {'p10':>6s} {'IoU nc':>6s} {'IoU cl':>6s} "
              f"{'IoU sh':>6s} {'not clear':>9s} {'shadow':>6s}")
        for name in masks:
            r = agreement(masks[name], masks["scl"], valid)
            print(f"{name:26s} {r['agreement']:6.3f} {r['median_date']:6.3f} {r['p10_date']:6.3f} "
                  f"{r['iou_not_clear']:6.3f} {r['iou_cloud']:6.3f} {r['iou_shadow']:6.3f} "
                  f"{r['not_clear_share']:9.3f} {r['shadow_share']:6.3f}")
        summary, cases = quality(site, masks)
        print(f"cloud removal with each source's masks ({cases} cases), mean RMSE / SSIM on the pasted pixels:")
        for name, per_method in summary.items():
            print(f"  {name:26s} mosaicing {per_method['mosaic']['rmse']:.4f} / {per_method['mosaic']['ssim']:.3f}"
                  f"   gap filler {per_method['gapfill']['rmse']:.4f} / {per_method['gapfill']['ssim']:.3f}", flush=True)


if __name__ == "__main__":
    main()
