"""The algorithms the batch runner tiles: their parameters (the Processing algorithms' names and
values, as ``qgis_process`` takes them), the overlap a tile needs so that its core equals the
single-process result, and the core call that computes one tile.

Parameters arrive as ``{NAME: [text, ...]}`` (a name repeated gives a list). Names an algorithm
does not know, and settings whose result would depend on the tiling (a choice made over the whole
region), are refused with a message rather than computed differently.
"""

import contextlib
import os

from ..core.errors import InputError
from ..core.mask_method import METHODS
from ..core.seq2point import PRECISIONS
from .tiling import aligned

#: Processing enum values (index or name) -> core names.
MOSAIC_FALLBACKS = ("nodata", "constant", "least_cloudy")
GAPFILL_METHODS = ("rbf", "linear")
NEVER_CLEAR = ("local", "nodata")
HARMONIZE = ("auto", "on", "off")
MASK_METHODS = METHODS
SEQ2SEQ_PRESETS = ("fast", "paper")
SEQ2POINT_SELECTIONS = ("first", "least_cloudy", "nearest")
SEQ2POINT_PRECISIONS = PRECISIONS


class Parameters:
    """Typed access to ``NAME=value`` parameters, remembering which names were used."""

    def __init__(self, values, algorithm):
        self.values = {k.upper(): list(v) for k, v in values.items()}
        self.algorithm = algorithm
        self.used = set()

    def _get(self, name):
        self.used.add(name)
        return self.values.get(name, [])

    def text(self, name, default=None, required=False):
        items = self._get(name)
        if not items:
            if required:
                raise InputError(f"{self.algorithm}: {name} is required (give {name}=...).")
            return default
        if len(items) > 1:
            raise InputError(f"{self.algorithm}: {name} was given {len(items)} times; it takes one value.")
        return items[0]

    def paths(self, name, required=False):
        items = [p for v in self._get(name) for p in v.split(";") if p]
        if required and not items:
            raise InputError(f"{self.algorithm}: {name} is required (repeat {name}=file for each layer).")
        for path in items:
            if not os.path.exists(path):
                raise InputError(f"{self.algorithm}: {name}: {path} does not exist.")
        return [os.path.abspath(p) for p in items]

    def number(self, name, default, kind=float):
        value = self.text(name)
        if value is None:
            return default
        try:
            return kind(value)
        except ValueError:
            raise InputError(f"{self.algorithm}: {name}={value!r} is not a number.") from None

    def boolean(self, name, default):
        value = self.text(name)
        if value is None:
            return default
        if value.lower() in ("1", "true", "yes"):
            return True
        if value.lower() in ("0", "false", "no"):
            return False
        raise InputError(f"{self.algorithm}: {name}={value!r} is not a boolean (true/false or 1/0).")

    def choice(self, name, options, default):
        """An enum as qgis_process takes it: the index, or here also the option's name."""
        value = self.text(name)
        if value is None:
            return default
        if value.isdigit() and int(value) < len(options):
            return options[int(value)]
        if value.lower() in options:
            return value.lower()
        raise InputError(f"{self.algorithm}: {name}={value!r}: use one of "
                         + ", ".join(f"{i} ({o})" for i, o in enumerate(options)) + ".")

    def series_with_masks(self, computed=False):
        """S2_LAYERS and MASK_LAYERS, one mask per layer. With ``computed``, MASK_LAYERS may be left
        out: masks are then computed in each tile (see :meth:`mask_source`)."""
        s2 = self.paths("S2_LAYERS", required=True)
        masks = self.paths("MASK_LAYERS")
        if len(masks) != len(s2) and (masks or not computed):
            raise InputError(f"{self.algorithm}: batch runs need MASK_LAYERS, one per S2 layer ({len(masks)} masks "
                             f"for {len(s2)} layers): make them first with `batch cloudmask`"
                             + (", or give none to have s2cloudless masks computed in each tile." if computed
                                else "."))
        return s2, masks

    def per_date_outputs(self, s2, suffix):
        """{key: path} of one output per S2 layer in OUTPUT_FOLDER, '<input stem><suffix>.tif'."""
        folder = os.path.abspath(self.text("OUTPUT_FOLDER", required=True))
        stems = [os.path.splitext(os.path.basename(path))[0] for path in s2]
        if len(set(stems)) != len(stems):
            raise InputError(f"{self.algorithm}: batch runs need S2 layers with different file names.")
        return {f"{stem}{suffix}": os.path.join(folder, f"{stem}{suffix}.tif") for stem in stems}

    def mask_source(self, s2, masks, harmonize, method_name="METHOD"):
        """(CloudMaskSettings or None, extra overlap in px). With MASK_LAYERS: None and 0 (the mask
        settings are then not used, as in the Processing algorithm). Without: s2cloudless masks
        computed in each tile with THRESHOLD, AVERAGE_OVER and DILATION_SIZE, as the Processing
        algorithm computes them; the mask method automatic (its default) is accepted when it means
        s2cloudless for every layer; ukis-csmask masks are not tiled."""
        from ..core.cloudmask import overlap_for
        from ..core.mask_method import choose_method
        from ..core.series_masks import CloudMaskSettings

        if masks:
            for name in (method_name, "THRESHOLD", "AVERAGE_OVER", "DILATION_SIZE"):
                self._get(name)
            return None, 0
        method = self.choice(method_name, MASK_METHODS, "auto")
        settings = CloudMaskSettings(threshold=self.number("THRESHOLD", 0.4),
                                     average_over=self.number("AVERAGE_OVER", 4, int),
                                     dilation_size=self.number("DILATION_SIZE", 2, int), harmonize=harmonize)
        if method == "auto":
            for path in s2:
                chosen, why = choose_method(path)
                if chosen != "s2cloudless":
                    raise InputError(f"{self.algorithm}: without MASK_LAYERS, METHOD automatic would use ukis-csmask "
                                     f"for {path} ({why}), which batch runs do not tile: make the masks first "
                                     "(cloudmask_series in QGIS, or `batch cloudmask METHOD=1` from the SCL).")
        elif method != "s2cloudless":
            raise InputError(f"{self.algorithm}: without MASK_LAYERS, batch runs compute s2cloudless masks ({method_name} "
                             "0, or automatic on Level-1C layers); give MASK_LAYERS for the other methods.")
        return settings, overlap_for(settings.average_over, settings.dilation_size)

    def check_all_used(self):
        unknown = sorted(set(self.values) - self.used)
        if unknown:
            raise InputError(f"{self.algorithm}: unknown or unsupported parameter(s) in batch runs: "
                             f"{', '.join(unknown)}.")


@contextlib.contextmanager
def masks_for_tile(job, bounds):
    """The job's MASK_LAYERS, or s2cloudless masks computed for the tile's window into a temporary
    folder that is removed afterwards (``job.mask_settings``)."""
    from ..core.reporting import SilentReporter
    from ..core.series_masks import series_masks

    with series_masks(job.s2, job.masks or None, bounds, None, job.mask_settings, SilentReporter(),
                      job.memory_mb, "cpu") as (masks, _reporter):
        yield masks


def extent_of(params):
    """EXTENT as qgis_process writes it: 'xmin,xmax,ymin,ymax' (optionally ' [EPSG:n]'):
    (left, bottom, right, top) and the CRS text or None."""
    text = params.text("EXTENT")
    if not text:
        return None, None
    crs = None
    if "[" in text:
        text, _, rest = text.partition("[")
        crs = rest.rstrip("] ").strip() or None
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"EXTENT={text!r}: write xmin,xmax,ymin,ymax [EPSG:n].") from None
    return (xmin, ymin, xmax, ymax), crs


class MosaicJob:
    name = "mosaic"
    alignment = 1

    def __init__(self, values):
        p = Parameters(values, self.name)
        self.s2, self.masks = p.series_with_masks(computed=True)
        self.fallback = p.choice("FALLBACK", MOSAIC_FALLBACKS, "nodata")
        if self.fallback == "least_cloudy":
            raise InputError("mosaic: FALLBACK least_cloudy chooses one date over the whole region, which tiles "
                             "cannot reproduce: use nodata (0) or constant (1) in batch runs.")
        self.harmonize = p.choice("HARMONIZE", HARMONIZE, "auto")
        self.mask_settings, mask_overlap = p.mask_source(self.s2, self.masks, self.harmonize)
        self.memory_mb = p.number("MEMORY_MB", 512, int)
        self.outputs = {"OUTPUT": os.path.abspath(p.text("OUTPUT", required=True))}
        count = p.text("OUTPUT_COUNT")
        if count:
            self.outputs["OUTPUT_COUNT"] = os.path.abspath(count)
        self.extent, self.extent_crs = extent_of(p)
        p.check_all_used()
        self.reference = self.s2[0]
        self.overlap = mask_overlap  # a pixel's mean uses that pixel only (and its mask, its neighbours)

    def run_tile(self, bounds, folder):
        from ..core.mosaic import mosaic
        from ..core.reporting import SilentReporter

        files = {key: os.path.join(folder, f"{key.lower()}.tif") for key in self.outputs}
        with masks_for_tile(self, bounds) as masks:
            mosaic(self.s2, masks, files["OUTPUT"], files.get("OUTPUT_COUNT"), extent=bounds, fallback=self.fallback,
                   memory_mb=self.memory_mb, threads=1, reporter=SilentReporter(), harmonize=self.harmonize)
        return files


class CloudMaskJob:
    name = "cloudmask"
    alignment = 1

    def __init__(self, values):
        p = Parameters(values, self.name)
        self.input = p.paths("INPUT", required=True)
        if len(self.input) != 1:
            raise InputError("cloudmask: INPUT takes one raster.")
        self.reference = self.input[0]
        # METHOD as the Processing algorithm numbers it; automatic and ukis-csmask are not tiled
        self.method = p.choice("METHOD", MASK_METHODS, "s2cloudless")
        if self.method not in ("s2cloudless", "scl"):
            raise InputError("cloudmask: batch runs compute s2cloudless (METHOD 0) or Sen2Cor scene "
                             "classification (METHOD 1) masks; ukis-csmask and automatic are not tiled yet.")
        self.scl = p.paths("SCL", required=self.method == "scl")
        if self.method == "scl" and len(self.scl) != 1:
            raise InputError("cloudmask: METHOD 1 needs one SCL layer (SCL=file).")
        self.scl_classes = p.text("SCL_CLASSES")  # None: the scene classification's default classes
        self.threshold = p.number("THRESHOLD", 0.4)
        self.average_over = p.number("AVERAGE_OVER", 4, int)
        self.dilation_size = p.number("DILATION_SIZE", 2, int)
        self.harmonize = p.choice("HARMONIZE", HARMONIZE, "auto")
        self.clip = p.boolean("CLIP_REFLECTANCE", True)
        self.memory_mb = p.number("MEMORY_MB", 512, int)
        self.outputs = {"OUTPUT_MASK": os.path.abspath(p.text("OUTPUT_MASK", required=True))}
        for name in ("OUTPUT_PROBABILITY", "OUTPUT_CLASSES"):
            path = p.text(name)
            if path:
                self.outputs[name] = os.path.abspath(path)
        if "OUTPUT_CLASSES" in self.outputs and self.method != "scl":
            raise InputError("cloudmask: OUTPUT_CLASSES is written with METHOD 1 (scene classification) only.")
        if "OUTPUT_PROBABILITY" in self.outputs and self.method != "s2cloudless":
            raise InputError("cloudmask: OUTPUT_PROBABILITY is written with METHOD 0 (s2cloudless) only.")
        self.extent, self.extent_crs = extent_of(p)
        p.check_all_used()
        from ..core.cloudmask import overlap_for

        # the scene classification is read pixel by pixel (nearest neighbour): no overlap
        self.overlap = overlap_for(self.average_over, self.dilation_size) if self.method == "s2cloudless" else 0

    def run_tile(self, bounds, folder):
        from ..core.cloudmask import compute_cloud_mask
        from ..core.reporting import SilentReporter

        files = {key: os.path.join(folder, f"{key.lower()}.tif") for key in self.outputs}
        if self.method == "scl":
            from ..core.scl_mask import compute_scl_mask

            classes = {"classes": self.scl_classes} if self.scl_classes else {}
            compute_scl_mask(self.scl[0], files["OUTPUT_MASK"], self.reference, extent=bounds,
                             memory_mb=self.memory_mb, reporter=SilentReporter(),
                             classes_path=files.get("OUTPUT_CLASSES"), **classes)
            return files
        compute_cloud_mask(self.reference, files["OUTPUT_MASK"], files.get("OUTPUT_PROBABILITY"),
                           threshold=self.threshold, average_over=self.average_over,
                           dilation_size=self.dilation_size, extent_bounds=bounds, harmonize=self.harmonize,
                           memory_mb=self.memory_mb, reporter=SilentReporter(), threads=1,
                           clip_reflectance=self.clip)
        return files


class GapfillJob:
    name = "gapfill"

    def __init__(self, values):
        from ..core import gapfill as gf
        from ..core.gapfill_files import OUTPUT_SUFFIX, reach

        p = Parameters(values, self.name)
        self.s2, self.masks = p.series_with_masks(computed=True)
        self.method = p.choice("METHOD", GAPFILL_METHODS, "rbf")
        sigmas = p.text("SIGMAS")
        self.sigmas = tuple(float(s) for s in sigmas.split(",")) if sigmas else gf.DEFAULT_SIGMAS
        self.screen = p.boolean("SCREEN", True)
        self.regression = p.boolean("REGRESSION", True)
        self.never_clear = p.choice("NEVER_CLEAR", NEVER_CLEAR, "local")
        self.harmonize = p.choice("HARMONIZE", HARMONIZE, "auto")
        self.mask_settings, mask_overlap = p.mask_source(self.s2, self.masks, self.harmonize, "MASK_METHOD")
        self.memory_mb = p.number("MEMORY_MB", 512, int)
        self.outputs = p.per_date_outputs(self.s2, OUTPUT_SUFFIX)
        self.extent, self.extent_crs = extent_of(p)
        p.check_all_used()
        self.reference = self.s2[0]
        # the regression's cells form a lattice anchored at the grid's origin: tiles start on it
        from ..core.date_regression import DEFAULT_CELL

        self.alignment = DEFAULT_CELL if self.regression else 1
        self.overlap = aligned(reach(self.never_clear == "local", self.regression) + mask_overlap, self.alignment)

    def run_tile(self, bounds, folder):
        from ..core.gapfill_files import gapfill
        from ..core.reporting import SilentReporter

        with masks_for_tile(self, bounds) as masks:
            gapfill(self.s2, masks, folder, extent=bounds, method=self.method, sigmas=self.sigmas,
                    screen=self.screen, never_clear=self.never_clear, estimate=False, regression=self.regression,
                    memory_mb=self.memory_mb, threads=1, reporter=SilentReporter(), harmonize=self.harmonize)
        return {key: os.path.join(folder, os.path.basename(path)) for key, path in self.outputs.items()}


class LeastCloudyJob:
    """Two phases: every tile counts its clear pixels per date, the date with the smallest cloud
    coverage over the whole region is chosen from the sums (the single-process rule), then every
    tile forwards that date."""

    name = "leastcloudy"
    alignment = 1
    SELECTED = "_SELECTED_INDEX"   # set by :meth:`prepare`, not a user parameter

    def __init__(self, values):
        p = Parameters(values, self.name)
        self.s2, self.masks = p.series_with_masks()
        self.harmonize = p.choice("HARMONIZE", HARMONIZE, "auto")
        self.memory_mb = p.number("MEMORY_MB", 512, int)
        self.outputs = {"OUTPUT": os.path.abspath(p.text("OUTPUT", required=True))}
        self.extent, self.extent_crs = extent_of(p)
        selected = p.text(self.SELECTED)
        self.selected = None if selected is None else int(selected)
        p.check_all_used()
        self.reference = self.s2[0]
        self.overlap = 0

    def prepare(self, client, tile_bounds, values, log):
        """Phase 1 on the cluster; returns ``values`` with the chosen date."""
        from ..core.clear_statistics import DateStatistics, least_cloudy_position
        from ..core.reporting import SilentReporter
        from ..core.time_series import open_time_series

        futures = client.map(clear_counts, [self.name] * len(tile_bounds), [values] * len(tile_bounds),
                             tile_bounds, pure=False)
        totals = {}
        for counts in client.gather(futures):
            for index, clear, valid, total in counts:
                t = totals.setdefault(index, [0, 0, 0])
                t[0] += clear
                t[1] += valid
                t[2] += total
        series = open_time_series(self.s2, self.masks, self.extent, self.extent_crs, SilentReporter(),
                                  require_masks=True, harmonize=self.harmonize)
        stats = []
        for item in series.items:
            s = DateStatistics(totals[item.input_index][2])
            s.clear, s.valid = totals[item.input_index][0], totals[item.input_index][1]
            stats.append(s)
        best = series.items[least_cloudy_position(series, stats)]
        log(f"Least cloudy over the whole region: {best.name} ({best.date_text()}), cloud coverage "
            f"{100 * stats[series.items.index(best)].cloud_coverage:.2f} %.")
        return dict(values, **{self.SELECTED: [str(best.input_index)]})

    def run_tile(self, bounds, folder):
        from ..core.least_cloudy import least_cloudy
        from ..core.reporting import SilentReporter

        if self.selected is None:
            raise InputError("leastcloudy: the date is chosen over the whole region first (prepare).")
        path = os.path.join(folder, "output.tif")
        least_cloudy(self.s2, self.masks, path, extent=bounds, memory_mb=self.memory_mb, threads=1,
                     reporter=SilentReporter(), harmonize=self.harmonize, selected_index=self.selected)
        return {"OUTPUT": path}


class Seq2SeqJob:
    """Sequence-to-sequence internal learning per tile: each tile (core plus the gap filler's reach)
    fits its own networks with the same SEED, so the result is not the single-process one bit for
    bit: clear pixels are identical (they keep their observed values), the reconstructed ones agree
    within the tolerance measured in tests/test_batch.py."""

    name = "seq2seq"

    def __init__(self, values):
        from ..core import seq2seq as s2s
        from ..core.date_regression import DEFAULT_CELL
        from ..core.gapfill_files import reach

        p = Parameters(values, self.name)
        self.s2, self.masks = p.series_with_masks(computed=True)
        self.s1 = p.paths("S1_LAYERS")
        self.device = p.text("DEVICE", "cpu")
        self.seed = p.number("SEED", 0, int)
        preset = p.choice("PRESET", SEQ2SEQ_PRESETS, s2s.DEFAULT_PRESET)
        self.schedule = dict(preset=preset, passes=p.number("PASSES", 0, int) or None,
                             steps=p.number("STEPS", 0, int) or None,
                             learning_rate=p.number("LEARNING_RATE", 0.0) or None,
                             batch_dates=p.number("BATCH_DATES", 0, int) or None)
        s2s.make_schedule(**self.schedule)  # a wrong schedule fails here, not on every tile
        self.tile_size = p.number("TILE_SIZE", s2s.DEFAULT_TILE_SIZE, int)
        self.tile_overlap = p.number("TILE_OVERLAP", s2s.DEFAULT_TILE_OVERLAP, int)
        self.max_days = p.number("MAX_DAYS", 14, int)
        self.raw_output = p.boolean("RAW_OUTPUT", False)
        self.memory_mb = p.number("MEMORY_MB", 512, int)
        self.threads = p.number("CPU_THREADS", 1, int) or 1
        self.harmonize = p.choice("HARMONIZE", HARMONIZE, "auto")
        self.mask_settings, mask_overlap = p.mask_source(self.s2, self.masks, self.harmonize)
        self.outputs = p.per_date_outputs(self.s2, s2s.OUTPUT_SUFFIX)
        self.extent, self.extent_crs = extent_of(p)
        p.check_all_used()
        self.reference = self.s2[0]
        # the 'fast' preset corrects the gap filler's image: its reach (on the regression's lattice)
        # makes that image equal the single-process one; the network's context is within it
        self.alignment = DEFAULT_CELL
        self.overlap = aligned(max(reach(True, True), self.tile_overlap) + mask_overlap, self.alignment)

    def run_tile(self, bounds, folder):
        from ..core.reporting import SilentReporter
        from ..core.seq2seq import seq2seq

        with masks_for_tile(self, bounds) as masks:
            seq2seq(self.s2, masks, folder, s1_paths=self.s1 or None, extent=bounds, device=self.device,
                    seed=self.seed, tile_size=self.tile_size, tile_overlap=self.tile_overlap,
                    max_days=self.max_days, raw_output=self.raw_output, memory_mb=self.memory_mb,
                    threads=self.threads, reporter=SilentReporter(), harmonize=self.harmonize, **self.schedule)
        return {key: os.path.join(folder, os.path.basename(path)) for key, path in self.outputs.items()}


class Seq2PointJob:
    """Sequence-to-point inference per tile, with the model's receptive field and the tile blending
    (and the gap filler's reach for models that correct its image) as overlap. The dates are chosen
    per tile by rules that do not depend on the pixels (``nearest`` to TARGET_DATE or ``first``),
    so every tile uses the same dates; ``least_cloudy`` is refused."""

    name = "seq2point"

    def __init__(self, values):
        from ..core import seq2point as s2p
        from ..models.checkpoint import read_checkpoint
        from ..models.crtsnet import receptive_radius, variant_of
        from ..models.registry import resolve_model

        p = Parameters(values, self.name)
        self.s2 = p.paths("S2_LAYERS", required=True)
        self.masks = p.paths("MASK_LAYERS")
        if self.masks and len(self.masks) != len(self.s2):
            raise InputError(f"seq2point: MASK_LAYERS needs one mask per S2 layer ({len(self.masks)} masks for "
                             f"{len(self.s2)} layers).")
        self.s1 = p.paths("S1_LAYERS")
        self.model = resolve_model(p.text("MODEL", required=True), allow_download=False)
        self.selection = p.choice("SELECTION", SEQ2POINT_SELECTIONS, "nearest")
        if self.selection == "least_cloudy":
            raise InputError("seq2point: SELECTION least_cloudy chooses the dates over the whole region, which "
                             "tiles cannot reproduce: use nearest (with TARGET_DATE) or first in batch runs.")
        self.target_date = p.text("TARGET_DATE")
        self.max_days = p.number("MAX_DAYS", s2p.DEFAULT_MAX_DAYS, int)
        self.device = p.text("DEVICE", "cpu")
        self.precision = p.choice("PRECISION", SEQ2POINT_PRECISIONS, "auto")
        self.tile_size = p.number("TILE_SIZE", 0, int)
        self.tile_overlap = p.number("OVERLAP", s2p.DEFAULT_OVERLAP, int)
        self.memory_mb = p.number("MEMORY_MB", 0, int) or None
        self.threads = p.number("THREADS", 1, int) or 1
        self.harmonize = p.choice("HARMONIZE", HARMONIZE, "auto")
        self.outputs = {"OUTPUT": os.path.abspath(p.text("OUTPUT", required=True))}
        self.extent, self.extent_crs = extent_of(p)
        p.check_all_used()
        self.reference = self.s2[0]
        config = read_checkpoint(self.model)["config"]
        context = receptive_radius(config) + self.tile_overlap
        self.alignment = 1
        if variant_of(config) == "gapfill-prior":
            from ..core.date_regression import DEFAULT_CELL
            from ..core.gapfill_files import reach

            self.alignment = DEFAULT_CELL
            context += reach(False, True)
        self.overlap = aligned(context, self.alignment)

    def run_tile(self, bounds, folder):
        from ..core.reporting import SilentReporter
        from ..core.seq2point import seq2point

        path = os.path.join(folder, "output.tif")
        seq2point(self.s2, path, self.model, s1_paths=self.s1 or None, mask_paths=self.masks or None,
                  extent=bounds, selection=self.selection, max_days=self.max_days, device=self.device,
                  tile_size=self.tile_size, overlap=self.tile_overlap, memory_mb=self.memory_mb,
                  precision=self.precision, threads=self.threads, reporter=SilentReporter(),
                  harmonize=self.harmonize, target_date=self.target_date)
        return {"OUTPUT": path}


def clear_counts(algorithm, values, bounds):
    """Phase 1 of least cloudy on one tile: (input index, clear, valid, total) per date."""
    from ..core.clear_statistics import clear_statistics
    from ..core.reporting import SilentReporter
    from ..core.time_series import open_time_series

    job = make_job(algorithm, values)
    series = open_time_series(job.s2, job.masks, bounds, None, SilentReporter(), require_masks=True,
                              harmonize=job.harmonize)
    try:
        stats = clear_statistics(series, SilentReporter(), job.memory_mb, 1)
    except InputError:  # every layer is nodata in this tile: it counts, with nothing clear
        return [(item.input_index, 0, 0, series.grid.pixels) for item in series.items]
    return [(item.input_index, s.clear, s.valid, s.total) for item, s in zip(series.items, stats)]


JOBS = {job.name: job for job in (MosaicJob, CloudMaskJob, GapfillJob, LeastCloudyJob, Seq2SeqJob, Seq2PointJob)}


def make_job(algorithm, values):
    if algorithm not in JOBS:
        raise InputError(f"Unknown batch algorithm {algorithm!r}: use one of {', '.join(JOBS)}.")
    return JOBS[algorithm](values)
