#!/usr/bin/env python3
"""Cloud-removal quality on every real series of ../shared/data that has masks (issue 11).

Sites: belgium_31UDS_s1s2 (S1), romania_nrt_forest_3035, belgium_antwerp_gfmap_s2,
belgium_mol_gfmap_s1s2 (S1). Each site's series is read once (Sen2Cor-derived masks; S1 paired
within 14 days) and cut into windows of 12 consecutive dates (stride 12; a last window is moved
back to end on the last date).

Cases per window (the paper's protocol, core.evaluation_protocol): targets = the dates at most 1 %
cloudy (at most 2 per window, the clearest first); sources = the cloudiest date and, when there is
one, the partly cloudy date (5 % - 95 %) closest to half cloudy; the source's real mask is pasted
onto the target (its cloudy pixels replace the target's) and each method reconstructs the target.

**Tuning and reporting parts.** Windows alternate within each site: windows 0, 2, 4, ... are the
*tuning* part (every choice of the gap filler and of seq2seq's default preset was made on these
only), windows 1, 3, 5, ... are the *report* part, never looked at while tuning. A site with one
window (Mol) is entirely in the report part. The tables print both parts and all cases.

Methods: least cloudy, mosaicing, temporal linear, gapfill (RBF ensemble, the default) and
gapfill-linear, seq2seq with S1 where the site has S1 and with noise where it has not (default
preset; at most ``--seq2seq-cases`` cases per site and part, spread over its windows;
``--noise-everywhere`` for noise on the S1 sites too); with ``--old-fast`` the previous default
seq2seq preset too.
Printed per site and overall, for each part: mean and median RMSE, mean SSIM and SAM, the share of
cases where the method beats the best classical method of that case (mosaicing, temporal linear,
gapfill), seconds per case. The gap filler's and seq2seq's own error estimate (held-out clear
pixels of the run's own series) is compared with the protocol's RMSE over the filled pixels.
With ``--spread`` seq2seq runs again with another seed and with 2 threads on the same cases, and
the relative spread of the mean RMSE is printed. Figures also go to a JSON file.

    python benchmarks/bench_quality.py [--sites belgium,romania,antwerp,mol] [--seq2seq-cases 6]
        [--no-seq2seq] [--spread] [--threads 1] [--json bench_output/quality.json]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402

SITES = {
    "belgium": "belgium_31UDS_s1s2",
    "romania": "romania_nrt_forest_3035",
    "antwerp": "belgium_antwerp_gfmap_s2",
    "mol": "belgium_mol_gfmap_s1s2",
}
WINDOW = 12
CLASSICAL = ("mosaic", "temporal_linear", "gapfill")
LABELS = {
    "least_cloudy": "least cloudy", "mosaic": "mosaicing", "temporal_linear": "temporal linear",
    "gapfill": "gapfill (rbf)", "gapfill_linear": "gapfill (linear)", "gapfill_noreg": "gapfill, no regression",
    "seq2seq_noise": "seq2seq noise", "seq2seq_s1": "seq2seq S1",
    "seq2seq_s1_oldfast": "seq2seq S1 [old fast]",
}


def load_site(name):
    from s2cloudfree.core import evaluation_protocol as ep

    folder = DATA / SITES[name]
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))
    masks = [p.replace("/s2_", "/clm_") for p in s2]
    s1 = sorted(str(p) for p in folder.glob("s1_*.tif")) or None
    return ep.load_series(s2, masks, s1)


def window_starts(n, length=WINDOW):
    if n <= length:
        return [0]
    starts = list(range(0, n - length + 1, length))
    if starts[-1] + length < n:
        starts.append(n - length)
    return starts


def sub_arrays(arrays, a, e):
    from s2cloudfree.core.evaluation_protocol import SeriesArrays

    return SeriesArrays(arrays.data[a:e], arrays.clear[a:e], arrays.valid[a:e], arrays.dates[a:e],
                        arrays.names[a:e], None if arrays.s1 is None else arrays.s1[a:e],
                        None if arrays.s1_paired is None else arrays.s1_paired[a:e], arrays.grid, arrays.scale)


def window_cases(arrays):
    """(target, source) pairs of one window (see the module docstring)."""
    n = len(arrays)
    valid = arrays.valid.reshape(n, -1).sum(axis=1)
    cloudy = (arrays.valid & ~arrays.clear).reshape(n, -1).sum(axis=1)
    frac = np.where(valid > 0, cloudy / np.maximum(valid, 1), 1.0)
    targets = [int(k) for k in np.argsort(frac, kind="stable") if frac[k] <= 0.01 and valid[k] > 0.9 * arrays.valid[0].size][:2]
    if not targets:
        return []
    order = [int(k) for k in np.argsort(-frac, kind="stable")]
    sources = [order[0]]
    partly = [k for k in range(n) if 0.05 <= frac[k] <= 0.95]
    if partly:
        sources.append(min(partly, key=lambda k: abs(frac[k] - 0.5)))
    cases = []
    for t in targets:
        for s in sources:
            if s != t and (t, s) not in cases:
                cases.append((t, s))
    return cases


def classical_methods():
    from s2cloudfree.core import evaluation_protocol as ep
    from s2cloudfree.core import gapfill as gf

    def gapfill(case, method="rbf", regression=True):
        days = case.dates if all(case.dates) else None
        out = gf.fill_series(case.data, case.clear, days, method=method, regression=regression)[case.target]
        return np.where(np.isnan(out), ep.PAPER_FALLBACK, out)

    return {
        "least_cloudy": ep.least_cloudy_method,
        "mosaic": ep.mosaic_method,
        "temporal_linear": ep.temporal_linear_method,
        "gapfill": gapfill,
        "gapfill_linear": lambda c: gapfill(c, "linear"),
        "gapfill_noreg": lambda c: gapfill(c, regression=False),
    }


def score(image, case):
    from s2cloudfree.core.metrics import image_metrics

    s = image_metrics(np.clip(image, 0, 1), case.truth, case.cloud)
    return {k: float(s[k]) for k in ("rmse", "ssim", "sam", "rmse_cloudy")}


def gapfill_estimate(case):
    """The gap filler's own estimate of its error on the pixels it filled in the target (as a run
    reports it: the error model of its held-out pixels, applied to the gaps and regression share of
    the filled pixels)."""
    from s2cloudfree.core import gapfill as gf

    days = case.dates if all(case.dates) else None
    model = gf.held_out_error(case.data, case.clear, days)["model"]
    _, info = gf.fill_series(case.data, case.clear, days, return_info=True)
    gaps = gf.gap_days(info["trust"] > 0, gf.day_numbers(days, len(case.data)))[case.target]
    return model.estimate(gaps, case.cloud, info["regressed"][case.target])


def seq2seq_runner(use_s1, threads, seed=0, preset=None):
    from s2cloudfree.core import seq2seq as s2s

    def run(case):
        from s2cloudfree.core.evaluation_protocol import seq2seq_inputs

        arrays = case.arrays
        inputs = seq2seq_inputs(case, use_s1, seed)
        days = case.dates if all(case.dates) else None
        schedule = s2s.make_schedule(preset or s2s.DEFAULT_PRESET)
        with s2s.torch_settings(seed, threads):
            pred, info = s2s.fit_predict(case.data, case.clear, inputs, schedule, "cpu", seed, days=days,
                                         valid=case.valid, return_info=True,
                                         paired=arrays.s1_paired if use_s1 else None)
        image = pred[case.target]
        own = case.clear[case.target]
        image[:, own] = case.data[case.target][:, own]
        run.last_info = info
        return image

    run.last_info = {}
    return run


def summarise(rows, methods):
    """Per method: mean/median RMSE, mean SSIM/SAM, share beating the best classical, s per case."""
    out = {}
    for m in methods:
        sel = [r for r in rows if m in r["scores"]]
        if not sel:
            continue
        rm = [r["scores"][m]["rmse"] for r in sel]
        beats = [r["scores"][m]["rmse"] < min(r["scores"][c]["rmse"] for c in CLASSICAL if c != m)
                 for r in sel] if m not in CLASSICAL else None
        out[m] = {"cases": len(sel), "rmse_mean": statistics.fmean(rm), "rmse_median": statistics.median(rm),
                  "ssim_mean": statistics.fmean(r["scores"][m]["ssim"] for r in sel),
                  "sam_mean": statistics.fmean(r["scores"][m]["sam"] for r in sel),
                  "beats_best_classical": None if beats is None else sum(beats) / len(beats),
                  "seconds": statistics.fmean(r["seconds"][m] for r in sel)}
    return out


def print_summary(title, summary):
    print(f"\n{title}")
    print(f"  {'method':24s} {'cases':>5s} {'RMSE':>7s} {'median':>7s} {'SSIM':>6s} {'SAM°':>6s} {'beats':>6s} {'s/case':>7s}")
    for m, s in summary.items():
        beats = "" if s["beats_best_classical"] is None else f"{100 * s['beats_best_classical']:5.0f}%"
        print(f"  {LABELS.get(m, m):24s} {s['cases']:5d} {s['rmse_mean']:7.4f} {s['rmse_median']:7.4f} "
              f"{s['ssim_mean']:6.3f} {s['sam_mean']:6.2f} {beats:>6s} {s['seconds']:7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", default=",".join(SITES))
    parser.add_argument("--part", choices=("all", "tune", "report"), default="all",
                        help="run only the tuning or the report part (default all)")
    parser.add_argument("--seq2seq-cases", type=int, default=6, help="seq2seq cases per site and part (default 6)")
    parser.add_argument("--no-seq2seq", action="store_true")
    parser.add_argument("--noise-everywhere", action="store_true",
                        help="seq2seq with noise on the sites with S1 too (default: noise only where there is no S1)")
    parser.add_argument("--old-fast", action="store_true", help="also the previous default seq2seq preset")
    parser.add_argument("--spread", action="store_true", help="seq2seq again with seed 1 and with 2 threads")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", default=str(REPO / "bench_output" / "quality.json"))
    parser.add_argument("--markdown", metavar="JSON", help="print the README tables of an earlier run's JSON and stop")
    args = parser.parse_args()
    if args.markdown:
        print_markdown(json.loads(Path(args.markdown).read_text()))
        return
    make_plugin_importable()
    from s2cloudfree.core import evaluation_protocol as ep

    methods = classical_methods()
    all_rows = []
    for site in args.sites.split(","):
        started = time.perf_counter()
        arrays = load_site(site)
        print(f"\n== {site}: {len(arrays)} dates, {arrays.data.shape[1]} bands, {arrays.data.shape[2]} x "
              f"{arrays.data.shape[3]} px, S1 {'yes' if arrays.s1 is not None else 'no'} "
              f"(read in {time.perf_counter() - started:.1f} s)", flush=True)
        site_rows = []
        for w, a in enumerate(window_starts(len(arrays))):
            part = "tune" if (w % 2 == 0 and len(window_starts(len(arrays))) > 1) else "report"
            if args.part != "all" and part != args.part:
                continue
            sub = sub_arrays(arrays, a, a + WINDOW)
            for t, s in window_cases(sub):
                case = ep.make_case(sub, target=t, source=s)
                row = {"site": site, "part": part, "window": a, "target": sub.names[t], "source": sub.names[s],
                       "cloud": float(case.cloud.mean()), "scores": {}, "seconds": {}}
                for name, fn in methods.items():
                    t0 = time.perf_counter()
                    image = fn(case)
                    row["seconds"][name] = time.perf_counter() - t0
                    row["scores"][name] = score(image, case)
                row["estimate_gapfill"] = gapfill_estimate(case)
                site_rows.append((row, case))
        # seq2seq on at most N cases per part, spread over the windows
        if not args.no_seq2seq:
            runs = []
            if arrays.s1 is None or args.noise_everywhere:
                runs.append(("seq2seq_noise", seq2seq_runner(False, args.threads)))
            if arrays.s1 is not None:
                runs.append(("seq2seq_s1", seq2seq_runner(True, args.threads)))
                if args.old_fast:
                    runs.append(("seq2seq_s1_oldfast", seq2seq_runner(True, args.threads, preset="fast-2023")))
            for part in ("tune", "report"):
                chosen = [rc for rc in site_rows if rc[0]["part"] == part]
                if len(chosen) > args.seq2seq_cases:
                    idx = np.linspace(0, len(chosen) - 1, args.seq2seq_cases).round().astype(int)
                    chosen = [chosen[i] for i in sorted(set(idx))]
                for row, case in chosen:
                    for name, fn in runs:
                        t0 = time.perf_counter()
                        image = fn(case)
                        row["seconds"][name] = time.perf_counter() - t0
                        row["scores"][name] = score(image, case)
                        info = fn.last_info or {}
                        if "estimated_rmse" in info:
                            row[f"estimate_{name}"] = info["estimated_rmse"]
                            row[f"estimate_prior_{name}"] = info.get("estimated_rmse_prior")
                            row[f"alpha_{name}"] = info.get("alpha")
                        if args.spread and name == "seq2seq_s1" or (args.spread and name == "seq2seq_noise" and arrays.s1 is None):
                            use_s1 = name == "seq2seq_s1"
                            for tag, runner in (("seed1", seq2seq_runner(use_s1, args.threads, seed=1)),
                                                ("threads2", seq2seq_runner(use_s1, 2))):
                                row["scores"][f"{name}_{tag}"] = score(runner(case), case)
                                row["seconds"][f"{name}_{tag}"] = 0.0
                    print(f"  {row['window']:3d} {row['target']:>24s} <- {row['source']:24s} cloud {row['cloud']:.2f}: "
                          + ", ".join(f"{LABELS.get(m, m)} {v['rmse']:.4f}" for m, v in row["scores"].items()
                                      if m in ("mosaic", "temporal_linear", "gapfill", "seq2seq_noise", "seq2seq_s1")),
                          flush=True)
        rows = [r for r, _ in site_rows]
        all_rows.extend(rows)
        names = list(LABELS) + sorted({m for r in rows for m in r["scores"] if m not in LABELS})
        for part in ("tune", "report"):
            part_rows = [r for r in rows if r["part"] == part]
            if part_rows:
                print_summary(f"{site} [{part}]: {len(part_rows)} cases", summarise(part_rows, names))
                print_network_subset(f"{site} [{part}]", part_rows, names)
    names = list(LABELS) + sorted({m for r in all_rows for m in r["scores"] if m not in LABELS})
    result = {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "threads": args.threads, "rows": all_rows,
              "summary": {}}
    for part in ("tune", "report", "all"):
        part_rows = [r for r in all_rows if part == "all" or r["part"] == part]
        if part_rows:
            result["summary"][part] = summarise(part_rows, names)
            print_summary(f"ALL SITES [{part}]: {len(part_rows)} cases", result["summary"][part])
            sub = print_network_subset(f"ALL SITES [{part}]", part_rows, names)
            if sub:
                result["summary"][f"{part}_network_cases"] = sub
    print_estimates(all_rows)
    print_spread(all_rows)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1, default=float)
    print(f"\nJSON: {args.json}")


def print_network_subset(title, rows, names):
    """Every method over the cases that seq2seq ran on (the only fair comparison with it), and how
    often seq2seq is worse than its own prior (the gap filler) by more than 2 %."""
    sel = [r for r in rows if any(m.startswith("seq2seq") for m in r["scores"])]
    if not sel:
        return None
    summary = summarise(sel, names)
    print_summary(f"{title}, the {len(sel)} cases with seq2seq", summary)
    for m in ("seq2seq_s1", "seq2seq_noise"):
        have = [r for r in sel if m in r["scores"]]
        if have:
            ratios = [r["scores"][m]["rmse"] / r["scores"]["gapfill"]["rmse"] for r in have]
            worse = sum(q > 1.02 for q in ratios)
            print(f"  {LABELS[m]}: RMSE / gapfill's per case: mean {statistics.fmean(ratios):.3f}, "
                  f"best {min(ratios):.3f}, worst {max(ratios):.3f}; worse than gapfill by > 2 % in {worse} of {len(have)}")
            summary[m]["vs_gapfill_mean"] = statistics.fmean(ratios)
            summary[m]["vs_gapfill_worst"] = max(ratios)
            summary[m]["worse_than_prior_2pc"] = worse
    return summary


def print_estimates(rows):
    """How close each run's own estimate comes to the protocol's RMSE over the filled pixels."""
    print("\nSelf-estimated error vs protocol RMSE over the filled (pasted-cloud) pixels:")
    for name, key in (("gapfill", "estimate_gapfill"), ("seq2seq_s1", "estimate_seq2seq_s1"),
                      ("seq2seq_noise", "estimate_seq2seq_noise")):
        pairs = [(r[key], r["scores"][name]["rmse_cloudy"]) for r in rows
                 if key in r and r[key] == r[key] and name in r["scores"]]
        if not pairs:
            continue
        ratios = [e / p for e, p in pairs if p > 0]
        within = sum(0.75 <= q <= 1.25 for q in ratios) / len(ratios)
        print(f"  {LABELS[name]:16s}: {len(pairs)} cases, estimate / protocol median {statistics.median(ratios):.2f}, "
              f"within ±25 %: {100 * within:.0f} % of cases")


def print_spread(rows):
    for name in ("seq2seq_s1", "seq2seq_noise"):
        sel = [r for r in rows if f"{name}_seed1" in r["scores"]]
        if not sel:
            continue
        base = statistics.fmean(r["scores"][name]["rmse"] for r in sel)
        print(f"\nSpread of {LABELS[name]} over {len(sel)} cases: mean RMSE seed 0 / 1 thread {base:.4f}")
        for tag in ("seed1", "threads2"):
            v = statistics.fmean(r["scores"][f"{name}_{tag}"]["rmse"] for r in sel)
            worst = max(abs(r["scores"][f"{name}_{tag}"]["rmse"] / r["scores"][name]["rmse"] - 1) for r in sel)
            print(f"  {tag:8s}: mean RMSE {v:.4f} ({100 * (v / base - 1):+.2f} %), worst single case {100 * worst:.2f} %")


MARKDOWN_METHODS = ("least_cloudy", "mosaic", "temporal_linear", "gapfill_noreg", "gapfill", "seq2seq_s1",
                    "seq2seq_noise")


def print_markdown(result):
    """README tables: per site and part, every method's mean RMSE / SSIM over all cases; then the
    cases with seq2seq (every method on those cases only)."""
    rows = result["rows"]
    sites = list(dict.fromkeys(r["site"] for r in rows))
    print(f"Measured {result['date']} on {result['machine']}, {result['threads']} thread(s).\n")
    header = "| site, part (cases) | " + " | ".join(LABELS[m] for m in MARKDOWN_METHODS[:5]) + " |"
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for site in sites + ["all"]:
        for part in ("tune", "report"):
            sel = [r for r in rows if (site == "all" or r["site"] == site) and r["part"] == part]
            if not sel:
                continue
            cells = []
            for m in MARKDOWN_METHODS[:5]:
                rm = statistics.fmean(r["scores"][m]["rmse"] for r in sel)
                ss = statistics.fmean(r["scores"][m]["ssim"] for r in sel)
                cells.append(f"{rm:.4f} / {ss:.3f}")
            best = min(float(c.split(" / ")[0]) for c in cells)
            cells = [f"**{c}**" if float(c.split(" / ")[0]) == best else c for c in cells]
            print(f"| {site}, {part} ({len(sel)}) | " + " | ".join(cells) + " |")
    print()
    header = "| site, part (cases with seq2seq) | mosaicing | temporal linear | gapfill | seq2seq | seq2seq / gapfill per case (mean, best, worst) |"
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for site in sites + ["all"]:
        for part in ("tune", "report"):
            sel = [r for r in rows if (site == "all" or r["site"] == site) and r["part"] == part
                   and any(m in r["scores"] for m in ("seq2seq_s1", "seq2seq_noise"))]
            if not sel:
                continue
            net = [r["scores"].get("seq2seq_s1") or r["scores"]["seq2seq_noise"] for r in sel]
            cells = [f"{statistics.fmean(r['scores'][m]['rmse'] for r in sel):.4f}"
                     for m in ("mosaic", "temporal_linear", "gapfill")]
            cells.append(f"{statistics.fmean(v['rmse'] for v in net):.4f}")
            ratios = [v["rmse"] / r["scores"]["gapfill"]["rmse"] for v, r in zip(net, sel)]
            cells.append(f"{statistics.fmean(ratios):.3f}, {min(ratios):.3f}, {max(ratios):.3f}")
            print(f"| {site}, {part} ({len(sel)}) | " + " | ".join(cells) + " |")


def machine():
    import os
    import platform

    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{cpu or platform.processor()}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
