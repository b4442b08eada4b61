"""Value scalings of SEN12MS-CR-TS (Ebel et al. 2022) for the networks and metrics.

S2 values are digital numbers (reflectance x 10000). S1 values are backscatter in dB.
"""

import numpy as np

S2_DN_MAX = 10000.0
S1_DB_MIN = -25.0
#: The ResNet-based seq2point network clips VH lower (VV to [-25, 0], VH to [-32.5, 0]).
S1_RESNET_DB_MIN = (-25.0, -32.5)
S2_RESNET_DIVISOR = 2000.0


def s2_to_unit(dn):
    """Default S2 scaling (and that of the metrics): clip to [0, 10000], divide by 10000."""
    return np.clip(np.asarray(dn, dtype=np.float32), 0.0, S2_DN_MAX) / S2_DN_MAX


def unit_to_s2(values):
    """Inverse of :func:`s2_to_unit` (float DN; round and cast where integers are needed)."""
    return np.asarray(values, dtype=np.float32) * S2_DN_MAX


def s1_to_unit(db):
    """Default S1 scaling: clip to [-25, 0] dB and rescale to [0, 1]."""
    db = np.asarray(db, dtype=np.float32)
    return (np.clip(db, S1_DB_MIN, 0.0) - S1_DB_MIN) / -S1_DB_MIN


def s2_to_resnet(dn):
    """Seq2point network scaling: clip to [0, 10000], divide by 2000 (range [0, 5])."""
    return np.clip(np.asarray(dn, dtype=np.float32), 0.0, S2_DN_MAX) / S2_RESNET_DIVISOR


def resnet_to_s2(values):
    return np.asarray(values, dtype=np.float32) * S2_RESNET_DIVISOR


def s1_to_resnet(db):
    """Seq2point network scaling of (VV, VH) stacked on the first axis: VV clipped to
    [-25, 0], VH to [-32.5, 0], each rescaled to [0, 2]."""
    db = np.asarray(db, dtype=np.float32)
    out = np.empty_like(db)
    for band, low in enumerate(S1_RESNET_DB_MIN):
        out[band] = 2.0 * (np.clip(db[band], low, 0.0) - low) / -low
    return out


def is_reflectance(dtype, sample_values):
    """True when S2 values are reflectance (floats around 0..1) rather than DN."""
    if not np.issubdtype(np.dtype(dtype), np.floating):
        return False
    values = np.asarray(sample_values, dtype=np.float64)
    values = values[np.isfinite(values) & (values != 0)]
    return bool(values.size) and float(np.median(values)) <= 50.0
