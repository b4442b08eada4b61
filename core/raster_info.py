"""What a raster file is: grid, bands, data type, nodata and acquisition date."""

import os
import warnings

from .bands import band_layout
from .dates import acquisition_date
from .dependencies import require
from .errors import InputError
from .grid import Grid


class RasterInfo:
    """Static description of one raster file (nothing of its pixels is read)."""

    def __init__(self, path, role, count, dtype, nodata, grid, descriptions, tags, block_shape, band_tags=None):
        self.path = path
        self.role = role
        self.count = count
        self.dtype = dtype
        self.nodata = nodata
        self.grid = grid
        self.descriptions = descriptions
        self.tags = tags
        self.band_tags = band_tags or {}  # the first band's metadata (offsets of some products sit there)
        self.block_shape = block_shape
        self.layout = band_layout(descriptions, count)
        self.date, self.date_source = acquisition_date(path, tags)

    @property
    def name(self):
        return os.path.basename(self.path)

    @property
    def label(self):
        """How messages name this raster: its role and file name."""
        return f"{self.role} '{self.name}'"

    @property
    def label_and_path(self):
        """How error messages name this raster: its role, file name and full path."""
        return f"{self.label} ({self.path})"

    @property
    def is_float(self):
        numpy = require("numpy")
        return numpy.issubdtype(numpy.dtype(self.dtype), numpy.floating)

    def date_text(self):
        return self.date.isoformat() if self.date else "no date"


def describe_raster(path, role="layer"):
    """Open ``path`` with rasterio and describe it; clear InputError when it is not a raster."""
    rasterio = require("rasterio")
    if not path:
        raise InputError(f"The {role} has no file path (only file-based raster layers are supported).")
    path = str(path)
    if "|" in path:
        path = path.split("|", 1)[0]  # QGIS layer source options such as '|layername=...'
    if not os.path.exists(path) and not path.startswith("/vsi"):
        raise InputError(f"The {role} file {path} does not exist.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NotGeoreferencedWarning: handled as 'no CRS'
            with rasterio.open(path) as ds:
                if ds.count < 1:
                    raise InputError(f"The {role} {path} has no raster bands.")
                return RasterInfo(
                    path=path,
                    role=role,
                    count=ds.count,
                    dtype=ds.dtypes[0],
                    nodata=ds.nodata,
                    grid=Grid.of_dataset(ds),
                    descriptions=list(ds.descriptions),
                    tags=ds.tags(),
                    band_tags=ds.tags(1),
                    block_shape=ds.block_shapes[0] if ds.block_shapes else (256, 256),
                )
    except InputError:
        raise
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"The {role} {path} cannot be read as a raster: {exc}") from exc
