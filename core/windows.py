"""Windows over the reference grid, sized from a memory budget."""

import math
from collections import namedtuple

#: A window of the reference grid: pixel offsets and size.
Window = namedtuple("Window", "row_off col_off height width")

#: One step of a windowed loop: ``read`` is the window to read (with overlap) and
#: ``core`` the part of it this step owns; ``inner`` is ``core`` relative to ``read``.
WindowStep = namedtuple("WindowStep", "index read core inner")

DEFAULT_MEMORY_MB = 256
_MIN_SIDE = 64


def window_side_for_budget(bytes_per_pixel, memory_mb, overlap=0):
    """Largest square window side (pixels, including overlap) whose working arrays fit
    in ``memory_mb`` when each pixel costs ``bytes_per_pixel`` bytes."""
    budget = max(float(memory_mb), 1.0) * 1024 * 1024
    side = int(math.sqrt(budget / max(bytes_per_pixel, 1)))
    return max(side, _MIN_SIDE + 2 * overlap)


def plan_windows(height, width, bytes_per_pixel, memory_mb=DEFAULT_MEMORY_MB, overlap=0, block=256):
    """Split a ``height`` x ``width`` grid into windows whose working memory fits the budget.

    Full-width strips are used when a strip of at least one block fits (cheapest to read
    from striped and tiled files alike); otherwise square tiles whose core sides are
    multiples of ``block``. Each window is grown by ``overlap`` pixels on every side
    (clipped at the grid edge) for algorithms whose result depends on neighbours.
    Returns a list of :class:`WindowStep`, covering every pixel exactly once by ``core``.
    """
    budget_px = (max(float(memory_mb), 1.0) * 1024 * 1024) / max(bytes_per_pixel, 1)
    padded_width = width + 2 * overlap
    strip_rows = int(budget_px // padded_width) - 2 * overlap
    if strip_rows >= min(block, height) or strip_rows >= height:
        core_h = height if strip_rows >= height else max(block, (strip_rows // block) * block)
        core_w = width
    else:
        side = window_side_for_budget(bytes_per_pixel, memory_mb, overlap) - 2 * overlap
        side = max(_MIN_SIDE, (side // block) * block if side >= block else side)
        core_h = core_w = side
    steps = []
    for r0 in range(0, height, core_h):
        for c0 in range(0, width, core_w):
            h = min(core_h, height - r0)
            w = min(core_w, width - c0)
            rr0 = max(0, r0 - overlap)
            cc0 = max(0, c0 - overlap)
            rr1 = min(height, r0 + h + overlap)
            cc1 = min(width, c0 + w + overlap)
            read = Window(rr0, cc0, rr1 - rr0, cc1 - cc0)
            core = Window(r0, c0, h, w)
            inner = Window(r0 - rr0, c0 - cc0, h, w)
            steps.append(WindowStep(len(steps), read, core, inner))
    return steps


def window_slices(window):
    """(row slice, column slice) selecting ``window`` from an array of its parent."""
    return (slice(window.row_off, window.row_off + window.height),
            slice(window.col_off, window.col_off + window.width))
