"""The network of the default seq2seq preset: a small 2D U-Net that corrects the gap filler's image.

It sees one date at a time (dates are the batch): per pixel, the observed bands where the pixel is
visible (else the prior), the visibility, the prior itself (the gap filler's estimate of that date
from the *other* dates), and the per-date and static Sentinel-1 (or noise) channels. It returns a
correction that is added to the prior. The last convolution starts at zero, so an unfitted network
returns the prior exactly: the fit can only move away from the classical answer where the series
itself shows that this helps.

- 3 levels with ``channels`` (default 32-64-128) channels, two 3x3 convolutions and LeakyReLU per
  level, 2x2 average-pool down, bilinear up, skip connections by concatenation; no normalisation
  (its statistics would differ between the training crops and the whole tile);
- replicate padding, so tile borders see no artificial zeros; any size works (padded to a
  multiple of 4 and cropped back).

This is our own variant, not the paper's network (``models.seq2seq_net`` is the paper's 3D
encoder-decoder and stays what the ``paper`` preset fits).

This module imports torch at import time: core code imports it only inside functions.
"""

from ..core.dependencies import require

torch = require("torch")
nn = torch.nn
F = torch.nn.functional

CHANNELS = (32, 64, 128)
NEGATIVE_SLOPE = 0.2


def _block(in_ch, out_ch):
    return nn.Sequential(
        nn.Conv2d(in_ch, out_ch, 3, padding=1, padding_mode="replicate"), nn.LeakyReLU(NEGATIVE_SLOPE, inplace=True),
        nn.Conv2d(out_ch, out_ch, 3, padding=1, padding_mode="replicate"), nn.LeakyReLU(NEGATIVE_SLOPE, inplace=True))


class GapCorrectionNet(nn.Module):
    """``in_channels`` per-date input to an additive correction of ``out_channels`` bands."""

    def __init__(self, in_channels, out_channels, channels=CHANNELS):
        super().__init__()
        channels = tuple(int(c) for c in channels)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.multiple = 2 ** (len(channels) - 1)
        self.down = nn.ModuleList()
        previous = self.in_channels
        for ch in channels:
            self.down.append(_block(previous, ch))
            previous = ch
        self.up = nn.ModuleList(_block(channels[k + 1] + channels[k], channels[k])
                                for k in range(len(channels) - 2, -1, -1))
        self.head = nn.Conv2d(channels[0], self.out_channels, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x):
        rows, cols = x.shape[-2:]
        m = self.multiple
        pad_r, pad_c = (-rows) % m, (-cols) % m
        if pad_r or pad_c:
            x = F.pad(x, (0, pad_c, 0, pad_r), mode="replicate")
        features = []
        for k, block in enumerate(self.down):
            if k:
                x = F.avg_pool2d(x, 2)
            x = block(x)
            features.append(x)
        for up, skip in zip(self.up, reversed(features[:-1])):
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = up(torch.cat([x, skip], dim=1))
        return self.head(x)[..., :rows, :cols]


def build_gap_correction_net(in_channels, out_channels, channels=CHANNELS, seed=None):
    if seed is not None:
        torch.manual_seed(int(seed))
    return GapCorrectionNet(in_channels, out_channels, channels)
