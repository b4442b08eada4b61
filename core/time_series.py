"""A Sentinel-2 time series: its layers in date order, their masks and one reference grid."""

import numpy as np

from .bands import L1C_BANDS
from .errors import InputError
from .grid import bounds_in_crs
from .grid_reader import BILINEAR, NEAREST, GridReader, ObservationReader
from .raster_info import describe_raster


class TimeSeries:
    """S2 layers (and optional masks) of one run, on one reference grid.

    ``items`` are in processing order: by date when every layer has a date, else in the
    given order. ``items[k].input_index`` is the 0-based position in the input list.
    """

    def __init__(self, items, masks, grid, band_indexes, output_bands, dated, offsets=None):
        self.items = items
        self.masks = masks
        self.grid = grid
        self.band_indexes = band_indexes  # per item: 1-based file bands, in output band order
        self.output_bands = output_bands
        self.dated = dated
        # per item: core.baseline_offset.LayerOffset, removed from its values as they are read
        self.offsets = offsets or [None] * len(items)

    def __len__(self):
        return len(self.items)

    @property
    def reference(self):
        """The layer that defines the grid, data type and nodata of the outputs."""
        return min(self.items, key=lambda item: item.input_index)

    @property
    def dtype(self):
        return np.dtype(self.reference.dtype)

    @property
    def band_count(self):
        return len(self.output_bands)

    def paths(self):
        return [item.path for item in self.items] + [m.path for m in self.masks if m is not None]

    def observation_readers(self):
        readers = []
        for k, item in enumerate(self.items):
            s2 = GridReader(item, self.grid, BILINEAR, bands=self.band_indexes[k])
            mask = None
            if self.masks[k] is not None:
                mask = GridReader(self.masks[k], self.grid, NEAREST, bands=[1], fill=255)
            readers.append(ObservationReader(k, s2, mask, self.offsets[k]))
        return readers

    def remove_offset(self, k, data):
        """``data`` read from item ``k`` (file dtype) with its processing-baseline offset removed."""
        offset = self.offsets[k]
        if not offset:
            return data
        from .baseline_offset import remove_offset
        from .validity import valid_pixels

        return remove_offset(data, valid_pixels(data, self.items[k].nodata), offset, self.items[k].nodata)

    def offset_tags(self):
        """GeoTIFF tags of the S2 products of this series: their values are on the pre-2022 scale."""
        from .baseline_offset import OUTPUT_TAG, OUTPUT_TAG_TEXT

        removed = sum(1 for o in self.offsets if o)
        return {OUTPUT_TAG: OUTPUT_TAG_TEXT, "S2CF_OFFSET_REMOVED_FROM": f"{removed} of {len(self.items)} inputs"}

    def describe(self):
        """Log lines: the grid and every date with its source."""
        lines = [f"Reference grid (from {self.reference.label}): {self.grid.describe()}"]
        if not self.dated:
            lines.append("Not every layer has a date: layers are used in the given order.")
        for k, item in enumerate(self.items):
            mask = self.masks[k]
            source = f" ({item.date_source})" if item.date else ""
            text = f"  {k + 1:3d}. {item.date_text()}{source}: {item.name}"
            if mask is not None:
                text += f"  mask: {mask.name}"
            offset = self.offsets[k]
            if offset is not None and (offset or not offset.reason.startswith("acquired")):
                text += (f"  [{offset.removed_dn:g} DN removed: " if offset else "  [no offset removed: ") \
                    + offset.reason + "]"
            lines.append(text)
        return lines


def _band_plan(items):
    """Which file bands to read from each item so that all give the same bands in the
    reference layer's order; InputError on incompatible band sets."""
    first = min(items, key=lambda i: i.input_index)
    names = list(first.layout.names)
    plans = []
    for item in items:
        if item.layout.names == first.layout.names and item.count == first.count:
            plans.append(list(range(1, item.count + 1)))
            continue
        if not (item.layout.source == "descriptions" and first.layout.known):
            raise InputError(
                f"The {item.label} has {item.count} bands and {first.label} has {first.count}: "
                "mixed band counts need band descriptions (B01 ... B12, B8A) on every layer.")
        missing = item.layout.missing(names)
        if missing:
            raise InputError(f"The {item.label_and_path} lacks the bands {', '.join(missing)} that "
                             f"{first.label} has.")
        plans.append([item.layout.index_of(n) + 1 for n in names])
    return names, plans


def _check_kind(items):
    kinds = {item.is_float for item in items}
    if len(kinds) > 1:
        ints = [i.name for i in items if not i.is_float][:3]
        floats = [i.name for i in items if i.is_float][:3]
        raise InputError("The series mixes integer digital numbers and floating-point reflectance "
                         f"(integer: {', '.join(ints)}; float: {', '.join(floats)}); convert them to "
                         "one scale first.")


def _pair_masks(items, masks, reporter):
    """Masks in the order of ``items`` (input order for both lists at this point)."""
    if len(masks) != len(items):
        raise InputError(f"{len(masks)} mask layers were given for {len(items)} S2 layers: "
                         "give exactly one mask per S2 layer.")
    s2_dates = [i.date for i in items]
    mask_dates = [m.date for m in masks]
    if (all(s2_dates) and all(mask_dates) and len(set(s2_dates)) == len(items)
            and set(s2_dates) == set(mask_dates) and s2_dates != mask_dates):
        by_date = {m.date: m for m in masks}
        reporter.info("Masks paired with S2 layers by date.")
        return [by_date[d] for d in s2_dates]
    for item, mask in zip(items, masks):
        if item.date and mask.date and item.date != mask.date:
            reporter.warning(f"The {mask.label} ({mask.date_text()}) is paired by position with the "
                             f"{item.label} ({item.date_text()}): check the order of the mask layers.")
    return list(masks)


def _check_mask(item, mask, roi_bounds):
    """A mask must be in its image's CRS and cover the part of its image inside the region
    of interest (``roi_bounds``, in the image's CRS). It may be cropped to that part, as masks
    computed for a region are."""
    if mask.count < 1:
        raise InputError(f"The {mask.label_and_path} has no bands.")
    needed = item.grid.bounds
    if roi_bounds is not None:
        needed = (max(needed[0], roi_bounds[0]), max(needed[1], roi_bounds[1]),
                  min(needed[2], roi_bounds[2]), min(needed[3], roi_bounds[3]))
    mb = mask.grid.bounds
    tol = max(max(item.grid.res), max(mask.grid.res)) / 2
    covers = (mb[0] <= needed[0] + tol and mb[1] <= needed[1] + tol
              and mb[2] >= needed[2] - tol and mb[3] >= needed[3] - tol)
    if not item.grid.same_crs(mask.grid) or not covers:
        raise InputError(
            f"The {mask.label} is not on the grid of its {item.label} "
            f"(mask: {mask.grid.describe()}; S2: {item.grid.describe()}). A mask must be in the CRS "
            "of its image and cover the image inside the region of interest.")


def _intersects(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def open_time_series(s2_paths, mask_paths=None, extent=None, extent_crs=None, reporter=None,
                     require_masks=False, required_bands=None, harmonize="auto"):
    """Describe the S2 layers (and masks), order them by date and build the reference grid.

    ``extent`` is (xmin, ymin, xmax, ymax) in ``extent_crs`` (WKT, 'EPSG:n' or a rasterio
    CRS; None: the first layer's CRS). ``harmonize``: how the processing-baseline 04.00 offset
    is found for each layer ('auto', 'on', 'off'; :mod:`core.baseline_offset`); it is removed as
    the layers are read. Raises InputError for anything unusable.
    """
    from .baseline_offset import normalise_choice, series_offsets

    from .reporting import Reporter

    reporter = reporter or Reporter()
    s2_paths = [p for p in (s2_paths or []) if p]
    if not s2_paths:
        raise InputError("No S2 layers were given (S2_LAYERS is empty).")
    items = []
    for k, path in enumerate(s2_paths):
        info = describe_raster(path, role=f"S2 layer {k + 1}")
        info.input_index = k
        items.append(info)
    masks = None
    if mask_paths:
        masks = []
        for k, path in enumerate(mask_paths):
            mask = describe_raster(path, role=f"mask layer {k + 1}")
            mask.input_index = k
            masks.append(mask)
        masks = _pair_masks(items, masks, reporter)
    elif require_masks:
        raise InputError("No mask layers were given (MASK_LAYERS): one cloud mask per S2 layer is needed.")
    else:
        masks = [None] * len(items)

    _check_kind(items)
    names, plans = _band_plan(items)
    if required_bands:
        first = min(items, key=lambda i: i.input_index)
        missing = [b for b in required_bands if b not in names]
        if missing or not first.layout.known:
            raise InputError(f"The {first.label_and_path} lacks the bands {', '.join(missing or required_bands)} "
                             "needed here (name the bands in the band descriptions).")

    first = items[0]
    grid = first.grid
    if extent is not None:
        bounds = bounds_in_crs(extent, extent_crs, grid.crs)
        if grid.crs is None and extent_crs:
            reporter.warning("The first S2 layer has no CRS: the extent is read as pixel-grid coordinates.")
        cropped = grid.crop(bounds)
        if cropped is None:
            raise InputError(f"The extent {tuple(round(v, 3) for v in extent)} does not overlap the "
                             f"{first.label} ({grid.describe()}).")
        grid = cropped
    for item, mask in zip(items, masks):
        if mask is not None:
            roi = grid.bounds if item.grid.same_crs(grid) or grid.crs is None or item.grid.crs is None \
                else bounds_in_crs(grid.bounds, grid.crs, item.grid.crs)
            _check_mask(item, mask, roi)
    for item in items[1:] + [m for m in masks if m is not None]:
        if item.grid.same_crs(grid):
            item_bounds = item.grid.bounds
        elif item.grid.crs is None or grid.crs is None:
            raise InputError(f"The {item.label_and_path} and the first S2 layer do not share a CRS and one "
                             "of them has none.")
        else:
            item_bounds = bounds_in_crs(item.grid.bounds, item.grid.crs, grid.crs)
        if not _intersects(item_bounds, grid.bounds):
            raise InputError(f"The {item.label_and_path} does not overlap the region of interest "
                             f"({grid.describe()}).")
        if grid.pixel_offset_in(item.grid) is None:
            how = "nearest neighbour" if item.role.startswith("mask") else "bilinear interpolation"
            reporter.info(f"The {item.label} is on another grid ({item.grid.describe()}): it is "
                          f"resampled onto the reference grid by {how}.")

    dated = all(item.date for item in items)
    order = list(range(len(items)))
    if dated:
        order.sort(key=lambda k: (items[k].date, k))
    else:
        missing = [i.name for i in items if not i.date]
        reporter.warning(f"No acquisition date found for {', '.join(missing[:5])}"
                         f"{' ...' if len(missing) > 5 else ''}: the layers are used in the given order.")
    items = [items[k] for k in order]
    masks = [masks[k] for k in order]
    plans = [plans[k] for k in order]
    choice = normalise_choice(harmonize)
    offsets = series_offsets(items, choice, plans)
    removed = sum(1 for o in offsets if o)
    if removed:
        reporter.info(f"Processing baseline 04.00 offset removed from {removed} of {len(items)} S2 layers as they "
                      f"are read (HARMONIZE {choice}): every value is on the pre-2022 scale.")
    return TimeSeries(items, masks, grid, plans, names, dated, offsets)


def output_descriptions(series):
    """Band descriptions for S2 products: the canonical names when known."""
    if series.reference.layout.known:
        return list(series.output_bands)
    return [d or f"band {i + 1}" for i, d in enumerate(series.reference.descriptions)]


__all__ = ["TimeSeries", "open_time_series", "output_descriptions", "L1C_BANDS"]
