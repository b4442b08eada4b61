"""Cloud masks of a whole series, computed with s2cloudless settings when none are given."""

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass

from .reporting import ScaledReporter


@dataclass(frozen=True)
class CloudMaskSettings:
    """s2cloudless post-processing settings; the defaults are those of SEN12MS-CR-TS."""

    threshold: float = 0.4
    average_over: int = 4
    dilation_size: int = 2
    #: processing-baseline offset rule (core.baseline_offset), as for the series itself
    harmonize: str = "auto"
    #: ``s2cloudless``, ``scl`` (masks from the Sen2Cor scene classification, core.scl_mask),
    #: ``csmask`` (the ukis-csmask detector, core.csmask) or ``auto`` (core.mask_method, per layer)
    method: str = "s2cloudless"
    #: the SCL classes that are not clear (method ``scl``)
    scl_classes: tuple = (3, 8, 9, 10)


def with_harmonize(settings, harmonize):
    """``settings`` (None: the defaults) with the series' processing-baseline rule."""
    from dataclasses import replace

    return replace(settings or CloudMaskSettings(), harmonize=harmonize or "auto")


def _mask_names(s2_paths):
    """One file name per S2 layer: ``<input name>_cloudmask.tif``, numbered when names repeat."""
    stems = [os.path.splitext(os.path.basename(p))[0] for p in s2_paths]
    repeated = {s for s in stems if stems.count(s) > 1}
    return [f"{k:04d}_{stem}_cloudmask.tif" if stem in repeated else f"{stem}_cloudmask.tif"
            for k, stem in enumerate(stems)]


def _compute_into(folder, names, s2_paths, extent, extent_crs, settings, reporter, memory_mb, device,
                  threads, share, scl_paths=None):
    """Compute one mask per S2 layer into ``folder`` (from ``scl_paths``, one per S2 layer, with
    the method ``scl``); ``share`` percent of the progress. Returns (paths, cloud fractions)."""
    from .cloudmask import compute_cloud_mask
    from .scl_mask import compute_scl_mask

    paths, fractions = [], []
    count = len(s2_paths)
    for k, (path, name) in enumerate(zip(s2_paths, names)):
        reporter.check_cancelled()
        stage = ScaledReporter(reporter, share * k / count, share * (k + 1) / count)
        mask_path = os.path.join(folder, name)
        kwargs = {} if memory_mb is None else {"memory_mb": memory_mb}
        method = settings.method
        if method == "auto":
            from .mask_method import choose_method

            method, why = choose_method(path)
            reporter.info(f"  {os.path.basename(path)}: {'ukis-csmask' if method == 'csmask' else method} "
                          f"masks, as the layer is {why}.")
        if method == "csmask":
            from .csmask import compute_csmask

            result = compute_csmask(path, mask_path, extent=extent, extent_crs=extent_crs, harmonize=settings.harmonize,
                                    threads=threads or 2, reporter=stage, **kwargs)
            reporter.info(f"  {os.path.basename(path)}: {100 * result['cloud_fraction']:.2f} % cloud or shadow "
                          f"(ukis-csmask {len(result['model_bands'])}-band {result['product_level'].upper()})")
            paths.append(mask_path)
            fractions.append(result["cloud_fraction"])
            continue
        if method == "scl":
            if not scl_paths:
                from .errors import InputError

                raise InputError("METHOD Sen2Cor scene classification needs the SCL layers: make the masks with "
                                 "cloudmask_series (SCL_LAYERS) and give them as MASK_LAYERS.")
            result = compute_scl_mask(scl_paths[k], mask_path, path, settings.scl_classes, extent, extent_crs,
                                      reporter=stage, **kwargs)
            reporter.info(f"  {os.path.basename(path)}: {100 * result['cloud_fraction']:.2f} % not clear "
                          f"(scene classification {os.path.basename(scl_paths[k])})")
            paths.append(mask_path)
            fractions.append(result["cloud_fraction"])
            continue
        result = compute_cloud_mask(
            path, mask_path, threshold=settings.threshold, average_over=settings.average_over,
            dilation_size=settings.dilation_size, extent_bounds=extent, extent_crs=extent_crs,
            harmonize=settings.harmonize, reporter=stage, device=device, threads=threads, **kwargs)
        reporter.info(f"  {os.path.basename(path)}: {100 * result['cloud_fraction']:.2f} % cloud "
                      f"({result['engine_used']} engine)")
        paths.append(mask_path)
        fractions.append(result["cloud_fraction"])
    return paths, fractions


def write_series_masks(s2_paths, output_folder, extent=None, extent_crs=None, settings=None, reporter=None,
                       memory_mb=None, device="cpu", threads=None, scl_paths=None):
    """Write one mask per S2 layer into ``output_folder`` (``<layer name>_cloudmask.tif``, uint8
    1 = not clear, 0 = clear, 255 = nodata, on each layer's grid cropped to the region of interest):
    s2cloudless, or with ``settings.method`` ``scl`` from ``scl_paths`` (one per S2 layer, same order).

    All masks are computed into a temporary folder beside ``output_folder`` and moved into it
    only when every one is complete: an error or a cancel leaves ``output_folder`` as it was.
    Returns ``{"mask_paths": [...], "cloud_fractions": [...]}`` in the order of ``s2_paths``.
    """
    from .errors import InputError
    from .reporting import Reporter

    reporter = reporter or Reporter()
    if not s2_paths:
        raise InputError("S2_LAYERS: no Sentinel-2 layer was given.")
    settings = settings or CloudMaskSettings()
    if settings.method == "scl":
        scl_paths = list(scl_paths or [])
        if len(scl_paths) != len(s2_paths):
            raise InputError(f"SCL_LAYERS: {len(scl_paths)} scene classification layers for {len(s2_paths)} "
                             "Sentinel-2 layers; give one per layer, in the same order.")
    output_folder = os.path.abspath(output_folder)
    os.makedirs(output_folder, exist_ok=True)
    names = _mask_names(s2_paths)
    staging = tempfile.mkdtemp(prefix=".s2cloudfree-masks-", dir=os.path.dirname(output_folder))
    try:
        paths, fractions = _compute_into(staging, names, s2_paths, extent, extent_crs, settings, reporter,
                                         memory_mb, device, threads, 100.0, scl_paths)
        final = []
        for path, name in zip(paths, names):
            target = os.path.join(output_folder, name)
            os.replace(path, target)
            final.append(target)
        reporter.set_progress(100.0)
        return {"mask_paths": final, "cloud_fractions": fractions}
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def series_masks(s2_paths, mask_paths, extent=None, extent_crs=None, settings=None, reporter=None,
                 memory_mb=None, device="cpu", share=50.0):
    """Yield ``(mask paths, reporter for the rest of the run)``.

    Given masks are used as they are. Without masks, one is computed per S2 layer for the
    region of interest (core.cloudmask, exact s2cloudless) into a temporary folder, which
    is removed afterwards; that stage takes the first ``share`` percent of the progress.
    """
    from .reporting import Reporter

    reporter = reporter or Reporter()
    if mask_paths or not s2_paths:
        yield list(mask_paths or []), reporter
        return
    settings = settings or CloudMaskSettings()
    if settings.method == "s2cloudless":
        reporter.info(f"No mask layers given: computing cloud masks with s2cloudless (threshold "
                      f"{settings.threshold}, average_over {settings.average_over}, dilation_size "
                      f"{settings.dilation_size}).")
    else:
        reporter.info(f"No mask layers given: computing cloud masks ({settings.method}"
                      + (": s2cloudless for Level-1C layers, ukis-csmask for Level-2A" if settings.method == "auto"
                         else "") + ").")
    folder = tempfile.mkdtemp(prefix="s2cloudfree-masks-")
    try:
        names = [f"{k:04d}_{name}" for k, name in enumerate(_mask_names(s2_paths))]
        paths, _fractions = _compute_into(folder, names, s2_paths, extent, extent_crs, settings, reporter,
                                          memory_mb, device, None, share)
        yield paths, ScaledReporter(reporter, share, 100.0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
