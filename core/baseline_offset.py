"""The +1000 DN offset of Sentinel-2 processing baseline 04.00, found per layer and removed as it is read.

Products of processing baseline 04.00 and later (acquired from 25 January 2022) carry an offset:
reflectance = (DN + ADD_OFFSET) / 10000 with ``RADIO_ADD_OFFSET`` (Level-1C) or ``BOA_ADD_OFFSET``
(Level-2A) = -1000. A series that spans the change mixes two scales; every algorithm reads every S2
layer through one rule, so that all of them work on the pre-2022 scale:

1. ``HARMONIZE`` 'off': nothing is changed; 'on': 1000 DN are removed from every layer;
2. 'auto' (the default), per layer: the offset in the metadata, as the metadata gives it (the
   ``*_ADD_OFFSET`` value is added, so -1000 removes 1000 DN and 0 removes nothing); else the
   processing baseline in the metadata (04.00 and later: -1000); else the acquisition date (before
   25 January 2022: no offset); else the values: a layer with the offset has no valid value below
   1000 DN in any band (that would be a negative reflectance), while one without it has many
   (cirrus band B10, water, shadow, vegetation in the blue band), so the offset is removed when the
   1st percentile of the per-pixel minimum over the bands, on a sample of the layer, is at least
   1000 DN. A cloudy layer is bright everywhere and cannot tell on its own: when another layer of
   the series decided by its values shows values below 900 DN, the series is taken as delivered
   without the offset (providers deliver a series one way) and nothing is removed from any of
   them. Products delivered already harmonised (Earth Engine's harmonised collections, Sentinel
   Hub) have values below 1000 on their clear dates and keep them.

Every decision is logged per layer with its reason, and the outputs of the algorithms carry a tag
that says their values are on the pre-2022 scale.

Values: the offset is in the layer's own units (DN, or reflectance for float layers around 0..1:
0.1). Removed from valid pixels only, clipped at 0 (integer layers whose nodata is 0: at 1, so a
dark pixel does not become nodata).
"""

import datetime as _dt
import re
import warnings

import numpy as np

from .errors import InputError

BASELINE_04_DATE = _dt.date(2022, 1, 25)
OFFSET_DN = 1000.0
CHOICES = ("auto", "on", "off")
#: The tag the algorithms write on their S2 outputs.
OUTPUT_TAG = "S2CF_DN_SCALE"
OUTPUT_TAG_TEXT = "pre-2022 scale: the +1000 DN offset of processing baseline 04.00 removed where present"
_OFFSET_KEYS = ("RADIO_ADD_OFFSET", "BOA_ADD_OFFSET")
#: Sample: windows of this side at 3 x 3 places of the layer.
_SAMPLE_SIDE = 96
#: A layer whose 1st percentile of the per-pixel minimum is below this cannot carry the offset
#: (90 % of it: a margin for rounding and resampling).
_PROOF_DN = 900.0


def normalise_choice(harmonize):
    """'auto', 'on' or 'off' from the many ways a user or a caller says it."""
    if harmonize is None:
        return "auto"
    if isinstance(harmonize, bool):
        return "on" if harmonize else "off"
    text = str(harmonize).strip().lower()
    text = {"true": "on", "1": "on", "yes": "on", "false": "off", "0": "off", "no": "off", "": "auto"}.get(text, text)
    if text not in CHOICES:
        raise InputError(f"HARMONIZE must be 'auto', 'on' or 'off', not {harmonize!r}.")
    return text


class LayerOffset:
    """What is added to a layer's valid values as it is read (0 or minus the offset, in its
    units), and why."""

    def __init__(self, correction, reason, units_per_dn=1.0):
        self.correction = float(correction)
        self.reason = reason
        self.units_per_dn = units_per_dn

    @property
    def removed_dn(self):
        """DN removed (positive), 0 when nothing is."""
        return -self.correction / self.units_per_dn if self.correction else 0.0

    def __bool__(self):
        return self.correction != 0.0


def metadata_offset(tags):
    """(ADD_OFFSET in DN as the metadata gives it, reason) or None when the metadata says nothing."""
    upper = {str(k).upper(): str(v) for k, v in (tags or {}).items()}
    if OUTPUT_TAG in upper:
        return 0.0, "an S2 CloudFree output, already on the pre-2022 scale"
    for key in _OFFSET_KEYS:
        for name, value in upper.items():
            if name == key or name.endswith("_" + key) or name.startswith(key):
                try:
                    number = float(value.split()[0])
                except (ValueError, IndexError):
                    continue
                return number, f"metadata {name} = {number:g}"
    if "PROCESSING_BASELINE" in upper:
        match = re.search(r"(\d+)(?:\.(\d+))?", upper["PROCESSING_BASELINE"])
        if match:
            baseline = upper["PROCESSING_BASELINE"]
            if int(match.group(1)) >= 4:
                return -OFFSET_DN, f"processing baseline {baseline} in the metadata"
            return 0.0, f"processing baseline {baseline} in the metadata (no offset)"
    return None


def sample_minimum(path, nodata, bands=None, side=_SAMPLE_SIDE):
    """(per-pixel minimum over ``bands`` (1-based, None: all) of the valid pixels of a sample of the
    layer (windows of ``side`` px at 3 x 3 places), median of all their non-zero values): a 1-D
    float64 array and a float (NaN without valid pixels)."""
    from rasterio.windows import Window as RioWindow

    from .dependencies import require

    rasterio = require("rasterio")
    out, values = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(path) as ds:
            indexes = list(bands) if bands else list(range(1, ds.count + 1))
            h, w = ds.height, ds.width
            sh, sw = min(side, h), min(side, w)
            for fr in (0.2, 0.5, 0.8):
                for fc in (0.2, 0.5, 0.8):
                    r0 = int(max(0, min(h - sh, fr * h - sh / 2)))
                    c0 = int(max(0, min(w - sw, fc * w - sw / 2)))
                    block = ds.read(indexes, window=RioWindow(c0, r0, sw, sh)).astype(np.float64)
                    valid = np.isfinite(block).all(axis=0) & block.any(axis=0)
                    if nodata is not None and np.isfinite(nodata):
                        valid &= ~(block == nodata).all(axis=0)
                    out.append(block.min(axis=0)[valid])
                    values.append(block[:, valid].ravel())
    values = np.concatenate(values) if values else np.zeros(0)
    values = values[values != 0]
    return (np.concatenate(out) if out else np.zeros(0)), (float(np.median(values)) if values.size else float("nan"))


def layer_offset(info, harmonize="auto", bands=None):
    """The :class:`LayerOffset` of one S2 layer (:class:`core.raster_info.RasterInfo`) under the rule
    of the module docstring. ``bands``: the 1-based bands the run reads (for the sample)."""
    return series_offsets([info], harmonize, [bands])[0]


def series_offsets(infos, harmonize="auto", band_plans=None):
    """The :class:`LayerOffset` of every layer of a series. Layers decided by their values share the
    evidence of the series: a provider delivers a series one way, and a cloudy layer (bright
    everywhere, so no value below 1000 DN either) cannot tell on its own. So when any such layer
    has values well below 1000 DN (it cannot carry the offset), none of them is shifted; only when
    none has is the offset removed from those without values below 1000 DN."""
    choice = normalise_choice(harmonize)
    band_plans = band_plans or [None] * len(infos)
    out, pending = [], []
    for k, (info, bands) in enumerate(zip(infos, band_plans)):
        units = 1.0
        if info.is_float:
            _, median = sample_minimum(info.path, info.nodata, bands)
            if median <= 50.0:
                units = 1e-4  # reflectance: 1000 DN = 0.1
        if choice == "off":
            out.append(LayerOffset(0.0, "HARMONIZE off: values used as they are", units))
            continue
        if choice == "on":
            out.append(LayerOffset(-OFFSET_DN * units, f"HARMONIZE on: {OFFSET_DN:g} DN removed", units))
            continue
        tags = dict(getattr(info, "band_tags", None) or {})
        tags.update(info.tags or {})
        found = metadata_offset(tags)
        if found is not None:
            value, reason = found
            out.append(LayerOffset(value * units, reason, units))
            continue
        if info.date is not None and info.date < BASELINE_04_DATE:
            out.append(LayerOffset(0.0, f"acquired {info.date.isoformat()}, before processing baseline 04.00 "
                                        f"({BASELINE_04_DATE.isoformat()}): no offset", units))
            continue
        minimum = sample_minimum(info.path, info.nodata, bands)[0] / units
        low = float(np.percentile(minimum, 1)) if minimum.size >= 100 else None
        out.append(None)
        pending.append((k, info, units, low))
    proof = [(info, low) for _, info, _, low in pending if low is not None and low < _PROOF_DN]
    for k, info, units, low in pending:
        when = f"acquired {info.date.isoformat()}" if info.date is not None else "no acquisition date"
        if low is None:
            out[k] = LayerOffset(0.0, f"{when}, no metadata and too few valid values to tell: nothing removed "
                                      "(set HARMONIZE to 'on' if its values carry the +1000 offset)", units)
        elif low < OFFSET_DN:
            out[k] = LayerOffset(0.0, f"{when}, no metadata, and values below {OFFSET_DN:g} DN (1st percentile of "
                                      f"the per-pixel minimum {low:.0f} DN): delivered without the offset", units)
        elif proof:
            other, other_low = proof[0]
            out[k] = LayerOffset(0.0, f"{when}, no metadata; no value below {OFFSET_DN:g} DN (cloud, probably), but "
                                      f"{'this series' if len(infos) > 1 else 'the series'} has layers delivered "
                                      f"without the offset ({other.name}: {other_low:.0f} DN): nothing removed", units)
        else:
            out[k] = LayerOffset(-OFFSET_DN * units, f"{when}, no metadata, and no valid value below {OFFSET_DN:g} DN "
                                                     f"in any band (1st percentile of the per-pixel minimum "
                                                     f"{low:.0f} DN): the +{OFFSET_DN:g} offset is removed", units)
    return out


def remove_offset(data, valid, offset, nodata=None):
    """``data`` (bands x rows x cols, the layer's dtype) with the offset removed from ``valid``
    pixels (clipped at 0; at 1 for integer layers whose nodata is 0). Returns a new array."""
    if not offset:
        return data
    dtype = data.dtype
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        low = 1 if (nodata is not None and nodata == 0) else max(info.min, 0)
        shifted = np.clip(data.astype(np.int64) + int(round(offset.correction)), low, info.max).astype(dtype)
    else:
        shifted = np.maximum(data + dtype.type(offset.correction), dtype.type(0))
    return np.where(valid[None], shifted, data)


def describe(items, offsets):
    """Log lines: one per layer with what was done."""
    return [f"  {item.name}: {'-' if not off else f'{off.removed_dn:g} DN removed'} ({off.reason})"
            for item, off in zip(items, offsets)]
