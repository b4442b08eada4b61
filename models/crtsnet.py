"""CR-TS Net: the sequence-to-point cloud removal network of SEN12MS-CR-TS (Ebel et al. 2022).

Written for this plugin from the description in the paper (DESIGN.md section 4):

- one 2D ResNet branch per input date, weights shared between dates: Conv2d(C -> F, 3x3) + ReLU,
  then ``blocks_2d`` residual blocks [conv 3x3, ReLU, conv 3x3; out = x + 0.1 f(x)], zero padding,
  no normalisation. C is the number of S2 bands plus 2 when S1 (VV, VH) is used;
- the branch outputs stacked along time, B x F x T x H x W;
- Conv3d(F -> F, 3x3x3) + ReLU, then ``blocks_3d`` residual 3D blocks (3x3x3 convolutions, spatial
  reflection and temporal replicate padding; out = ReLU(x + 0.1 body(x)));
- a Conv3d(F -> bands) whose kernel spans all T dates (spatial reflection padding), Tanh, rescaled
  to [0, 5]: the ResNet scaling of S2 (DN / 2000), see :mod:`core.normalization`.

The paper's configuration (``crtsnet``: F = 256, 16 + 5 blocks, n = 3, 13 + 2 channels) has
38,474,253 parameters. ``crtsnet-lite`` (F = 64, 4 + 2 blocks, 0.88 M parameters) is for CPU
users; see benchmarks/bench_seq2point.py for the speed of both.

``crtsnet-lite-gapfill`` is this plugin's own variant (``variant`` = ``gapfill-prior`` in the
configuration; the two above are ``paper``): the lite network with 32 features (as good as 64 on
the Belgian series in a 6-minute training, and four times faster) whose every date also gets the gap
filler's estimate of the target date (the *prior*, :func:`core.seq2point.gapfill_prior`, made from
the same n inputs and their masks) and the date's clear mask, and whose head returns a correction
of that prior instead of an image: output = prior + head(...), clipped to [0, 5] outside training.
The head starts at zero, so an untrained network returns the classical answer and training only
has to learn where it errs.

torch is imported on first use (inside :func:`build_model`), never when this module is imported.
The configuration is a plain JSON-serialisable dict; checkpoints store it beside the weights.
"""

import copy

from ..core.bands import L1C_BANDS, S1_BANDS
from ..core.errors import InputError
from ..core.normalization import S1_RESNET_DB_MIN, S2_DN_MAX, S2_RESNET_DIVISOR

#: Named architectures: feature width and number of residual blocks.
ARCHITECTURES = {
    "crtsnet": {"features": 256, "blocks_2d": 16, "blocks_3d": 5},
    "crtsnet-lite": {"features": 64, "blocks_2d": 4, "blocks_3d": 2},
    "crtsnet-lite-gapfill": {"features": 32, "blocks_2d": 4, "blocks_3d": 2},
}
#: What the network returns: ``paper`` an image (Tanh head, the paper's network), ``gapfill-prior``
#: a correction of the gap filler's estimate given as input.
VARIANTS = ("paper", "gapfill-prior")
_VARIANT_OF = {"crtsnet": "paper", "crtsnet-lite": "paper", "crtsnet-lite-gapfill": "gapfill-prior"}
DEFAULT_ARCHITECTURE = "crtsnet"
RES_SCALE = 0.1
OUTPUT_MAX = 5.0  # Tanh rescaled to [0, OUTPUT_MAX], the ResNet S2 scale

#: How inputs and outputs are scaled (the ResNet scaling of the paper's public code).
RESNET_NORMALISATION = {
    "name": "resnet",
    "s2_clip": [0.0, S2_DN_MAX],
    "s2_divisor": S2_RESNET_DIVISOR,
    "s1_clip_db": [[float(low), 0.0] for low in S1_RESNET_DB_MIN],
    "s1_range": [0.0, 2.0],
    "output_range": [0.0, OUTPUT_MAX],
}


def model_config(architecture=DEFAULT_ARCHITECTURE, bands=L1C_BANDS, n_inputs=3, use_s1=True,
                 **overrides):
    """The JSON-serialisable description of a network.

    ``bands``: the S2 band names in input (and output) order; ``n_inputs``: the number of
    dates; ``use_s1``: whether each date also gets the two S1 channels. ``overrides`` may set
    ``features``, ``blocks_2d`` or ``blocks_3d`` (tests use tiny networks)."""
    if architecture not in ARCHITECTURES and not overrides:
        raise InputError(f"Unknown architecture {architecture!r}: use one of "
                         f"{', '.join(ARCHITECTURES)}.")
    shape = dict(ARCHITECTURES.get(architecture, ARCHITECTURES[DEFAULT_ARCHITECTURE]))
    for key, value in overrides.items():
        if key not in shape:
            raise InputError(f"Unknown network setting {key!r}.")
        shape[key] = int(value)
    variant = _VARIANT_OF.get(architecture, "paper")
    bands = [str(b) for b in bands]
    n_inputs = int(n_inputs)
    if not bands:
        raise InputError("A model needs at least one S2 band.")
    if len(set(bands)) != len(bands):
        raise InputError(f"The band list {bands} has duplicates.")
    if n_inputs < 1:
        raise InputError("A model needs at least one input date (N_INPUTS >= 1).")
    if shape["features"] < 1 or shape["blocks_2d"] < 0 or shape["blocks_3d"] < 0:
        raise InputError(f"Invalid network shape {shape}.")
    return {
        "model": "crtsnet",
        "architecture": architecture,
        "features": shape["features"],
        "blocks_2d": shape["blocks_2d"],
        "blocks_3d": shape["blocks_3d"],
        "res_scale": RES_SCALE,
        "n_inputs": n_inputs,
        "bands": bands,
        "use_s1": bool(use_s1),
        "s1_bands": list(S1_BANDS) if use_s1 else [],
        "variant": variant,
        "in_channels": len(bands) + (len(S1_BANDS) if use_s1 else 0) + prior_channels(variant, len(bands)),
        "out_channels": len(bands),
        "normalisation": copy.deepcopy(RESNET_NORMALISATION),
    }


def variant_of_architecture(architecture):
    """The variant a named architecture builds (``paper`` for unknown names)."""
    return _VARIANT_OF.get(architecture, "paper")


def prior_channels(variant, bands):
    """Extra input channels per date of a variant: the prior's bands and the date's clear mask."""
    return bands + 1 if variant == "gapfill-prior" else 0


def variant_of(config):
    """The variant of a configuration (checkpoints written before variants existed are ``paper``)."""
    return config.get("variant", "paper")


def validate_config(config):
    """Raise InputError when ``config`` is not a usable network description."""
    if not isinstance(config, dict):
        raise InputError("The model configuration is not a dictionary.")
    required = ("model", "features", "blocks_2d", "blocks_3d", "n_inputs", "bands", "use_s1",
                "in_channels", "out_channels", "normalisation")
    missing = [k for k in required if k not in config]
    if missing:
        raise InputError(f"The model configuration lacks {', '.join(missing)}.")
    if config["model"] != "crtsnet":
        raise InputError(f"Unknown model type {config['model']!r} (this plugin runs 'crtsnet').")
    if config["normalisation"].get("name") != "resnet":
        raise InputError(f"Unknown normalisation {config['normalisation'].get('name')!r}.")
    variant = variant_of(config)
    if variant not in VARIANTS:
        raise InputError(f"Unknown model variant {variant!r} (this plugin knows {', '.join(VARIANTS)}).")
    if config.get("architecture") in _VARIANT_OF and _VARIANT_OF[config["architecture"]] != variant:
        raise InputError(f"The architecture {config['architecture']} is the {_VARIANT_OF[config['architecture']]} "
                         f"variant, but the configuration says {variant}.")
    expected = (len(config["bands"]) + (2 if config["use_s1"] else 0)
                + prior_channels(variant, len(config["bands"])))
    if config["in_channels"] != expected or config["out_channels"] != len(config["bands"]):
        raise InputError("The model configuration is inconsistent: channel counts do not match "
                         "its band list and S1 use.")


def describe_config(config):
    """One line for the log."""
    s1 = "with S1 (VV, VH)" if config["use_s1"] else "without S1"
    prior = (", correcting the gap filler's estimate (needs the cloud masks)"
             if variant_of(config) == "gapfill-prior" else "")
    return (f"{config.get('architecture', 'crtsnet')}: {config['features']} features, "
            f"{config['blocks_2d']} + {config['blocks_3d']} residual blocks, n = {config['n_inputs']} "
            f"dates, {len(config['bands'])} bands ({' '.join(config['bands'])}), {s1}{prior}")


_CLASSES = {}


def _classes():
    """Define the torch modules on first use (torch is imported here, not at module load)."""
    if _CLASSES:
        return _CLASSES
    from ..core.dependencies import require

    torch = require("torch")
    nn = torch.nn
    functional = torch.nn.functional

    class ResBlock2d(nn.Module):
        def __init__(self, features, scale):
            super().__init__()
            self.conv1 = nn.Conv2d(features, features, 3, padding=1)
            self.conv2 = nn.Conv2d(features, features, 3, padding=1)
            self.scale = scale

        def forward(self, x):
            y = self.conv2(functional.relu(self.conv1(x), inplace=True))
            return torch.add(x, y, alpha=self.scale)

    def pad_3d(x):
        # spatial reflection, temporal replicate (one pixel / one date on each side)
        x = functional.pad(x, (1, 1, 1, 1, 0, 0), mode="reflect")
        return functional.pad(x, (0, 0, 0, 0, 1, 1), mode="replicate")

    class ResBlock3d(nn.Module):
        def __init__(self, features, scale):
            super().__init__()
            self.conv1 = nn.Conv3d(features, features, 3)
            self.conv2 = nn.Conv3d(features, features, 3)
            self.scale = scale

        def forward(self, x):
            y = functional.relu(self.conv1(pad_3d(x)), inplace=True)
            y = self.conv2(pad_3d(y))
            return functional.relu(torch.add(x, y, alpha=self.scale), inplace=True)

    class CRTSNet(nn.Module):
        """Input B x T x C x H x W (C = bands [+ VV, VH], ResNet scaling); output B x bands x H x W
        in [0, 5]."""

        def __init__(self, config):
            super().__init__()
            features = config["features"]
            scale = float(config.get("res_scale", RES_SCALE))
            self.n_inputs = config["n_inputs"]
            self.in_channels = config["in_channels"]
            self.head = nn.Conv2d(config["in_channels"], features, 3, padding=1)
            self.blocks_2d = nn.Sequential(*[ResBlock2d(features, scale)
                                             for _ in range(config["blocks_2d"])])
            self.fuse = nn.Conv3d(features, features, 3, padding=1)
            self.blocks_3d = nn.Sequential(*[ResBlock3d(features, scale)
                                             for _ in range(config["blocks_3d"])])
            self.out = nn.Conv3d(features, config["out_channels"], (config["n_inputs"], 3, 3))

        def branch(self, x):
            return self.blocks_2d(functional.relu(self.head(x), inplace=True))

        def features(self, x):
            """B x F x T x H+2 x W+2: the fused time stack, padded for the last convolution."""
            b, t, c, h, w = x.shape
            if t != self.n_inputs or c != self.in_channels:
                raise ValueError(f"expected B x {self.n_inputs} x {self.in_channels} x H x W, "
                                 f"got {tuple(x.shape)}")
            # shared branch over all dates at once, then B x F x T x H x W
            y = self.branch(x.reshape(b * t, c, h, w))
            y = y.reshape(b, t, -1, h, w).transpose(1, 2)
            y = functional.relu(self.fuse(y), inplace=True)
            y = self.blocks_3d(y)
            return functional.pad(y, (1, 1, 1, 1, 0, 0), mode="reflect")

        def forward(self, x):
            y = self.features(x)
            # the last convolution and Tanh in fp32 even under autocast: bf16 would quantise the
            # output to steps of up to 16 DN
            with torch.autocast(device_type=y.device.type, enabled=False):
                y = self.out(y.float())[:, :, 0]
                return (torch.tanh(y) + 1.0) * (OUTPUT_MAX / 2.0)

    class CRTSNetGapfillPrior(CRTSNet):
        """The ``gapfill-prior`` variant: input channels per date are the S2 bands [+ VV, VH], then
        the prior's bands (the same on every date) and the date's clear mask; output = prior +
        correction (clipped to [0, 5] in eval mode), the correction's last convolution initialised
        to zero."""

        def __init__(self, config):
            super().__init__(config)
            bands = config["out_channels"]
            start = config["in_channels"] - bands - 1
            self.prior_slice = slice(start, start + bands)
            nn.init.zeros_(self.out.weight)
            nn.init.zeros_(self.out.bias)

        def forward(self, x):
            y = self.features(x)
            prior = x[:, 0, self.prior_slice]
            with torch.autocast(device_type=y.device.type, enabled=False):
                y = prior.float() + self.out(y.float())[:, :, 0]
                # clipped only outside training: a clip in the loss would stop the gradient of
                # every pixel pushed past it, for good
                return y if self.training else torch.clamp(y, 0.0, OUTPUT_MAX)

    _CLASSES.update(CRTSNet=CRTSNet, CRTSNetGapfillPrior=CRTSNetGapfillPrior, ResBlock2d=ResBlock2d,
                    ResBlock3d=ResBlock3d)
    return _CLASSES


def build_model(config):
    """A freshly initialised :class:`CRTSNet` (a ``torch.nn.Module``) for ``config``."""
    validate_config(config)
    name = "CRTSNetGapfillPrior" if variant_of(config) == "gapfill-prior" else "CRTSNet"
    return _classes()[name](config)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def expected_parameters(config):
    """Parameter count computed from the configuration alone (no torch)."""
    f, c, o, t = config["features"], config["in_channels"], config["out_channels"], config["n_inputs"]
    head = c * f * 9 + f
    blocks_2d = config["blocks_2d"] * 2 * (f * f * 9 + f)
    fuse = f * f * 27 + f
    blocks_3d = config["blocks_3d"] * 2 * (f * f * 27 + f)
    out = f * o * t * 9 + o
    return head + blocks_2d + fuse + blocks_3d + out


def receptive_radius(config):
    """Pixels of context on each side that influence one output pixel."""
    return 1 + 2 * config["blocks_2d"] + 1 + 2 * config["blocks_3d"] + 1
