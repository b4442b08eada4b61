"""Tiles of a grid: the core each tile contributes to the result, and the larger window (core plus
the method's overlap, clipped to the grid) it is computed on."""

from dataclasses import dataclass

from ..core.errors import InputError
from ..core.windows import Window


@dataclass(frozen=True)
class Tile:
    row: int
    col: int
    core: Window   # pixels of the result this tile gives (grid coordinates)
    read: Window   # pixels it is computed on (core + overlap, clipped to the grid)

    @property
    def name(self):
        return f"r{self.row:03d}_c{self.col:03d}"

    @property
    def core_in_read(self):
        """The core as a window of the tile's own raster (which covers ``read``)."""
        return Window(self.core.row_off - self.read.row_off, self.core.col_off - self.read.col_off,
                      self.core.height, self.core.width)


def aligned(value, alignment):
    """``value`` rounded up to a multiple of ``alignment``."""
    return -(-int(value) // alignment) * alignment


def plan_tiles(grid, tile_size, overlap, alignment=1):
    """Tiles of ``tile_size`` px (the last row/column smaller) covering ``grid`` exactly once.

    ``alignment``: a method whose result depends on a lattice anchored at the grid's origin (the
    gap filler's regression cells) needs every tile's computed window to start on that lattice:
    ``tile_size`` and ``overlap`` must then be multiples of it (see :func:`aligned`)."""
    if tile_size < 16:
        raise InputError(f"--tile-size must be at least 16 pixels (got {tile_size}).")
    if overlap < 0:
        raise InputError(f"overlap must not be negative (got {overlap}).")
    if tile_size % alignment or overlap % alignment:
        raise InputError(f"tile size {tile_size} and overlap {overlap} must be multiples of {alignment} px here.")
    tiles = []
    for r, row0 in enumerate(range(0, grid.height, tile_size)):
        for c, col0 in enumerate(range(0, grid.width, tile_size)):
            height, width = min(tile_size, grid.height - row0), min(tile_size, grid.width - col0)
            r0, c0 = max(0, row0 - overlap), max(0, col0 - overlap)
            r1, c1 = min(grid.height, row0 + height + overlap), min(grid.width, col0 + width + overlap)
            tiles.append(Tile(r, c, Window(row0, col0, height, width), Window(r0, c0, r1 - r0, c1 - c0)))
    return tiles


def window_bounds(grid, window):
    """(left, bottom, right, top) of a window of ``grid``, in the grid's CRS."""
    transform = grid.window_transform(window)
    x0, y0 = transform.c, transform.f
    x1, y1 = x0 + transform.a * window.width, y0 + transform.e * window.height
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
