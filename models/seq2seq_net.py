"""The sequence-to-sequence internal-learning network (Ebel et al. 2022, after Zhang et al. 2019).

A 3D convolutional encoder-decoder in U-Net style over (time, rows, cols):

- 6 levels with 16-32-64-128-128-128 channels; every level has two 3x3x3 convolutions, each
  followed by batch normalisation and LeakyReLU (without normalisation Adam at the paper's
  learning rate drives this 25-layer network into sigmoid saturation within a few steps); levels 2..6 start with a convolution of stride (1, 2, 2), so the network only
  down-samples in space, never in time;
- small skip connections: each of the 5 upper levels hands 4 channels (a 1x1x1 convolution) to
  the decoder, which up-samples in space only (bilinear, factor 2), concatenates the skip and
  applies a 3x3x3 and a 1x1x1 convolution with LeakyReLU;
- a 1x1x1 convolution to the S2 bands and a sigmoid: the output is S2 reflectance in [0, 1]
  (the scaling of DESIGN.md §4).

Input: ``batch x channels x dates x rows x cols`` (S1 VV/VH in [0, 1] or fixed noise). Any size
works: rows and cols are padded (edge replication) to a multiple of 2^5 (at least 64) and the
output is cropped back. Convolutions pad by edge replication so that tile borders and the first/last date
see no artificial zeros.

Inside, tensors are laid out ``batch x channels x rows x cols x dates`` (the 3x3x3 kernels are
symmetric, only the stride and the up-sampling name the axes): with batch 1 and few dates,
PyTorch's CPU convolution picks its slow generic path for ``... x dates x rows x cols`` and the
oneDNN path for this layout, 2-4 times faster. The layout is invisible from outside.

This module imports torch at import time: core code imports it only inside functions, after
``core.dependencies.require("torch")``.
"""

from ..core.dependencies import require

torch = require("torch")
nn = torch.nn
F = torch.nn.functional

#: Channels of the six levels (DESIGN.md §4).
CHANNELS = (16, 32, 64, 128, 128, 128)
#: Channels of each skip connection ("small skip connections").
SKIP_CHANNELS = 4
#: Slope of the LeakyReLU.
NEGATIVE_SLOPE = 0.2


def _conv(in_ch, out_ch, kernel=3, stride=1):
    padding = kernel // 2
    return nn.Conv3d(in_ch, out_ch, kernel, stride=stride, padding=padding,
                     padding_mode="replicate" if padding else "zeros")


class _Act(nn.LeakyReLU):
    def __init__(self):
        super().__init__(NEGATIVE_SLOPE, inplace=True)


def _norm(ch):
    """Batch normalisation with the statistics of the current batch, in training and prediction
    alike (with one series per batch it normalises over its dates, rows and cols)."""
    return nn.BatchNorm3d(ch, track_running_stats=False)


class _Down(nn.Sequential):
    """One encoder level: (strided) 3x3x3 convolution, 3x3x3 convolution."""

    def __init__(self, in_ch, out_ch, downsample):
        stride = (2, 2, 1) if downsample else 1  # rows, cols, dates
        super().__init__(_conv(in_ch, out_ch, 3, stride), _norm(out_ch), _Act(),
                         _conv(out_ch, out_ch, 3), _norm(out_ch), _Act())


class _Up(nn.Module):
    """One decoder level: spatial up-sampling, concatenation with the skip, two convolutions."""

    def __init__(self, in_ch, skip_ch, out_ch):
        super().__init__()
        self.body = nn.Sequential(_conv(in_ch + skip_ch, out_ch, 3), _norm(out_ch), _Act(),
                                  _conv(out_ch, out_ch, 1), _norm(out_ch), _Act())

    def forward(self, x, skip):
        x = F.interpolate(x, size=skip.shape[2:], mode="trilinear", align_corners=False)
        return self.body(torch.cat([x, skip], dim=1))


class Seq2SeqNet(nn.Module):
    """3D encoder-decoder: ``in_channels`` input series to ``out_channels`` S2 bands in [0, 1]."""

    def __init__(self, in_channels, out_channels, channels=CHANNELS, skip_channels=SKIP_CHANNELS):
        super().__init__()
        channels = tuple(int(c) for c in channels)
        self.in_channels = int(in_channels)
        self.out_channels = int(out_channels)
        self.levels = len(channels)
        self.multiple = 2 ** (self.levels - 1)
        self.down = nn.ModuleList()
        previous = self.in_channels
        for level, ch in enumerate(channels):
            self.down.append(_Down(previous, ch, downsample=level > 0))
            previous = ch
        self.skips = nn.ModuleList(
            nn.Sequential(_conv(ch, skip_channels, 1), _norm(skip_channels), _Act()) for ch in channels[:-1])
        self.up = nn.ModuleList()
        for level in range(self.levels - 2, -1, -1):
            self.up.append(_Up(channels[level + 1], skip_channels, channels[level]))
        self.head = nn.Conv3d(channels[0], self.out_channels, 1)

    def padding_for(self, rows, cols):
        """(pad rows, pad cols) that bring ``rows`` x ``cols`` to a multiple of 2^(levels-1), and to
        at least twice that, so that the deepest level keeps 2 x 2 pixels for its normalisation."""
        m = self.multiple
        return (max((-rows) % m + rows, 2 * m) - rows, max((-cols) % m + cols, 2 * m) - cols)

    def forward(self, x):
        rows, cols = x.shape[-2:]
        pad_r, pad_c = self.padding_for(rows, cols)
        x = x.permute(0, 1, 3, 4, 2)  # batch, channels, rows, cols, dates
        top, left = pad_r // 2, pad_c // 2
        if pad_r or pad_c:
            x = F.pad(x, (0, 0, left, pad_c - left, top, pad_r - top), mode="replicate")
        features = []
        for level, block in enumerate(self.down):
            x = block(x)
            if level < self.levels - 1:
                features.append(self.skips[level](x))
        for up, skip in zip(self.up, reversed(features)):
            x = up(x, skip)
        x = torch.sigmoid(self.head(x))[:, :, top:top + rows, left:left + cols]
        return x.permute(0, 1, 4, 2, 3)


def build_seq2seq_net(in_channels, out_channels, seed=None):
    """A freshly initialised :class:`Seq2SeqNet` (seeded when ``seed`` is given)."""
    if seed is not None:
        torch.manual_seed(int(seed))
    return Seq2SeqNet(in_channels, out_channels)


def parameter_count(net):
    return sum(p.numel() for p in net.parameters())
