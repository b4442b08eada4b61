"""The floating-point type of the gap filler's working arrays.

float32 by default (half the memory of float64, which bounds the windows of ``s2cloudfree:gapfill``).
The default seq2seq preset computes its prior in float64 instead: the network it fits amplifies
any difference in its inputs, and float32 sums come out in a different last bit on another CPU
(another vector width, another BLAS kernel), which was enough to change its result; float64 moves
those differences far below anything that decides the fit.

The type is held in a context variable, so that runs in different threads (QGIS runs algorithms in
worker threads) do not see each other's choice.
"""

import contextlib
import contextvars

import numpy as np

_FLOAT = contextvars.ContextVar("s2cloudfree_working_float", default=np.float32)


def working_float():
    """The numpy floating type (``np.float32`` or ``np.float64``) of the working arrays now."""
    return _FLOAT.get()


@contextlib.contextmanager
def working_precision(dtype):
    """Within the block, the gap filler works in ``dtype`` (np.float32 or np.float64)."""
    kind = np.dtype(dtype).type
    if kind not in (np.float32, np.float64):
        raise ValueError(f"working precision must be float32 or float64, not {dtype}")
    token = _FLOAT.set(kind)
    try:
        yield kind
    finally:
        _FLOAT.reset(token)
