"""The least-cloudy baseline: the date with the smallest cloud coverage, forwarded unchanged (but for
the processing-baseline offset, removed as from every layer)."""

from .clear_statistics import clear_statistics, least_cloudy_position
from .errors import InputError
from .gdal_environment import bounded_gdal_cache
from .grid_reader import BILINEAR, GridReader
from .raster_writer import GeoTiffWriter, check_output_path
from .reporting import ProgressSpan, Reporter, Stopwatch
from .series_masks import series_masks, with_harmonize
from .time_series import open_time_series
from .windows import DEFAULT_MEMORY_MB, plan_windows


def least_cloudy(s2_paths, mask_paths, output_path, extent=None, extent_crs=None,
                 memory_mb=DEFAULT_MEMORY_MB, threads=2, reporter=None, cloudmask_settings=None,
                 device="cpu", harmonize="auto", selected_index=None):
    """Write the least cloudy date of the series, cropped to the region of interest.

    Without ``mask_paths``, masks are computed with s2cloudless (``cloudmask_settings``,
    default 0.4 / 4 / 2) for the region of interest first. ``selected_index`` (0-based, input
    order): forward that date instead of choosing (the batch runner chooses over the whole region
    and has each tile forward the same date).
    Returns a dict with ``selected_index`` (0-based, input order), ``selected_path``,
    ``date`` and ``cloud_coverage`` (per input layer, input order).
    """
    reporter = reporter or Reporter()
    check_output_path(output_path, list(s2_paths or []) + list(mask_paths or []))
    with series_masks(s2_paths, mask_paths, extent, extent_crs, with_harmonize(cloudmask_settings, harmonize),
                      reporter, memory_mb, device) as (masks, stage_reporter):
        return _least_cloudy_of_masked_series(s2_paths, masks, output_path, extent, extent_crs,
                                              memory_mb, threads, stage_reporter, harmonize, selected_index)


@bounded_gdal_cache
def _least_cloudy_of_masked_series(s2_paths, mask_paths, output_path, extent, extent_crs,
                                   memory_mb, threads, reporter, harmonize="auto", selected_index=None):
    clock = Stopwatch()
    series = open_time_series(s2_paths, mask_paths, extent, extent_crs, reporter, require_masks=True,
                              harmonize=harmonize)
    check_output_path(output_path, series.paths())
    for line in series.describe():
        reporter.info(line)
    reporter.info(f"Memory budget: {memory_mb:g} MB, {threads} reading thread(s).")

    if selected_index is None:
        stats = clear_statistics(series, reporter, memory_mb, threads, 0.0, 70.0)
        best = least_cloudy_position(series, stats)
        item = series.items[best]
        for k, s in enumerate(stats):
            reporter.info(f"  {series.items[k].date_text()} {series.items[k].name}: cloud coverage "
                          f"{100 * s.cloud_coverage:.2f} % of the region ({s.valid} valid px)")
        reporter.info(f"Least cloudy: {item.name} ({item.date_text()}), cloud coverage "
                      f"{100 * stats[best].cloud_coverage:.2f} %.")
    else:  # a date chosen elsewhere (over a larger region): forwarded, no statistics needed
        positions = [k for k, it in enumerate(series.items) if it.input_index == int(selected_index)]
        if not positions:
            raise InputError(f"selected_index {selected_index} is not one of the {len(series.items)} inputs.")
        stats, best = None, positions[0]
        item = series.items[best]
        reporter.info(f"Forwarding the date chosen before: {item.name} ({item.date_text()}).")

    reader = GridReader(item, series.grid, BILINEAR, bands=series.band_indexes[best])
    if reader.resampled:
        reporter.warning(f"The selected {item.label} is on another grid: it is resampled, not copied.")
    steps = plan_windows(series.grid.height, series.grid.width,
                         series.band_count * series.dtype.itemsize * 2, memory_mb)
    span = ProgressSpan(reporter, 70.0, 100.0, len(steps))
    tags = dict(item.tags)
    if series.offsets[best]:
        # the values written have lost the offset: the source's decoding offsets no longer apply
        for key in list(tags):
            if key.upper().endswith("ADD_OFFSET"):
                tags[key] = "0"
        reporter.info(f"The processing-baseline offset ({series.offsets[best].removed_dn:g} DN) is removed from "
                      f"{item.name} as it is copied: the output is on the pre-2022 scale.")
    tags.update(series.offset_tags())
    tags.update(S2CF_ALGORITHM="leastcloudy", S2CF_SOURCE=item.name)
    if stats is not None:
        tags["S2CF_CLOUD_COVERAGE"] = f"{stats[best].cloud_coverage:.6f}"
    if item.date:
        tags["ACQUISITION_DATE"] = item.date.isoformat()
    descriptions = [item.descriptions[b - 1] or series.output_bands[i]
                    for i, b in enumerate(series.band_indexes[best])]
    try:
        with GeoTiffWriter(output_path, series.grid, series.band_count, item.dtype, item.nodata,
                           descriptions, tags) as writer:
            for n, step in enumerate(steps, start=1):
                writer.write(series.remove_offset(best, reader.read(step.core)), step.core)
                span.step(n)
    finally:
        reader.close()
    reporter.info(f"Done in {clock.seconds:.2f} s.")
    by_input = sorted(range(len(series.items)), key=lambda k: series.items[k].input_index)
    return {
        "selected_index": item.input_index,
        "selected_path": item.path,
        "date": item.date,
        "cloud_coverage": None if stats is None else [stats[k].cloud_coverage for k in by_input],
        "output": output_path,
    }
