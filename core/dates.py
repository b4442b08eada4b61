"""Acquisition dates of rasters, from file names or GDAL metadata."""

import datetime as _dt
import os
import re

# Order matters: the first pattern that yields a valid date wins.
_NAME_PATTERNS = (
    # Sentinel SAFE product / granule names: ..._MSIL1C_20170105T013442_..., L1C_T31UDS_A012345_20170804T104021
    ("Sentinel product name", re.compile(r"(?:MSIL1C|MSIL2A|MSI_L1C|MSI_L2A|_A\d{6})_(\d{8})T\d{6}")),
    # Tile file names: T31UDS_20170804T103021_B02.jp2
    ("Sentinel tile name", re.compile(r"T\d{2}[A-Z]{3}_(\d{8})T\d{6}")),
    # ISO dates, also inside SEN12MS-CR-TS names: s2_ROIs1868_100_ImgNo_0_2018-01-03_patch_12.tif
    ("ISO date in file name", re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")),
    ("date in file name", re.compile(r"(?<!\d)(\d{4}_\d{2}_\d{2})(?!\d)")),
    # Compact dates with a time: 20170804T103021
    ("date-time in file name", re.compile(r"(?<!\d)(\d{8})T\d{4,6}")),
    # Plain YYYYMMDD not embedded in a longer number
    ("YYYYMMDD in file name", re.compile(r"(?<!\d)(\d{8})(?!\d)")),
)

# GDAL metadata keys that carry the acquisition (not the processing) time.
_METADATA_KEYS = (
    "ACQUISITION_DATE",
    "ACQUISITION",
    "ACQUISITION_TIME",
    "DATATAKE_1_DATATAKE_SENSING_START",
    "PRODUCT_START_TIME",
    "SENSING_TIME",
    "SENSING_START",
    "DATE_ACQUIRED",
    "ACQUISITIONSTARTTIME",
    "DATE",
)

_MIN_YEAR = 1972  # no earth observation image is older than Landsat 1
_MAX_YEAR = 2100


def _to_date(text):
    digits = re.sub(r"[^0-9]", "", text)[:8]
    if len(digits) != 8:
        return None
    try:
        value = _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        return None
    return value


def date_from_name(path):
    """Return ``(date, source)`` parsed from a file name, or ``(None, None)``."""
    name = os.path.basename(str(path))
    for source, pattern in _NAME_PATTERNS:
        for match in pattern.finditer(name):
            value = _to_date(match.group(1))
            if value is not None:
                return value, source
    return None, None


def date_from_metadata(tags):
    """Return ``(date, source)`` from a GDAL metadata dictionary, or ``(None, None)``."""
    upper = {str(k).upper(): str(v) for k, v in (tags or {}).items()}
    for key in _METADATA_KEYS:
        if key in upper:
            match = re.search(r"(\d{4})[-:/]?(\d{2})[-:/]?(\d{2})", upper[key])
            if match:
                value = _to_date("".join(match.groups()))
                if value is not None:
                    return value, f"metadata {key}"
    return None, None


def acquisition_date(path, tags=None):
    """Date of a raster: from its file name first, then from its metadata."""
    value, source = date_from_name(path)
    if value is None:
        value, source = date_from_metadata(tags)
    return value, source
