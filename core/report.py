"""Reports of the evaluation and the benchmark: PNG panels, a self-contained HTML page and JSON.

Everything here is plain Python + numpy (no rasterio, no QGIS):

- :func:`write_png`: a small PNG writer (8-bit grey, RGB or RGBA; zlib from the standard library);
- :func:`rgb_image`, :func:`mask_image`, :func:`error_image`, :func:`colorbar_image`: the pictures of
  the paper-style figures, from arrays on the [0, 1] scale of the metrics;
- :func:`write_json`: every number, with NaN written as ``null`` and infinities as the strings
  ``"inf"`` / ``"-inf"`` (strict JSON has neither);
- :func:`benchmark_html` / :func:`evaluation_html`: one HTML page, styles inline, images by relative
  links (the benchmark) or embedded as ``data:`` URIs (the single-file evaluation report). No
  script, font, style sheet or image is fetched from anywhere: the page opens offline.
"""

import base64
import datetime as _dt
import html
import json
import math
import os
import struct
import tempfile
import zlib

import numpy as np

#: Metric columns of the tables: key, header, unit/hint, True when higher is better, format.
METRIC_COLUMNS = (
    ("rmse", "RMSE", "", False, "{:.4f}"),
    ("psnr", "PSNR", "dB", True, "{:.2f}"),
    ("ssim", "SSIM", "", True, "{:.4f}"),
    ("sam", "SAM", "°", False, "{:.2f}"),
    ("rmse_cloudy", "RMSE cloudy", "", False, "{:.4f}"),
    ("rmse_clear", "RMSE clear", "", False, "{:.4f}"),
)

#: One line per metric, for the page (and the README).
METRIC_HELP = (
    ("RMSE", "root mean square error over all bands and pixels of reflectance on the [0, 1] scale "
             "(DN clipped to 0–10000, ÷ 10000); the paper calls it NRMSE. Lower is better."),
    ("PSNR", "peak signal-to-noise ratio, 20·log10(1 / RMSE) per image, in dB (∞ for identical "
             "images). Higher is better."),
    ("SSIM", "structural similarity, 11 × 11 Gaussian window (σ 1.5), C1 = 0.01², C2 = 0.03², zero "
             "padding at the border, per band then averaged over bands. 1 is perfect."),
    ("SAM", "spectral angle between predicted and true spectra, averaged over pixels, in degrees "
            "(the paper's code returned radians); zero-norm spectra are skipped and counted. Lower is "
            "better."),
    ("RMSE cloudy", "RMSE over the pixels the method had to fill: cloudy in every input "
                    "(sequence-to-point) or the cloud region blended onto the target "
                    "(sequence-to-sequence)."),
    ("RMSE clear", "RMSE over the other pixels (clear in at least one input)."),
)

#: SEN12MS-CR-TS test split, n = 3 (Ebel et al. 2022, Table; UnCRtainTS is later work). SAM in
#: radians in the paper except UnCRtainTS (degrees); both shown in degrees here.
PAPER_FIGURES = (
    {"method": "least cloudy", "rmse": 0.079, "psnr": None, "ssim": 0.815, "sam": math.degrees(0.213)},
    {"method": "mosaicing", "rmse": 0.062, "psnr": 31.68, "ssim": 0.811, "sam": math.degrees(0.250)},
    {"method": "seq2point (CR-TS Net)", "rmse": 0.051, "psnr": 26.68, "ssim": 0.836,
     "sam": math.degrees(0.186)},
    {"method": "UnCRtainTS (later work)", "rmse": 0.051, "psnr": 27.84, "ssim": 0.866, "sam": 10.16},
)

ERROR_COLORMAP = "magma"
# magma control points (position, r, g, b): dark = small error, bright = large error
_MAGMA = np.array([
    (0.00, 0, 0, 4), (0.13, 28, 16, 68), (0.25, 79, 18, 123), (0.38, 129, 37, 129),
    (0.50, 181, 54, 122), (0.63, 229, 80, 100), (0.75, 251, 135, 97), (0.88, 254, 194, 135),
    (1.00, 252, 253, 191)], dtype=np.float64)
_MASK_CLEAR = (38, 52, 64)
_MASK_CLOUD = (255, 255, 255)
_MASK_NODATA = (150, 150, 150)


# ---------------------------------------------------------------------------------------------
# PNG

def _png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_bytes(image):
    """PNG file content of ``image``: rows x cols (grey), rows x cols x 3 (RGB) or x 4 (RGBA), uint8."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"PNG images must be uint8 (got {image.dtype}).")
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4) or min(image.shape[:2]) < 1:
        raise ValueError(f"Cannot write an image of shape {image.shape} as PNG.")
    rows, cols, channels = image.shape
    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    raw = np.empty((rows, 1 + cols * channels), dtype=np.uint8)
    raw[:, 0] = 0  # filter type 'None' on every row
    raw[:, 1:] = image.reshape(rows, cols * channels)
    header = struct.pack(">IIBBBBB", cols, rows, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + _png_chunk(b"IEND", b""))


def write_png(path, image):
    """Write ``image`` (see :func:`png_bytes`) to ``path`` through a temporary file; returns ``path``."""
    _atomic_write(path, png_bytes(image))
    return path


def _atomic_write(path, data):
    folder = os.path.dirname(os.path.abspath(path)) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".partial", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be read
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# ---------------------------------------------------------------------------------------------
# pictures

def reduce_to(image, max_side):
    """Block-mean ``image`` (rows x cols [x channels], float) by the smallest integer factor that
    brings its longer side to at most ``max_side``; unchanged when it is small enough. NaNs are
    ignored in the means (a block of NaNs stays NaN)."""
    image = np.asarray(image, dtype=np.float64)
    rows, cols = image.shape[:2]
    factor = int(math.ceil(max(rows, cols) / float(max_side))) if max_side else 1
    if factor <= 1:
        return image
    r, c = rows // factor * factor, cols // factor * factor
    if r == 0 or c == 0:
        return image
    trimmed = image[:r, :c]
    shape = (r // factor, factor, c // factor, factor) + image.shape[2:]
    blocks = trimmed.reshape(shape)
    with np.errstate(invalid="ignore"), _quiet_nan_mean():
        return np.nanmean(np.nanmean(blocks, axis=3), axis=1)


class _quiet_nan_mean:
    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def rgb_stretch(reference, rgb_bands, valid=None, percentiles=(2.0, 98.0)):
    """Per-band (low, high) of ``reference`` (bands x rows x cols) for the three ``rgb_bands``:
    percentiles of the valid pixels. Render every image of a figure with the same stretch."""
    ranges = []
    for b in rgb_bands:
        values = np.asarray(reference[b], dtype=np.float64)
        sel = np.isfinite(values) if valid is None else (np.asarray(valid, dtype=bool) & np.isfinite(values))
        data = values[sel]
        if data.size == 0:
            ranges.append((0.0, 0.3))
            continue
        low, high = np.percentile(data, percentiles)
        if not high > low:
            high = low + 1e-3
        ranges.append((float(low), float(high)))
    return ranges


def rgb_image(cube, rgb_bands, stretch, valid=None, max_side=320, gamma=1.0):
    """uint8 RGBA (rows x cols x 4) true-colour picture of ``cube`` (bands x rows x cols on [0, 1]);
    ``stretch``: three (low, high) ranges (:func:`rgb_stretch`); invalid pixels transparent."""
    cube = np.asarray(cube, dtype=np.float64)
    planes = []
    for b, (low, high) in zip(rgb_bands, stretch):
        scaled = np.clip((cube[b] - low) / (high - low), 0.0, 1.0)
        if gamma != 1.0:
            scaled = scaled ** (1.0 / gamma)
        planes.append(scaled)
    rgb = np.stack(planes, axis=-1)
    alpha = np.ones(rgb.shape[:2]) if valid is None else np.asarray(valid, dtype=np.float64)
    alpha = np.where(np.isfinite(rgb).all(axis=-1), alpha, 0.0)
    rgba = np.concatenate([np.nan_to_num(rgb), alpha[:, :, None]], axis=-1)
    rgba = reduce_to(rgba, max_side)
    return np.round(np.clip(rgba, 0, 1) * 255).astype(np.uint8)


def mask_image(cloud, valid=None, max_side=320):
    """uint8 RGB picture of a cloud mask (rows x cols, true = cloud): clouds white, clear dark
    slate, invalid grey; reduced by block means (partly cloudy blocks are shades in between)."""
    cloud = np.asarray(cloud, dtype=np.float64)
    share = reduce_to(cloud, max_side)
    out = np.empty(share.shape + (3,), dtype=np.float64)
    for k in range(3):
        out[:, :, k] = _MASK_CLEAR[k] + (_MASK_CLOUD[k] - _MASK_CLEAR[k]) * share
    if valid is not None:
        bad = reduce_to(~np.asarray(valid, dtype=bool), max_side) > 0.5
        out[bad] = _MASK_NODATA
    return np.round(out).astype(np.uint8)


def colormap(values, vmax, vmin=0.0):
    """uint8 RGB of ``values`` through the magma colour map over [vmin, vmax] (NaN: grey)."""
    values = np.asarray(values, dtype=np.float64)
    t = np.clip((values - vmin) / max(vmax - vmin, 1e-12), 0.0, 1.0)
    out = np.empty(values.shape + (3,), dtype=np.float64)
    for k in range(3):
        out[..., k] = np.interp(np.nan_to_num(t), _MAGMA[:, 0], _MAGMA[:, k + 1])
    out[~np.isfinite(values)] = _MASK_NODATA
    return np.round(out).astype(np.uint8)


def abs_error(prediction, target):
    """Mean over bands of |prediction - target| (rows x cols), the quantity of the error panels."""
    return np.mean(np.abs(np.asarray(prediction, dtype=np.float64) - np.asarray(target, dtype=np.float64)),
                   axis=0)


def error_image(error, vmax, max_side=320):
    """uint8 RGB picture of an error map (rows x cols) on the fixed scale [0, vmax]."""
    return colormap(reduce_to(error, max_side), vmax)


def nice_ceil(value):
    """The smallest of 1, 2, 2.5 and 5 x 10^k that is at least ``value`` (> 0)."""
    value = max(float(value), 1e-6)
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        nice = step * 10 ** exponent
        if nice >= value * (1 - 1e-9):
            return float(round(nice, 12))
    return float(10 ** (exponent + 1))


def error_scale(rmse_values, factor=2.5):
    """The upper end of the error colour scale shared by the pictures of one figure:
    ``factor`` x the median RMSE of the methods, rounded up by :func:`nice_ceil` (0.1 when no
    RMSE is finite). Larger errors saturate (the legend says so): a scale set by the worst
    pixels (the paper's 0.5 constant of mosaicing, say) would hide every other error."""
    finite = [float(v) for v in rmse_values if v is not None and np.isfinite(v) and v > 0]
    if not finite:
        return 0.1
    return nice_ceil(factor * float(np.median(finite)))


def colorbar_image(width=256, height=14):
    """uint8 RGB horizontal colour bar of the error colour map (left = 0)."""
    ramp = np.linspace(0.0, 1.0, width)[None, :].repeat(height, axis=0)
    return colormap(ramp, 1.0)


# ---------------------------------------------------------------------------------------------
# JSON

def json_ready(value):
    """``value`` with numpy types made plain, NaN as None and infinities as 'inf' / '-inf'."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def write_json(path, data):
    """Write ``data`` as indented, strict JSON (see :func:`json_ready`); returns ``path``."""
    text = json.dumps(json_ready(data), indent=2, allow_nan=False, ensure_ascii=False)
    _atomic_write(path, (text + "\n").encode("utf-8"))
    return path


# ---------------------------------------------------------------------------------------------
# HTML

_CSS = """
:root { --ink:#1d2733; --muted:#5d6b7a; --line:#d9e0e7; --paper:#ffffff; --band:#f4f6f9;
        --accent:#1f6feb; --best:#e6f4ea; --bestink:#13653a; }
* { box-sizing: border-box; }
body { margin:0; background:var(--band); color:var(--ink);
       font: 14px/1.45 -apple-system, "Segoe UI", "DejaVu Sans", Roboto, Helvetica, Arial, sans-serif; }
header { background:#17324d; color:#fff; padding:18px 32px 16px; }
header h1 { margin:0 0 4px; font-size:22px; font-weight:600; letter-spacing:.2px; }
header p { margin:0; color:#c9d6e3; }
main { max-width:1180px; margin:0 auto; padding:20px 24px 40px; }
section { background:var(--paper); border:1px solid var(--line); border-radius:8px; padding:18px 22px;
          margin:0 0 20px; }
h2 { margin:0 0 6px; font-size:18px; }
h3 { margin:18px 0 8px; font-size:15px; }
p.lead { margin:0 0 12px; color:var(--muted); }
table { border-collapse:collapse; width:100%; font-variant-numeric: tabular-nums; }
th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
th:first-child, td:first-child { text-align:left; }
thead th { font-size:12px; color:var(--muted); font-weight:600; border-bottom:2px solid var(--line); }
thead th .dir { color:#8a97a6; font-weight:400; }
td.best { background:var(--best); color:var(--bestink); font-weight:700; }
td.best::after { content:" ★"; font-size:11px; }
tr.skipped td { color:#8a97a6; font-style:italic; }
dl.facts { display:grid; grid-template-columns: max-content 1fr; gap:3px 16px; margin:0; }
dl.facts dt { color:var(--muted); }
dl.facts dd { margin:0; }
.strip { display:flex; flex-wrap:wrap; gap:10px; }
figure { margin:0; }
figure img { display:block; width:150px; height:auto; image-rendering:pixelated; border-radius:3px;
             border:1px solid var(--line); background:#e9edf1; }
figcaption { font-size:11.5px; color:var(--muted); margin-top:3px; max-width:150px; }
.pair { display:flex; flex-direction:column; gap:8px; }
.pair figcaption { min-height:2.9em; }
.pair.maskonly { justify-content:flex-end; }
.panels { display:grid; grid-template-columns: 230px repeat(3, 208px); gap:10px 14px; align-items:start; }
.panels img { width:208px; }
.panels figcaption { max-width:208px; }
.panels .head { font-size:12px; color:var(--muted); font-weight:600; }
.method { font-weight:600; padding-top:6px; }
.method .scores { display:block; font-weight:400; color:var(--muted); font-size:12px; margin-top:3px; }
.colorbar { display:flex; align-items:center; gap:8px; font-size:12px; color:var(--muted); margin:10px 0 0; }
.colorbar img { width:200px; height:12px; image-rendering:auto; border-radius:2px; flex:none; }
.colorbar span:first-child { white-space:nowrap; }
ul.help { margin:6px 0 0; padding-left:18px; }
ul.help li { margin:2px 0; }
.note { color:var(--muted); font-size:12.5px; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:0 0 24px; }
code { background:#eef2f6; padding:1px 4px; border-radius:3px; font-size:12.5px; }
"""


def _e(text):
    return html.escape(str(text), quote=True)


def format_metric(key, value):
    """The table text of one metric value."""
    fmt = {k: f for k, _h, _u, _hi, f in METRIC_COLUMNS}.get(key, "{:.4f}")
    if value is None:
        return "–"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return _e(value)
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return fmt.format(value)


def best_rows(rows, key, higher_is_better):
    """Indexes of the rows holding the best finite value of ``key`` (ties: all of them)."""
    values = []
    for k, row in enumerate(rows):
        v = row.get(key)
        try:
            v = float(v)
        except (TypeError, ValueError):
            continue
        if math.isnan(v):
            continue
        values.append((k, v))
    if not values:
        return set()
    target = max(v for _, v in values) if higher_is_better else min(v for _, v in values)
    return {k for k, v in values if v == target or (math.isfinite(target) and abs(v - target) <= 1e-12)}


def metric_table_html(rows, columns=METRIC_COLUMNS, extra_seconds=True, skipped=()):
    """An HTML table of metric rows (dicts with 'label' and the metric keys); the best value of
    each column is marked (class 'best', a star). ``skipped``: (label, reason) rows shown greyed."""
    present = [c for c in columns if any(c[0] in r for r in rows)]
    head = ["<th>method</th>"]
    for key, title, unit, higher, _fmt in present:
        arrow = "↑" if higher else "↓"
        unit_text = f" ({_e(unit)})" if unit else ""
        head.append(f"<th>{_e(title)}{unit_text} <span class=\"dir\">{arrow}</span></th>")
    if extra_seconds:
        head.append("<th>time (s)</th>")
    best = {key: best_rows(rows, key, higher) for key, _t, _u, higher, _f in present}
    body = []
    for k, row in enumerate(rows):
        cells = [f"<td>{_e(row.get('label', row.get('method', '')))}</td>"]
        for key, _t, _u, _h, _f in present:
            cls = " class=\"best\"" if k in best[key] and len(rows) > 1 else ""
            cells.append(f"<td{cls}>{format_metric(key, row.get(key))}</td>")
        if extra_seconds:
            seconds = row.get("seconds")
            cells.append(f"<td>{'–' if seconds is None else f'{float(seconds):.1f}'}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    for label, reason in skipped:
        span = len(present) + (2 if extra_seconds else 1) - 1
        body.append(f"<tr class=\"skipped\"><td>{_e(label)}</td><td colspan=\"{span}\" "
                    f"style=\"text-align:left\">not run: {_e(reason)}</td></tr>")
    return ("<table><thead><tr>" + "".join(head) + "</tr></thead><tbody>"
            + "".join(body) + "</tbody></table>")


def _figure(src, caption, alt=None):
    return (f"<figure><img src=\"{_e(src)}\" alt=\"{_e(alt or caption)}\" loading=\"eager\">"
            f"<figcaption>{caption}</figcaption></figure>")


def _facts(pairs):
    return "<dl class=\"facts\">" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"


def _help_html():
    items = "".join(f"<li><b>{_e(name)}</b>: {_e(text)}</li>" for name, text in METRIC_HELP)
    return f"<ul class=\"help\">{items}</ul>"


def _paper_html():
    rows = [dict(label=r["method"], **{k: r[k] for k in ("rmse", "psnr", "ssim", "sam")})
            for r in PAPER_FIGURES]
    columns = tuple(c for c in METRIC_COLUMNS if c[0] in ("rmse", "psnr", "ssim", "sam"))
    return metric_table_html(rows, columns, extra_seconds=False)


def _page(title, subtitle, sections, footer):
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{_e(title)}</h1><p>{subtitle}</p></header><main>"
            + "".join(f"<section>{s}</section>" for s in sections)
            + f"</main><footer>{footer}</footer></body></html>\n")


def _scores_line(row):
    parts = []
    for key in ("rmse", "ssim", "sam"):
        if key in row:
            title = {"rmse": "RMSE", "ssim": "SSIM", "sam": "SAM"}[key]
            unit = "°" if key == "sam" else ""
            parts.append(f"{title} {format_metric(key, row.get(key))}{unit}")
    return " · ".join(parts)


def protocol_section_html(protocol):
    """One protocol of a benchmark report (a dict as built by core.benchmark_protocols)."""
    out = [f"<h2>{_e(protocol['title'])}</h2>", f"<p class=\"lead\">{_e(protocol['description'])}</p>"]
    if protocol.get("facts"):
        out.append(_facts([(k, _e(v)) for k, v in protocol["facts"]]))
    out.append("<h3>Scores</h3>")
    rows = protocol.get("rows", [])
    skipped = [(s["label"], s["reason"]) for s in protocol.get("skipped", [])]
    out.append(metric_table_html(rows, skipped=skipped))
    images = protocol.get("images") or {}
    if images.get("inputs"):
        out.append("<h3>Inputs and their cloud masks</h3><div class=\"strip\">")
        for item in images["inputs"]:
            out.append("<div class=\"pair\">" if item.get("rgb") else "<div class=\"pair maskonly\">")
            if item.get("rgb"):
                out.append(_figure(item["rgb"], _e(item["caption"])))
            out.append(_figure(item["mask"], _e(item.get("mask_caption", "cloud mask")),
                               alt=f"cloud mask of {item['caption']}"))
            out.append("</div>")
        out.append("</div>")
    if images.get("methods"):
        out.append("<h3>Prediction, target and absolute error per method</h3><div class=\"panels\">")
        out.append("<div class=\"head\">method</div><div class=\"head\">prediction</div>"
                   "<div class=\"head\">target</div><div class=\"head\">absolute error</div>")
        by_method = {r.get("method"): r for r in rows}
        for item in images["methods"]:
            row = by_method.get(item["method"], {})
            out.append(f"<div class=\"method\">{_e(item['label'])}<span class=\"scores\">"
                       f"{_scores_line(row)}</span></div>")
            out.append(_figure(item["prediction"], "prediction", alt=f"prediction of {item['label']}"))
            out.append(_figure(images["target"], _e(images.get("target_caption", "target")),
                               alt=f"target ({item['label']})"))
            out.append(_figure(item["error"], "mean |error| over bands", alt=f"absolute error of {item['label']}"))
        out.append("</div>")
        if images.get("colorbar"):
            out.append(f"<div class=\"colorbar\"><span>absolute error 0</span>"
                       f"<img src=\"{_e(images['colorbar'])}\" alt=\"error colour scale\">"
                       f"<span>≥ {float(images['error_max']):g} reflectance (mean over bands; scale "
                       f"= 2.5 x the median RMSE, shared by the methods; RGB: B04 B03 B02, one "
                       f"stretch for every picture)</span></div>")
    if protocol.get("notes"):
        out.append("".join(f"<p class=\"note\">{_e(n)}</p>" for n in protocol["notes"]))
    return "".join(out)


def benchmark_html(report):
    """The benchmark page of ``report`` (the dict written as JSON by core.benchmark_protocols)."""
    run = report.get("run", {})
    series = report.get("series", {})
    facts = [(k, _e(v)) for k, v in report.get("facts", [])]
    intro = ("<h2>Run</h2><p class=\"lead\">Cloud removal methods scored with the protocols of "
             "SEN12MS-CR-TS (Ebel et al., IEEE TGRS 2022). Every number of this page is in "
             f"<code>{_e(report.get('json_name', 'report.json'))}</code>.</p>" + _facts(facts))
    sections = [intro]
    for protocol in report.get("protocols", []):
        sections.append(protocol_section_html(protocol))
    sections.append("<h2>Metrics</h2><p class=\"lead\">Per image on reflectance scaled to [0, 1], "
                    "then averaged over images, as in the paper.</p>" + _help_html())
    sections.append("<h2>For comparison: the paper</h2><p class=\"lead\">SEN12MS-CR-TS test split, "
                    "sequence-to-point, n = 3 input dates (the paper's SAM in radians converted to "
                    "degrees). A generated sample or your own region is not that test set: compare "
                    "orders of magnitude and rankings, not digits.</p>" + _paper_html())
    subtitle = _e(f"{series.get('description', '')} · {run.get('finished', '')} · device "
                  f"{run.get('device', 'n/a')}")
    footer = _e(f"S2 CloudFree {run.get('plugin_version', '')} · generated {run.get('finished', '')}")
    return _page(report.get("title", "S2 CloudFree benchmark"), subtitle, sections, footer)


def write_html(path, text):
    _atomic_write(path, text.encode("utf-8"))
    return path


def data_uri(image):
    """A ``data:image/png;base64,...`` URI of an image (see :func:`png_bytes`)."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode("ascii")


def evaluation_html(result, images=None):
    """A single-file HTML page of one evaluation (``result`` from core.benchmark_protocols.
    evaluate_rasters); ``images``: optional list of (caption, uint8 image) embedded as data URIs."""
    row = dict(result)
    row["label"] = "prediction vs target"
    table = metric_table_html([row], extra_seconds=False)
    facts = [(k, _e(v)) for k, v in result.get("facts", [])]
    sections = ["<h2>Scores</h2>" + table + _facts(facts)]
    if images:
        strip = "".join(_figure(data_uri(img), _e(caption)) for caption, img in images)
        sections.append(f"<h2>Pictures</h2><div class=\"strip\">{strip}</div>"
                        f"<div class=\"colorbar\"><span>absolute error 0</span>"
                        f"<img src=\"{data_uri(colorbar_image())}\" alt=\"error colour scale\">"
                        f"<span>≥ {float(result.get('error_max', 0.1)):g} reflectance (2.5 x RMSE)</span></div>")
    sections.append("<h2>Metrics</h2>" + _help_html())
    subtitle = _e(f"{result.get('prediction_name', '')} against {result.get('target_name', '')}")
    footer = _e(f"S2 CloudFree · generated {result.get('finished', '')}")
    return _page("S2 CloudFree evaluation", subtitle, sections, footer)
