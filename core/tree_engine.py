"""Exact, fast evaluation of the s2cloudless pixel classifier (a LightGBM model).

s2cloudless classifies every pixel with a LightGBM gradient-boosted model: 170 binary trees
of up to 770 leaves over 10 band reflectances. Its probability is
``1 / (1 + exp(-sum of the trees' leaf values))``. LightGBM evaluates it one pixel at a
time, with a data-dependent branch at every node; that is slow (about 20 µs per pixel on one
core). This module evaluates the same model, with the same result, faster.

How exactness is kept
---------------------
* The model file is parsed here (the text format LightGBM writes): thresholds and leaf values
  are doubles, read with Python's correctly rounded ``float``, as LightGBM reads them.
* LightGBM converts each feature value to double, reads NaN as 0 (the model's nodes have
  missing type "None") and drops magnitudes <= 1e-35 (``kZeroThreshold``) to 0, then goes
  left when ``value <= threshold``. Each feature has at most a few hundred distinct
  thresholds over the whole model, so every value is replaced by its *bin*: the number of
  that feature's thresholds strictly below it. ``value <= t_j`` (``t_j`` the j-th smallest
  threshold) is then exactly ``bin <= j``: integer comparisons, no rounding question at all,
  whatever the input dtype (float32 or float64).
* The leaf values of one pixel are added in tree order into a double that starts at 0, as
  LightGBM does, so the raw score is bit-identical; the sigmoid is computed in double and
  rounded to float32 (what s2cloudless returns). NumPy's ``exp`` may differ from the C
  library's by an ulp; the rare pixels whose float32 rounding could depend on that are
  recomputed with ``math.exp`` (the C library's, as LightGBM uses).
* Models using features this module does not reproduce (categorical splits, missing-value
  handling other than "None", linear trees, several classes) are refused with
  :class:`UnsupportedModel`, and callers fall back to LightGBM itself.

Engines
-------
``numba``   compiled kernel (needs the optional package numba): tree by tree over blocks of
            512 pixels whose bins sit in L1 cache, eight pixels walked in lock-step so that
            their independent memory chains overlap, nodes packed in 4 bytes (the model is
            1 MB). About 4x LightGBM per core.
``numpy``   always available: for each tree the pixel indices are partitioned node by node
            (one gather, one comparison and two compressions per node and pixel), so
            Python's overhead is paid per node, not per pixel. About 1.5-2x LightGBM.
``torch``   all trees in lock-step over all pixels with periodic compaction; for CUDA
            (``device="cuda"``), works on the CPU too (slowly).
``lightgbm`` ``Booster.predict`` itself (the reference).
``fast``    numba when importable, else numpy.

Threads: pixels are split into chunks evaluated by a thread pool (numba's kernel and most of
NumPy's work release the GIL); LightGBM gets ``num_threads``.
"""

import functools
import importlib
import importlib.util
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np  # this module is imported lazily (by core.cloudmask's functions)

from .dependencies import require
from .errors import InputError, MissingDependencyError

MODEL_FILENAME = "pixel_s2_cloud_detector_lightGBM_v0.1.txt"
#: LightGBM's kZeroThreshold: feature magnitudes up to this are read as 0.
ZERO_THRESHOLD = 1.0000000180025095e-35
ENGINES = ("auto", "fast", "numba", "numpy", "torch", "lightgbm")

_NODE_LEAF = 1 << 31
_MAX_LOCAL_NODES = 1 << 15
_BLOCK = 512
#: numpy engine: groups this small finish in plain Python (only in calls of at most
#: _SMALL_CALL pixels, where NumPy's per-call overhead dominates).
_SMALL_GROUP = 24
_SMALL_CALL = 65536
#: calls smaller than this are not split between threads
_MIN_SPLIT = 8192
#: largest chunk of one NumPy-engine call (keeps cancel checks a few seconds apart)
_NUMPY_CHUNK = 262144


class UnsupportedModel(Exception):
    """The model uses a LightGBM feature this module does not reproduce exactly."""


def s2cloudless_model_path():
    """Path of the LightGBM model file shipped inside the s2cloudless package.

    Found without importing s2cloudless (whose import pulls in sentinelhub).
    """
    spec = importlib.util.find_spec("s2cloudless")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            "The Python package 's2cloudless' is needed for cloud masks (its classifier model) "
            "but cannot be found. Install it: python -m pip install 's2cloudless==1.7.3' with "
            "the Python that runs QGIS")
    for folder in spec.submodule_search_locations:
        path = os.path.join(folder, "models", MODEL_FILENAME)
        if os.path.exists(path):
            return path
    raise MissingDependencyError(
        f"The s2cloudless package has no model file {MODEL_FILENAME}; reinstall s2cloudless==1.7.3.")


# --------------------------------------------------------------------------- model parsing

def _parse_sections(text):
    """Split a LightGBM model text into the header dict and one dict per tree."""
    head, sep, rest = text.partition("\nTree=")
    header = {}
    for line in head.splitlines():
        key, eq, value = line.partition("=")
        if eq:
            header[key.strip()] = value.strip()
    trees = []
    if not sep:
        return header, trees
    rest = rest.split("\nend of trees", 1)[0]
    for block in ("Tree=" + rest).split("\nTree="):
        info = {}
        for line in block.splitlines():
            key, eq, value = line.partition("=")
            if eq:
                info[key.strip()] = value.strip()
        trees.append(info)
    return header, trees


def _floats(text):
    return [float(v) for v in text.split()] if text else []


def _ints(text):
    return [int(v) for v in text.split()] if text else []


class Tree:
    """One regression tree in LightGBM's own encoding (children < 0 are ~leaf index)."""

    __slots__ = ("feature", "threshold", "left", "right", "leaf_value", "bin", "_lists")

    def __init__(self, feature, threshold, left, right, leaf_value):
        self.feature = feature
        self.threshold = threshold
        self.left = left
        self.right = right
        self.leaf_value = leaf_value
        self.bin = None
        self._lists = None

    def lists(self):
        """(feature, bin, left, right, leaf_value) as Python lists (fast scalar access)."""
        if self._lists is None:
            self._lists = (self.feature.tolist(), self.bin.tolist(), self.left.tolist(),
                           self.right.tolist(), self.leaf_value.tolist())
        return self._lists

    @property
    def internal_count(self):
        return len(self.feature)


class TreeModel:
    """A binary LightGBM model in arrays, ready for the exact engines."""

    def __init__(self, path):
        self.path = path
        with open(path, "r", encoding="ascii") as handle:
            header, blocks = _parse_sections(handle.read())
        self.header = header
        self._check_header(header)
        self.n_features = int(header.get("max_feature_idx", "-1")) + 1
        self.trees = []
        for index, info in enumerate(blocks):
            self.trees.append(self._tree(index, info))
        if not self.trees:
            raise UnsupportedModel("the model has no trees")
        # Per feature: its distinct thresholds, sorted (bins are positions in these lists).
        per_feature = [set() for _ in range(self.n_features)]
        for tree in self.trees:
            for f, t in zip(tree.feature, tree.threshold):
                per_feature[f].add(t)
        self.cuts = [np.array(sorted(s), dtype=np.float64) for s in per_feature]
        self.max_cuts = max((len(c) for c in self.cuts), default=0)
        self.bin_dtype = np.uint8 if self.max_cuts <= 255 else np.uint16
        for tree in self.trees:
            tree.bin = [int(np.searchsorted(self.cuts[f], t)) for f, t in zip(tree.feature, tree.threshold)]
            tree.feature = np.array(tree.feature, dtype=np.intp)
            tree.bin = np.array(tree.bin, dtype=np.int64)
            tree.left = np.array(tree.left, dtype=np.int64)
            tree.right = np.array(tree.right, dtype=np.int64)
            tree.leaf_value = np.array(tree.leaf_value, dtype=np.float64)
        self._packed = None
        self._cut_table = None
        self._lock = threading.Lock()

    @staticmethod
    def _check_header(header):
        if header.get("num_class", "1") != "1" or header.get("num_tree_per_iteration", "1") != "1":
            raise UnsupportedModel("only single-output (binary) models are supported")
        objective = header.get("objective", "").split()
        if not objective or objective[0] != "binary":
            raise UnsupportedModel(f"objective {header.get('objective')!r} is not 'binary'")
        sigmoid = [p for p in objective[1:] if p.startswith("sigmoid:")]
        if sigmoid and float(sigmoid[0].split(":", 1)[1]) != 1.0:
            raise UnsupportedModel("only sigmoid:1 is supported")
        if "average_output" in header:
            raise UnsupportedModel("averaged (random forest) output is not supported")

    def _tree(self, index, info):
        if info.get("num_cat", "0") != "0" or info.get("is_linear", "0") != "0":
            raise UnsupportedModel(f"tree {index} has categorical splits or linear leaves")
        leaves = int(info["num_leaves"])
        leaf_value = _floats(info.get("leaf_value", ""))
        if leaves <= 1:
            return Tree([], [], [], [], leaf_value[:1] or [0.0])
        feature = _ints(info["split_feature"])
        threshold = _floats(info["threshold"])
        decision = _ints(info["decision_type"])
        left = _ints(info["left_child"])
        right = _ints(info["right_child"])
        n = leaves - 1
        if not (len(feature) == len(threshold) == len(decision) == len(left) == len(right) == n
                and len(leaf_value) == leaves):
            raise UnsupportedModel(f"tree {index} is malformed")
        for d in decision:
            # bit 0: categorical; bits 2-3: missing type (0 = None). Bit 1 (default left)
            # does not matter when the missing type is None.
            if d & 1 or (d >> 2) & 3:
                raise UnsupportedModel(f"tree {index} uses categorical or missing-value splits")
        if any(f < 0 or f >= self.n_features for f in feature):
            raise UnsupportedModel(f"tree {index} uses an unknown feature")
        return Tree(feature, threshold, left, right, leaf_value)

    # ---- packed layout for the compiled and torch engines
    def packed(self):
        """Node records for the compiled/torch engines, built once.

        Returns ``(records uint32, values float64, bases int64, max_depth)``. Each tree's nodes
        are numbered breadth first so that the two children of a node are neighbours
        (``left``, ``left + 1``). A record holds the left child's tree-local number
        (bits 16-30), the feature (bits 8-11) and the threshold's bin (bits 0-7); a leaf has
        bit 31 set, points to itself and has bin 255 so that a further step stays on it.
        """
        with self._lock:
            if self._packed is None:
                self._packed = self._pack()
            return self._packed

    def _pack(self):
        if self.max_cuts > 255 or self.n_features > 16:
            raise UnsupportedModel("more than 255 thresholds per feature or 16 features")
        records, values, bases = [], [], []
        max_depth = 0
        for tree in self.trees:
            bases.append(len(records))
            # queue of (LightGBM node id, depth); node id >= 0 internal, < 0 leaf (~index)
            queue = [(0, 0)] if tree.internal_count else [(-1, 0)]
            position = 0
            while position < len(queue):
                node, depth = queue[position]
                max_depth = max(max_depth, depth)
                if node < 0:
                    records.append(_NODE_LEAF | (position << 16) | 255)
                    values.append(float(tree.leaf_value[~node]))
                else:
                    left = len(queue)
                    records.append((left << 16) | (int(tree.feature[node]) << 8) | int(tree.bin[node]))
                    values.append(0.0)
                    queue.append((int(tree.left[node]), depth + 1))
                    queue.append((int(tree.right[node]), depth + 1))
                position += 1
            if position > _MAX_LOCAL_NODES:
                raise UnsupportedModel("a tree has more than 32768 nodes")
        return (np.array(records, dtype=np.uint32), np.array(values, dtype=np.float64),
                np.array(bases, dtype=np.int64), max_depth)

    def cut_table(self):
        """(n_features, max thresholds) float64 thresholds padded with +inf, and their counts
        (built once)."""
        with self._lock:
            if self._cut_table is None:
                table = np.full((self.n_features, max(self.max_cuts, 1)), np.inf)
                counts = np.zeros(self.n_features, dtype=np.int64)
                for f, c in enumerate(self.cuts):
                    table[f, : len(c)] = c
                    counts[f] = len(c)
                self._cut_table = (table, counts)
            return self._cut_table


@functools.lru_cache(maxsize=4)
def load_model(path=None):
    """Parse (once per process) the LightGBM model at ``path`` (default: s2cloudless's)."""
    return TreeModel(path or s2cloudless_model_path())


# --------------------------------------------------------------------------- shared helpers

def _clean_features(features):
    """LightGBM's reading of a value: NaN and |v| <= 1e-35 become 0 (other values kept)."""
    bad = ~(np.abs(features) > ZERO_THRESHOLD)  # NaN compares False
    if bad.any():
        features = np.where(bad, features.dtype.type(0), features)
    return features


def feature_bins(model, features):
    """Bins of ``features`` (n_features x N, any float dtype): for each value the number of
    that feature's thresholds strictly below it (after LightGBM's NaN/zero reading)."""
    bins = np.empty(features.shape, dtype=model.bin_dtype)
    for f in range(model.n_features):
        column = _clean_features(features[f])
        bins[f] = np.searchsorted(model.cuts[f], column.astype(np.float64, copy=False), side="left")
    return bins


def sigmoid_float32(raw):
    """``float32(1 / (1 + exp(-raw)))`` computed in double as LightGBM does.

    The few values whose float32 rounding could depend on the last bit of ``exp`` are
    recomputed with the C library's ``exp`` (``math.exp``), the function LightGBM calls.
    """
    raw = np.asarray(raw, dtype=np.float64)
    with np.errstate(over="ignore"):
        prob = 1.0 / (1.0 + np.exp(-raw))
    out = prob.astype(np.float32)
    lo = (prob * (1.0 - 4e-15)).astype(np.float32)
    hi = (prob * (1.0 + 4e-15)).astype(np.float32)
    ambiguous = np.flatnonzero((lo != out) | (hi != out))
    for i in ambiguous:
        out[i] = np.float32(1.0 / (1.0 + math.exp(-float(raw[i]))))
    return out


# --------------------------------------------------------------------------- numpy engine

def predict_raw_numpy(model, features):
    """Raw scores (float64, N) of ``features`` (n_features x N) with NumPy only.

    Tree by tree, the pixel indices are partitioned node by node. Groups of at most
    ``_SMALL_GROUP`` pixels (deep in a tree, or all pixels of a small call) finish their walk
    in plain Python, which is cheaper than NumPy calls on a handful of values.
    """
    bins = feature_bins(model, features)
    n = bins.shape[1]
    total = np.zeros(n, dtype=np.float64)
    if n == 0:
        return total
    small = _SMALL_GROUP if n <= _SMALL_CALL else 0
    columns = [bins[f] for f in range(model.n_features)]
    leaf = np.empty(n, dtype=np.float64)
    everyone = np.arange(n, dtype=np.intp)
    rows_as_lists = None
    for tree in model.trees:
        if not tree.internal_count:
            total += tree.leaf_value[0]
            continue
        feature, cut, left, right, value = tree.lists()
        stack = [(0, everyone)]
        late_rows, late_values = [], []
        while stack:
            node, rows = stack.pop()
            if rows.size <= small:
                if rows_as_lists is None:
                    rows_as_lists = bins.T.tolist()
                for pixel in rows.tolist():
                    row, at = rows_as_lists[pixel], node
                    while at >= 0:
                        at = left[at] if row[feature[at]] <= cut[at] else right[at]
                    late_rows.append(pixel)
                    late_values.append(value[~at])
                continue
            goes_left = columns[feature[node]].take(rows) <= cut[node]
            for child, part in ((left[node], rows[goes_left]), (right[node], rows[~goes_left])):
                if not part.size:
                    continue
                if child < 0:
                    leaf[part] = value[~child]
                else:
                    stack.append((child, part))
        if late_rows:
            leaf[np.array(late_rows, dtype=np.intp)] = late_values
        total += leaf  # tree order, as LightGBM sums
    return total


# --------------------------------------------------------------------------- numba engine

def _numba_predict_raw(features, cut_table, cut_counts, records, values, bases, out):  # pragma: no cover - compiled
    """Compiled kernel (see module docstring). ``features``: n_features x N."""
    n = features.shape[1]
    nf = features.shape[0]
    bins = np.zeros((_BLOCK + 1) * 16, dtype=np.uint8)
    total = np.zeros(_BLOCK, dtype=np.float64)
    for start in range(0, n, _BLOCK):
        stop = min(n, start + _BLOCK)
        m = stop - start
        for q in range(m):
            for f in range(nf):
                v = np.float64(features[f, start + q])
                if not abs(v) > ZERO_THRESHOLD:
                    v = 0.0
                lo = 0
                hi = cut_counts[f]
                while lo < hi:
                    mid = (lo + hi) >> 1
                    if cut_table[f, mid] < v:
                        lo = mid + 1
                    else:
                        hi = mid
                bins[q * 16 + f] = lo
        for q in range(m):
            total[q] = 0.0
        for t in range(bases.shape[0]):
            base = bases[t]
            p = 0
            while p + 8 <= m:
                o = np.uint64(p * 16)
                n0 = n1 = n2 = n3 = n4 = n5 = n6 = n7 = np.uint32(0)
                while True:
                    r0 = records[base + n0]
                    r1 = records[base + n1]
                    r2 = records[base + n2]
                    r3 = records[base + n3]
                    r4 = records[base + n4]
                    r5 = records[base + n5]
                    r6 = records[base + n6]
                    r7 = records[base + n7]
                    if (r0 & r1 & r2 & r3 & r4 & r5 & r6 & r7) >> np.uint32(31):
                        break
                    n0 = ((r0 >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + ((r0 >> np.uint32(8)) & np.uint32(15))] > (r0 & np.uint32(255)))
                    n1 = ((r1 >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + np.uint64(16) + ((r1 >> np.uint32(8)) & np.uint32(15))] > (r1 & np.uint32(255)))
                    n2 = ((r2 >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + np.uint64(32) + ((r2 >> np.uint32(8)) & np.uint32(15))] > (r2 & np.uint32(255)))
                    n3 = ((r3 >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + np.uint64(48) + ((r3 >> np.uint32(8)) & np.uint32(15))] > (r3 & np.uint32(255)))
                    n4 = ((r4 >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + np.uint64(64) + ((r4 >> np.uint32(8)) & np.uint32(15))] > (r4 & np.uint32(255)))
                    n5 = ((r5 >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + np.uint64(80) + ((r5 >> np.uint32(8)) & np.uint32(15))] > (r5 & np.uint32(255)))
                    n6 = ((r6 >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + np.uint64(96) + ((r6 >> np.uint32(8)) & np.uint32(15))] > (r6 & np.uint32(255)))
                    n7 = ((r7 >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + np.uint64(112) + ((r7 >> np.uint32(8)) & np.uint32(15))] > (r7 & np.uint32(255)))
                total[p] += values[base + n0]
                total[p + 1] += values[base + n1]
                total[p + 2] += values[base + n2]
                total[p + 3] += values[base + n3]
                total[p + 4] += values[base + n4]
                total[p + 5] += values[base + n5]
                total[p + 6] += values[base + n6]
                total[p + 7] += values[base + n7]
                p += 8
            while p < m:
                o = np.uint64(p * 16)
                node = np.uint32(0)
                while True:
                    r = records[base + node]
                    if r >> np.uint32(31):
                        break
                    node = ((r >> np.uint32(16)) & np.uint32(0x7FFF)) + np.uint32(
                        bins[o + ((r >> np.uint32(8)) & np.uint32(15))] > (r & np.uint32(255)))
                total[p] += values[base + node]
                p += 1
        for q in range(m):
            out[start + q] = total[q]


_numba_state = {"kernel": None, "error": None}
_numba_lock = threading.Lock()


def numba_kernel():
    """The compiled kernel, or None when numba is missing or fails here (see ``numba_error()``).

    Compiled once per process (about 2 s) or loaded from numba's cache (beside this file, or
    numba's user cache folder when the plugin folder is read-only).
    """
    with _numba_lock:
        if _numba_state["kernel"] is None and _numba_state["error"] is None:
            try:
                numba = importlib.import_module("numba")
                try:
                    kernel = numba.njit(nogil=True, cache=True)(_numba_predict_raw)
                except Exception:  # no writable cache location: compile every session
                    kernel = numba.njit(nogil=True)(_numba_predict_raw)
                model = _warm_up_model()
                if model is not None:  # compile now (float32, C order: what the engine passes)
                    records, values, bases, _depth = model.packed()
                    table, counts = model.cut_table()
                    kernel(np.zeros((model.n_features, 1), dtype=np.float32), table, counts,
                           records, values, bases, np.empty(1))
                _numba_state["kernel"] = kernel
            except Exception as exc:  # ImportError, or numba failing on this platform
                _numba_state["error"] = f"{type(exc).__name__}: {exc}"
        return _numba_state["kernel"]


def _warm_up_model():
    try:
        return load_model()
    except Exception:  # no s2cloudless, or a model it cannot pack: compile on first use
        return None


def numba_error():
    numba_kernel()
    return _numba_state["error"]


def predict_raw_numba(model, features):
    """Raw scores (float64, N) with the compiled kernel (numba must be available)."""
    kernel = numba_kernel()
    if kernel is None:
        raise MissingDependencyError(f"numba is not available ({_numba_state['error']})")
    records, values, bases, _depth = model.packed()
    table, counts = model.cut_table()
    if features.shape[0] != model.n_features:
        raise InputError(f"expected {model.n_features} features, got {features.shape[0]}")
    out = np.empty(features.shape[1], dtype=np.float64)
    if features.dtype not in (np.float32, np.float64):
        features = features.astype(np.float32)
    # one compiled signature per dtype: always C order (a chunk of columns is copied)
    kernel(np.ascontiguousarray(features), table, counts, records, values, bases, out)
    return out


# --------------------------------------------------------------------------- torch engine

def _torch_device(device):
    torch = require("torch")
    if isinstance(device, torch.device):
        return device
    from .device import resolve_device
    return resolve_device(device or "cpu")


def predict_raw_torch(model, features, device="cpu", chunk=None):
    """Raw scores (float64 NumPy, N) with torch on ``device``: every tree in lock-step."""
    torch = require("torch")
    dev = _torch_device(device)
    records, values, bases, max_depth = model.packed()
    bins = feature_bins(model, features)  # n_features x N uint8 (exact, on the CPU)
    n = bins.shape[1]
    out = np.zeros(n, dtype=np.float64)
    if n == 0:
        return out
    if chunk is None:
        chunk = (1 << 17) if dev.type == "cuda" else (1 << 13)
    rec_t = torch.from_numpy(records.astype(np.int64)).to(dev)
    val_t = torch.from_numpy(values).to(dev)
    base_t = torch.from_numpy(bases).to(dev)
    n_trees = len(bases)
    pixel_major = np.ascontiguousarray(np.pad(bins.T, ((0, 0), (0, 16 - bins.shape[0]))))
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        m = stop - start
        b = torch.from_numpy(pixel_major[start:stop].reshape(-1)).to(dev).to(torch.int64)
        # one pair per (tree, pixel), tree-major
        tree_base = base_t.repeat_interleave(m)
        pix_off = torch.arange(m, device=dev, dtype=torch.int64).repeat(n_trees) * 16
        slot = torch.arange(n_trees * m, device=dev, dtype=torch.int64)
        node = tree_base.clone()  # global index of each pair's current node
        result = torch.empty(n_trees * m, device=dev, dtype=torch.int64)
        step = 0
        while node.numel():
            rec = rec_t[node]
            leaf = (rec >> 31) & 1
            go_right = (b[pix_off + ((rec >> 8) & 15)] > (rec & 255)).to(torch.int64)
            node = tree_base + ((rec >> 16) & 0x7FFF) + go_right
            step += 1
            if step % 8 == 0 or step > max_depth:
                done = leaf.bool()
                if bool(done.all()):
                    result[slot] = node
                    break
                n_done = int(done.sum())
                if n_done * 2 >= done.numel():
                    result[slot[done]] = node[done]
                    keep = ~done
                    node, tree_base, pix_off, slot = node[keep], tree_base[keep], pix_off[keep], slot[keep]
        leaf_values = val_t[result].view(n_trees, m)
        total = torch.zeros(m, device=dev, dtype=torch.float64)
        for t in range(n_trees):  # tree order, as LightGBM sums
            total += leaf_values[t]
        out[start:stop] = total.cpu().numpy()
    return out


# --------------------------------------------------------------------------- lightgbm engine

@functools.lru_cache(maxsize=4)
def _booster(path):
    lightgbm = require("lightgbm")
    return lightgbm.Booster(model_file=path)


def predict_proba_lightgbm(model_path, features, threads=None):
    """float32 probabilities from LightGBM itself (features: n_features x N)."""
    booster = _booster(model_path)
    if features.shape[1] == 0:
        return np.zeros(0, dtype=np.float32)
    rows = np.ascontiguousarray(features.T)
    if rows.dtype not in (np.float32, np.float64):
        rows = rows.astype(np.float32)
    kwargs = {"num_threads": int(threads)} if threads else {}
    return booster.predict(rows, **kwargs).astype(np.float32)


# --------------------------------------------------------------------------- front end

def default_threads():
    """CPU cores this process may use (at most 8)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    return max(1, min(8, count))


class TreeEngine:
    """Evaluates the s2cloudless classifier with the chosen engine.

    ``name``: one of :data:`ENGINES`. ``auto``: torch when ``device`` is a GPU (``cuda``,
    ``cuda:N``, or ``auto`` with CUDA available), else ``fast``; ``fast``: numba when importable,
    else numpy. An engine that cannot run here falls back: torch (not installed, or MPS, which
    has no float64) -> fast; any engine when the model uses LightGBM features not reproduced
    here -> lightgbm. ``fallbacks`` says why; ``used`` is the engine that runs. A GPU device
    that cannot be used is an InputError (core.device's rule: never a silent CPU fall-back).
    ``threads``: CPU threads (default: the cores available, at most 8).
    """

    def __init__(self, name="auto", device="cpu", threads=None, model_path=None, chunk=65536):
        name = str(name or "auto").lower()
        if name not in ENGINES:
            raise InputError(f"Unknown cloud-mask engine {name!r}; use one of {', '.join(ENGINES)}.")
        self.requested = name
        self.device = str(device or "cpu").strip().lower() or "cpu"
        self.threads = int(threads) if threads else default_threads()
        self.model_path = model_path or s2cloudless_model_path()
        self.chunk = int(chunk)
        self.fallbacks = []
        self.model = None
        self.torch_device = None
        self.used = self._choose(name)

    def _choose(self, name):
        if name == "lightgbm":
            return "lightgbm"
        try:
            self.model = load_model(self.model_path)
            if name != "numpy":
                self.model.packed()
        except UnsupportedModel as exc:
            self.fallbacks.append(f"the model cannot be evaluated outside LightGBM ({exc})")
            self.model = None
            return "lightgbm"
        if name == "auto":
            name = "fast" if self.device == "cpu" else "torch"
        if name == "torch":
            reason = self._torch_problem()
            if reason is None:
                return "torch"
            if self.requested == "torch" or self.device != "auto":
                self.fallbacks.append(f"torch engine not used ({reason})")
            name = "fast"
        if name in ("fast", "numba"):
            if numba_kernel() is not None:
                return "numba"
            self.fallbacks.append(f"numba unavailable ({numba_error()}); the NumPy engine runs instead")
            return "numpy"
        return name  # numpy

    def _torch_problem(self):
        """None when torch can run on ``device``; else why not. Unusable GPUs raise InputError."""
        try:
            from .device import resolve_device
            device = resolve_device(self.device)
        except MissingDependencyError as exc:
            return str(exc)
        if device.type == "mps":
            return "Apple MPS has no float64, which the exact sums need"
        if device.type == "cpu" and self.requested != "torch":
            return "no GPU"
        self.torch_device = device
        return None

    def describe(self):
        """One log line part: the engine that runs, and on what."""
        if self.used == "torch":
            try:
                from .device import describe_device
                return f"torch on {describe_device(self.torch_device)}"
            except Exception:  # pragma: no cover - describing must never fail a run
                return f"torch on {self.torch_device}"
        return f"{self.used}, {self.threads} CPU thread{'s' if self.threads != 1 else ''}"

    def _raw(self, features):
        if self.used == "numba":
            return predict_raw_numba(self.model, features)
        if self.used == "numpy":
            return predict_raw_numpy(self.model, features)
        if self.used == "torch":
            return predict_raw_torch(self.model, features, self.torch_device)
        raise AssertionError(self.used)

    def _chunks(self, n):
        if self.used == "lightgbm":
            return max(n, 1), False  # LightGBM threads itself
        if self.used == "torch":
            return max(n, 1), False
        per_thread = -(-n // self.threads)
        if self.used == "numpy":  # holds the GIL between NumPy calls: big chunks only
            return min(max(per_thread, 2 * _SMALL_CALL), _NUMPY_CHUNK), True
        return max(min(self.chunk, per_thread), _MIN_SPLIT), True

    def predict_proba(self, features, check=None, progress=None):
        """float32 cloud probability of each column of ``features`` (n_features x N).

        ``check()`` is called between chunks (raise there to stop, e.g. a reporter's
        ``check_cancelled``); ``progress(fraction)`` after each chunk.
        """
        features = np.asarray(features)
        if features.ndim != 2:
            raise InputError("features must be a 2-D array (n_features x pixels)")
        n = features.shape[1]
        if self.used == "lightgbm":
            return predict_proba_lightgbm(self.model_path, features, self.threads)
        chunk, pooled = self._chunks(n)
        if n <= chunk:
            return sigmoid_float32(self._raw(features))
        raw = np.empty(n, dtype=np.float64)
        starts = list(range(0, n, chunk))

        def work(start):
            stop = min(n, start + chunk)
            raw[start:stop] = self._raw(features[:, start:stop])

        pool = ThreadPoolExecutor(max_workers=self.threads if pooled else 1)
        try:
            futures = [pool.submit(work, start) for start in starts]
            for done, future in enumerate(futures, start=1):
                future.result()
                if check is not None:
                    check()
                if progress is not None:
                    progress(done / len(futures))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return sigmoid_float32(raw)
