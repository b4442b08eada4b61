"""Reader of the SEN12MS-CR-TS data set (Ebel et al. 2022) in its official folder layout.

Facts taken from the data set's description and public data loader (no code copied):

- layout: ``<root>/<ROIsXXXX>/<roi number>/S1/<t>/*.tif`` and ``.../S2/<t>/*.tif`` with the time
  point ``t`` in 0 ... 29 (30 dates over one year per region of interest). The archives are sharded
  per sensor and region; once extracted and merged they give this tree;
- file names: ``s2_ROIs1868_100_ImgNo_0_2018-01-03_patch_12.tif`` (sensor, ROI folder, ROI number,
  ``ImgNo``, time point, acquisition date, ``patch``, patch number); S1 files start with ``s1``.
  A patch is the same 256 x 256 px area at every time point, S2 with 13 L1C bands (DN), S1 with
  VV and VH in dB;
- splits by region of interest (:data:`TEST_ROIS`, :data:`VAL_ROIS`, the rest is train), also per
  continent (:data:`REGION_SPLITS`);
- samples for seq2point (``cloudy_cloudfree``): cloud coverage per date = mean of the s2cloudless
  mask (threshold 0.4, average_over 4, dilation 2, all 13 bands / 10000); target = the least
  cloudy date (the earliest on ties); inputs = the first n dates in time order (the public loader
  with its default coverage bounds [0, 1] takes the first n dates, which may include the target).

numpy and rasterio only; s2cloudless is imported by :func:`s2cloudless_coverage` when used.
"""

import json
import os
import re
from collections import namedtuple
from datetime import date as _date

import numpy as np

from .dependencies import require
from .errors import InputError

#: Regions of interest of the data set: ROI folder -> ROI numbers.
ROIS = {
    "ROIs1158": ("106",),
    "ROIs1868": ("17", "36", "56", "73", "85", "100", "114", "119", "121", "126", "127", "139", "142",
                 "143"),
    "ROIs1970": ("20", "21", "35", "40", "57", "65", "71", "82", "83", "91", "112", "116", "119", "128",
                 "132", "133", "135", "139", "142", "144", "149"),
    "ROIs2017": ("8", "22", "25", "32", "49", "61", "63", "69", "75", "103", "108", "115", "116", "117",
                 "130", "140", "146"),
}
#: The official test split (across continents) and validation split, as 'ROIsXXXX/n'.
TEST_ROIS = ("ROIs1868/119", "ROIs1970/139", "ROIs2017/108", "ROIs2017/63", "ROIs1158/106",
             "ROIs1868/73", "ROIs2017/32", "ROIs1868/100", "ROIs1970/132", "ROIs2017/103",
             "ROIs1868/142", "ROIs1970/20", "ROIs2017/140")
VAL_ROIS = ("ROIs2017/22", "ROIs1970/65", "ROIs2017/117", "ROIs1868/127", "ROIs1868/17")
#: Per-continent splits of the public loader: region -> {split: ROIs}.
REGION_SPLITS = {
    "africa": {"test": ("ROIs2017/32", "ROIs2017/140"), "val": ("ROIs2017/22",),
               "train": ("ROIs1970/21", "ROIs1970/35", "ROIs1970/40", "ROIs2017/8", "ROIs2017/61",
                         "ROIs2017/75")},
    "america": {"test": ("ROIs1158/106", "ROIs1970/132"), "val": ("ROIs1970/65",),
                "train": ("ROIs1868/36", "ROIs1868/85", "ROIs1970/82", "ROIs1970/142", "ROIs2017/49",
                          "ROIs2017/116")},
    "asiaEast": {"test": ("ROIs1868/73", "ROIs1868/119", "ROIs1970/139"), "val": ("ROIs2017/117",),
                 "train": ("ROIs1868/114", "ROIs1868/126", "ROIs1868/143", "ROIs1970/116",
                           "ROIs1970/135", "ROIs2017/25")},
    "asiaWest": {"test": ("ROIs1868/100",), "val": ("ROIs1868/127",),
                 "train": ("ROIs1970/57", "ROIs1970/83", "ROIs1970/112", "ROIs2017/69", "ROIs1970/115",
                           "ROIs1970/130")},
    "europa": {"test": ("ROIs2017/63", "ROIs2017/103", "ROIs2017/108", "ROIs1868/142", "ROIs1970/20"),
               "val": ("ROIs1868/17",),
               "train": ("ROIs1868/56", "ROIs1868/121", "ROIs1868/139", "ROIs1970/71", "ROIs1970/91",
                         "ROIs1970/119", "ROIs1970/128", "ROIs1970/133", "ROIs1970/144", "ROIs1970/149",
                         "ROIs2017/146")},
}
SPLITS = ("train", "val", "test", "all")
TIME_POINTS = 30

_NAME = re.compile(r"^(s1|s2|s2cloudy|s2_cloudy)_(ROIs\d{4})_(\d+)_ImgNo_(\d+)_(\d{4})-(\d{2})-(\d{2})"
                   r"_patch_(\d+)\.tif{1,2}$", re.IGNORECASE)

FileName = namedtuple("FileName", "sensor roi_folder roi time_point date patch")


class Patch:
    """One patch of one ROI: its S1 and S2 files and dates at every time point, in time-point order."""

    def __init__(self, roi, patch, time_points, s1_paths, s2_paths, s1_dates, s2_dates):
        self.roi = roi  # 'ROIs1868/17'
        self.patch = patch  # patch number (int)
        self.time_points = time_points
        self.s1_paths = s1_paths
        self.s2_paths = s2_paths
        self.s1_dates = s1_dates
        self.s2_dates = s2_dates

    @property
    def key(self):
        return f"{self.roi}/patch_{self.patch}"

    def __repr__(self):
        return f"Patch({self.key}, {len(self.time_points)} time points)"


def parse_name(filename):
    """:class:`FileName` of an official file name, or None."""
    match = _NAME.match(os.path.basename(str(filename)))
    if not match:
        return None
    sensor, folder, roi, t, y, m, d, patch = match.groups()
    try:
        when = _date(int(y), int(m), int(d))
    except ValueError:
        return None
    return FileName(sensor.lower(), folder, roi, int(t), when, int(patch))


def split_rois(split="train", region="all"):
    """The ROIs ('ROIsXXXX/n') of ``split`` (train, val, test or all) for ``region``."""
    if split not in SPLITS:
        raise InputError(f"Unknown SEN12MS-CR-TS split {split!r}: use one of {', '.join(SPLITS)}.")
    if region == "all":
        every = [f"{folder}/{n}" for folder, numbers in ROIS.items() for n in numbers]
        test, val = list(TEST_ROIS), list(VAL_ROIS)
        train = [r for r in every if r not in test and r not in val]
    elif region in REGION_SPLITS:
        test, val, train = (list(REGION_SPLITS[region][k]) for k in ("test", "val", "train"))
    else:
        raise InputError(f"Unknown SEN12MS-CR-TS region {region!r}: use all or "
                         f"{', '.join(REGION_SPLITS)}.")
    return {"train": train, "val": val, "test": test, "all": train + test + val}[split]


def _numbered_dirs(folder):
    if not os.path.isdir(folder):
        return []
    return sorted((int(name) for name in os.listdir(folder)
                   if name.isdigit() and os.path.isdir(os.path.join(folder, name))))


def _files_by_patch(folder, sensor):
    found = {}
    if not os.path.isdir(folder):
        return found
    for name in os.listdir(folder):
        parsed = parse_name(name)
        if parsed is not None and parsed.sensor == sensor:
            found[parsed.patch] = (os.path.join(folder, name), parsed.date)
    return found


def index_dataset(root, split="train", region="all", reporter=None, max_patches=None):
    """The patches of ``split`` present under ``root`` (official layout). Patches missing a file
    at some time point are skipped and counted in the log. InputError when nothing is found."""
    root = str(root)
    if not os.path.isdir(root):
        raise InputError(f"The SEN12MS-CR-TS folder {root} does not exist.")
    wanted = split_rois(split, region)
    patches, incomplete, rois_found = [], 0, []
    for roi in wanted:
        folder, number = roi.split("/")
        roi_dir = os.path.join(root, folder, number)
        if not os.path.isdir(roi_dir):
            continue
        s1_dir, s2_dir = os.path.join(roi_dir, "S1"), os.path.join(roi_dir, "S2")
        present = set(_numbered_dirs(s2_dir)) | set(_numbered_dirs(s1_dir))
        if not present:
            continue
        times = list(range(max(present) + 1))  # every time point from 0 on must be there
        rois_found.append(roi)
        s1 = {t: _files_by_patch(os.path.join(s1_dir, str(t)), "s1") for t in times}
        s2 = {t: _files_by_patch(os.path.join(s2_dir, str(t)), "s2") for t in times}
        numbers = sorted(set().union(*(set(s2[t]) for t in times)))
        for p in numbers:
            if not all(p in s1[t] and p in s2[t] for t in times):
                incomplete += 1
                continue
            patches.append(Patch(roi, p, times, [s1[t][p][0] for t in times], [s2[t][p][0] for t in times],
                                 [s1[t][p][1] for t in times], [s2[t][p][1] for t in times]))
            if max_patches and len(patches) >= max_patches:
                break
        if max_patches and len(patches) >= max_patches:
            break
    if reporter is not None:
        reporter.info(f"SEN12MS-CR-TS {split} split ({region}): {len(patches)} patches in "
                      f"{len(rois_found)} of {len(wanted)} ROIs found under {root}"
                      + (f"; {incomplete} incomplete patches skipped" if incomplete else "") + ".")
    if not patches:
        raise InputError(
            f"No SEN12MS-CR-TS patches of the {split} split were found under {root}. Expected the "
            "official layout <root>/ROIsXXXX/<n>/S1/<t>/s1_ROIsXXXX_<n>_ImgNo_<t>_<date>_patch_<p>.tif "
            "and .../S2/<t>/s2_...tif (extract the archives and merge them with 'rsync -a */* .'). "
            f"ROIs of this split: {', '.join(wanted[:6])}{' ...' if len(wanted) > 6 else ''}.")
    return patches


def read_tif(path, window=None):
    rasterio = require("rasterio")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(path) as ds:
            return ds.read(window=window)


def read_patch(patch, time_points, window=None):
    """(S2 T x 13 x h x w float32 DN, S1 T x 2 x h x w float32 dB) of the given time-point positions."""
    rasterio = require("rasterio")
    rio_window = None
    if window is not None:
        rio_window = rasterio.windows.Window(window.col_off, window.row_off, window.width, window.height)
    s2 = np.stack([read_tif(patch.s2_paths[k], rio_window).astype(np.float32) for k in time_points])
    s1 = np.stack([read_tif(patch.s1_paths[k], rio_window).astype(np.float32) for k in time_points])
    return s2, s1


def s2cloudless_coverage(s2_dn):
    """Cloud coverage of one 13-band L1C image (DN) with the data set's s2cloudless settings."""
    detector_module = require("s2cloudless")
    detector = detector_module.S2PixelCloudDetector(threshold=0.4, all_bands=True, average_over=4,
                                                    dilation_size=2)
    bands = np.moveaxis(np.clip(np.asarray(s2_dn, dtype=np.float32), 0, 10000) / 10000.0, 0, -1)
    return float(detector.get_cloud_masks(bands[None])[0].mean())


def select_sample(coverage, n_inputs):
    """(input positions, target position): target = least cloudy (earliest on ties), inputs = the
    first ``n_inputs`` positions in time order, as the data set's loader does."""
    coverage = list(coverage)
    if len(coverage) < n_inputs:
        raise InputError(f"The patch has {len(coverage)} dates; {n_inputs} inputs are needed.")
    target = min(range(len(coverage)), key=lambda k: (coverage[k], k))
    return list(range(n_inputs)), target


class CoverageCache:
    """Cloud coverage per S2 file, computed once (s2cloudless is slow) and kept in a JSON file."""

    def __init__(self, path=None, coverage_fn=None):
        self.path = path
        self.coverage_fn = coverage_fn or s2cloudless_coverage
        self.values = {}
        self.dirty = 0
        if path and os.path.exists(path):
            try:
                with open(path, encoding="utf-8") as handle:
                    self.values = json.load(handle)
            except (OSError, ValueError):
                self.values = {}

    def coverage(self, s2_path):
        key = os.path.abspath(s2_path)
        if key not in self.values:
            self.values[key] = float(self.coverage_fn(read_tif(s2_path)))
            self.dirty += 1
            if self.dirty >= 64:
                self.save()
        return self.values[key]

    def patch_coverage(self, patch):
        return [self.coverage(p) for p in patch.s2_paths]

    def save(self):
        if not self.path or not self.dirty:
            return
        tmp = self.path + ".partial"
        os.makedirs(os.path.dirname(os.path.abspath(self.path)) or ".", exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(self.values, handle)
        os.replace(tmp, self.path)
        self.dirty = 0
