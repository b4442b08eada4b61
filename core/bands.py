"""Sentinel-2 band identity: names, the Level-1C order and how files map onto it."""

import re

#: The 13 Level-1C bands in product order.
L1C_BANDS = ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B10", "B11", "B12")
#: Level-2A products have no B10.
L2A_BANDS = tuple(b for b in L1C_BANDS if b != "B10")
#: The ten 10 m / 20 m bands, a common export (for example the Belgium sample).
TEN_BANDS = ("B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12")
#: Sentinel-1 backscatter bands.
S1_BANDS = ("VV", "VH")

#: Conventional band orders assumed from the band count when a file names no bands.
_ORDER_BY_COUNT = {13: L1C_BANDS, 12: L2A_BANDS, 10: TEN_BANDS}

_BAND_RE = re.compile(r"\bB(?:AND)?[ _-]?0?(1[0-2]|[1-9]|8A)\b", re.IGNORECASE)


def normalise_band_name(text):
    """Return the canonical name ('B02', 'B8A', ...) of a band description, or None."""
    if not text:
        return None
    match = _BAND_RE.search(str(text).strip())
    if not match:
        return None
    token = match.group(1).upper()
    return "B8A" if token == "8A" else f"B{int(token):02d}"


class BandLayout:
    """The bands of one raster: canonical names in file order and where they came from."""

    def __init__(self, names, source):
        self.names = tuple(names)
        self.source = source  # 'descriptions', 'assumed from band count' or 'unknown'

    @property
    def count(self):
        return len(self.names)

    @property
    def known(self):
        return self.source != "unknown"

    def index_of(self, name):
        """0-based index of band ``name`` in the file, or None."""
        try:
            return self.names.index(name)
        except ValueError:
            return None

    def missing(self, required):
        """The bands of ``required`` this raster does not have, in the order given."""
        return [b for b in required if b not in self.names]

    def __repr__(self):
        return f"BandLayout({', '.join(self.names)}; {self.source})"


def band_layout(descriptions, count):
    """Work out the band names of a raster with ``count`` bands and these descriptions."""
    descriptions = list(descriptions or [])
    parsed = [normalise_band_name(d) for d in descriptions]
    if len(parsed) == count and all(parsed) and len(set(parsed)) == count:
        return BandLayout(parsed, "descriptions")
    if count in _ORDER_BY_COUNT:
        return BandLayout(_ORDER_BY_COUNT[count], "assumed from band count")
    return BandLayout([f"band {i + 1}" for i in range(count)], "unknown")
