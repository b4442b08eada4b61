"""The time series the dock builds from the project's raster layers.

Each file-based raster layer is classified as a Sentinel-2 image, a Sentinel-1 image, a cloud mask
or something else, and gets its acquisition date and where the date came from. The file metadata
(GDAL tags) is read with rasterio through :func:`core.raster_info.describe_raster` when rasterio can
be imported; without it the date comes from the file name only. rasterio is imported here lazily,
only when a series is built (the dock is shown or refreshed), never when the plugin loads.
"""

import datetime as _dt
import os
import re
from dataclasses import dataclass, field

from qgis.core import Qgis, QgsMapLayerType, QgsRasterLayer

from ..core.bands import S1_BANDS, normalise_band_name
from ..core.dates import acquisition_date
from .translation import tr

S2 = "s2"
S1 = "s1"
MASK = "mask"
OTHER = "other"

KIND_LABELS = {S2: "Sentinel-2", S1: "Sentinel-1", MASK: "Cloud mask", OTHER: "Not used"}

#: Band counts of Sentinel-2 exports (L1C, L2A without B10, the ten 10 m / 20 m bands).
S2_BAND_COUNTS = (10, 12, 13)
_MASK_NAME_RE = re.compile(r"(clm|mask|cloud|scl)", re.IGNORECASE)
_BAND_PREFIX_RE = re.compile(r"^[^:]*\d+\s*:\s*")


@dataclass
class SeriesLayer:
    """One raster layer of the project as the series builder sees it."""

    layer_id: str
    name: str
    path: str
    kind: str
    reason: str
    band_count: int
    descriptions: list
    date: object = None           # datetime.date or None
    date_source: str = ""
    pixel_size: tuple = (0.0, 0.0)
    crs: str = ""
    checked: bool = True
    cloud_fraction: object = None  # share of the ROI that is not clear, once computed

    @property
    def date_text(self):
        return self.date.isoformat() if self.date else "no date"

    def sort_key(self):
        return (self.date is None, self.date or _dt.date.min, self.name.lower(), self.layer_id)


@dataclass
class Series:
    """The classified layers, each list sorted by date (undated layers last)."""

    s2: list = field(default_factory=list)
    s1: list = field(default_factory=list)
    masks: list = field(default_factory=list)
    others: list = field(default_factory=list)
    rasterio_used: bool = False

    def of_kind(self, kind):
        return {S2: self.s2, S1: self.s1, MASK: self.masks, OTHER: self.others}[kind]

    @property
    def all_layers(self):
        return self.s2 + self.s1 + self.masks + self.others

    def find(self, layer_id):
        for entry in self.all_layers:
            if entry.layer_id == layer_id:
                return entry
        return None

    @property
    def checked_s2(self):
        return [e for e in self.s2 if e.checked]

    @property
    def checked_s1(self):
        return [e for e in self.s1 if e.checked]

    @property
    def checked_masks(self):
        return [e for e in self.masks if e.checked]

    @property
    def reference(self):
        """The first checked S2 layer: its grid is the reference grid of every run."""
        checked = self.checked_s2
        return checked[0] if checked else None

    def mask_for(self, s2_entry):
        """The checked mask of the same date as ``s2_entry`` (the first by name when several)."""
        if s2_entry.date is None:
            return None
        for mask in self.checked_masks:
            if mask.date == s2_entry.date:
                return mask
        return None

    def paired_masks(self):
        """One checked mask per checked S2 layer, in the S2 order; None when any date lacks one.

        Pairing is by date; when no S2 layer and no mask has a date, by position (as the
        algorithms do)."""
        s2 = self.checked_s2
        if not s2:
            return None
        if all(e.date is None for e in s2) and all(m.date is None for m in self.checked_masks):
            masks = self.checked_masks
            return list(masks) if len(masks) == len(s2) else None
        pairs = [self.mask_for(e) for e in s2]
        return None if any(p is None for p in pairs) else pairs

    def missing_mask_dates(self):
        return [e.date_text for e in self.checked_s2 if self.mask_for(e) is None]

    def summary(self):
        s2 = self.checked_s2
        dated = [e.date for e in s2 if e.date]
        dates = (tr("{n} Sentinel-2 date") if len(s2) == 1 else tr("{n} Sentinel-2 dates")).format(n=len(s2))
        if dated:
            dates += tr(", {first} to {last}").format(first=min(dated).isoformat(), last=max(dated).isoformat())
        masks = self.paired_masks()
        if masks:
            mask_text = tr("{n} masks").format(n=len(masks))
        elif self.checked_masks:
            mask_text = tr("{n} masks (not one per date)").format(n=len(self.checked_masks))
        else:
            mask_text = tr("no masks")
        return f"{dates}; {mask_text}; " + tr("{n} Sentinel-1").format(n=len(self.checked_s1))


def layer_path(layer):
    """The file behind a GDAL raster layer ('' for other providers)."""
    if layer.providerType() != "gdal":
        return ""
    return layer.source().split("|", 1)[0]


def band_descriptions(layer):
    """The band descriptions of a raster layer as QGIS reports them ('' when a band has none)."""
    out = []
    for band in range(1, layer.bandCount() + 1):
        text = layer.bandName(band) or ""
        # QGIS names bands 'Band 3: B03' (translated 'Band'); without a description just 'Band 3'.
        stripped = _BAND_PREFIX_RE.sub("", text, count=1)
        out.append("" if stripped == text and ":" not in text else stripped.strip())
    return out


def classify(band_count, descriptions, is_byte, names, has_date):
    """(kind, reason) of a raster from its bands and names.

    S1: VV/VH band descriptions, or 2 bands. S2: at least three Sentinel-2 band names in the
    descriptions, or 10/12/13 bands. Mask: one band named like a mask (clm, mask, cloud, scl in the
    file, layer or band name), or one uint8 band with a date. Anything else is not used.
    """
    upper = [str(d or "").strip().upper() for d in descriptions]
    if any(d in S1_BANDS for d in upper):
        return S1, "VV/VH band names"
    s2_names = {normalise_band_name(d) for d in descriptions if d} - {None}
    if len(s2_names) >= 3:
        return S2, "Sentinel-2 band names"
    if band_count in S2_BAND_COUNTS:
        return S2, f"{band_count} bands"
    if band_count == 2:
        return S1, "2 bands"
    if band_count == 1:
        text = " ".join([*names, *[str(d or "") for d in descriptions]])
        if _MASK_NAME_RE.search(text):
            return MASK, "mask name"
        if is_byte and has_date:
            return MASK, "one uint8 band"
    return OTHER, f"{band_count} band{'s' if band_count != 1 else ''}, not a Sentinel image or mask"


def _rasterio_available():
    try:
        import rasterio  # noqa: F401 (imported lazily on purpose)
    except ImportError:
        return False
    return True


def describe_layer(layer, use_rasterio=True):
    """A :class:`SeriesLayer` for a QGIS layer; None for layers that are not file-based rasters."""
    if layer is None or layer.type() != QgsMapLayerType.RasterLayer or not isinstance(layer, QgsRasterLayer):
        return None
    path = layer_path(layer)
    if not path or not layer.isValid():
        return None
    tags = None
    descriptions = band_descriptions(layer)
    if use_rasterio:
        try:
            from ..core.raster_info import describe_raster

            info = describe_raster(path)
            tags = info.tags
            if any(info.descriptions):
                descriptions = [d or "" for d in info.descriptions]
        except Exception:  # noqa: BLE001 (a file rasterio cannot open: keep what QGIS knows)
            tags = None
    date, source = acquisition_date(path, tags)
    provider = layer.dataProvider()
    is_byte = provider.dataType(1) == Qgis.DataType.Byte if layer.bandCount() else False
    kind, reason = classify(layer.bandCount(), descriptions, is_byte,
                            (os.path.basename(path), layer.name()), date is not None)
    return SeriesLayer(
        layer_id=layer.id(), name=layer.name(), path=path, kind=kind, reason=reason,
        band_count=layer.bandCount(), descriptions=descriptions, date=date,
        date_source=source or "no date found",
        pixel_size=(layer.rasterUnitsPerPixelX(), layer.rasterUnitsPerPixelY()),
        crs=layer.crs().authid() if layer.crs().isValid() else "")


def build_series(layers, use_rasterio=None, exclude_ids=(), unchecked_ids=(), previous=None):
    """Classify ``layers`` (QGIS map layers) into a :class:`Series` sorted by date.

    ``use_rasterio`` None: use it when it can be imported. Layers in ``exclude_ids`` (the dock's
    results) are left out; those in ``unchecked_ids`` start unchecked. ``previous`` (an older
    Series) keeps the cloud fractions already computed.
    """
    if use_rasterio is None:
        use_rasterio = _rasterio_available()
    exclude_ids = set(exclude_ids)
    unchecked_ids = set(unchecked_ids)
    series = Series(rasterio_used=bool(use_rasterio))
    for layer in layers:
        if layer is None or layer.id() in exclude_ids:
            continue
        entry = describe_layer(layer, use_rasterio)
        if entry is None:
            continue
        entry.checked = entry.layer_id not in unchecked_ids and entry.kind != OTHER
        if previous is not None:
            old = previous.find(entry.layer_id)
            if old is not None and old.path == entry.path:
                entry.cloud_fraction = old.cloud_fraction
        series.of_kind(entry.kind).append(entry)
    for kind in (S2, S1, MASK, OTHER):
        series.of_kind(kind).sort(key=SeriesLayer.sort_key)
    return series
