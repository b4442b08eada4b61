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
    from .cloudmask import compute_cloud_mask

    settings = settings or CloudMaskSettings()
    reporter.info(f"No mask layers given: computing cloud masks with s2cloudless (threshold "
                  f"{settings.threshold}, average_over {settings.average_over}, dilation_size "
                  f"{settings.dilation_size}).")
    folder = tempfile.mkdtemp(prefix="s2cloudfree-masks-")
    try:
        paths = []
        count = len(s2_paths)
        for k, path in enumerate(s2_paths):
            stage = ScaledReporter(reporter, share * k / count, share * (k + 1) / count)
            stem = os.path.splitext(os.path.basename(path))[0]
            mask_path = os.path.join(folder, f"{k:04d}_{stem}_mask.tif")
            kwargs = {} if memory_mb is None else {"memory_mb": memory_mb}
            result = compute_cloud_mask(
                path, mask_path, threshold=settings.threshold, average_over=settings.average_over,
                dilation_size=settings.dilation_size, extent_bounds=extent, extent_crs=extent_crs,
                reporter=stage, device=device, **kwargs)
            reporter.info(f"  {os.path.basename(path)}: {100 * result['cloud_fraction']:.2f} % cloud "
                          f"({result['engine_used']} engine)")
            paths.append(mask_path)
        yield paths, ScaledReporter(reporter, share, 100.0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
