"""The V4 detector architecture ("BalancedStarlightDetector"), as ../../shared/v4-contract.md
("Architecture") describes it. Kept apart from build_model.py so a training script can import it.

Streams not listed in `streams` are left out of the network entirely, which is how older
models that declare fewer inputs are built (see build_model.py, the "legacy" variant).
"""
import torch
from torch import nn

PROJ = 64
FEATURE_WIDTH = 32

ALL_STREAMS = (
    "pixel_tensor", "meta", "alpha", "lsb",
    "palette", "palette_lsb", "format_features", "content_features",
)
IMAGE_CHANNELS = {"pixel_tensor": 3, "lsb": 3, "alpha": 2, "palette_lsb": 1}
ALL_HEADS = ("stego_logits", "method_logits", "bit_order_logits", "embedding")


def conv_block_2d(cin, cout):
    return [nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]


class ImageStream(nn.Module):
    """pixel, lsb, alpha, palette_lsb: three stride-2 convs, 4x4 pooling, projection."""

    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(
            *conv_block_2d(channels, 16), *conv_block_2d(16, 32), *conv_block_2d(32, 64),
            nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Linear(64 * 16, PROJ),
        )

    def forward(self, x):
        return self.body(x)


class MetaStream(nn.Module):
    """EXIF + tail bytes: 1-D convs; scaled down so raw bytes do not dominate the fusion."""

    SCALE = 0.3

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(1, 32, 7, stride=2, padding=3), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Conv1d(32, 64, 5, stride=2, padding=2), nn.BatchNorm1d(64), nn.ReLU(),
            nn.Conv1d(64, 128, 3, stride=2, padding=1), nn.BatchNorm1d(128), nn.ReLU(),
            nn.AdaptiveAvgPool1d(16), nn.Flatten(), nn.Linear(128 * 16, PROJ),
        )

    def forward(self, x):
        return self.body(x.unsqueeze(1)) * self.SCALE


class ParityResidualStream(nn.Module):
    """Not in the contract: each pixel's LSB parity times its prediction residual, for R, G and
    B (and alpha with `with_alpha`), the weighted-stego statistic of LSB steganalysis.

    LSB replacement moves a pixel towards the value that shares its other bits, so on a stego
    pixel (2 * lsb - 1) * (x - mean of its 4 neighbours) averages 1/2 grey level; on a photograph
    it averages about 0. The contract's pixel and LSB streams meet only after pooling, where this
    product can no longer be formed, so random-byte payloads (no zero top bits for the LSB plane
    alone to show) went undetected. The residual is a fixed convolution (not trained; the INT8
    quantizer leaves it float) on every other pixel and row, which keeps the stream's cost at about
    0.6 ms of CPU an image; the product is clipped to +-CLIP grey levels and mapped to 0..1, the range
    every stream's first trained convolution sees.
    """

    CLIP = 6.0

    def __init__(self, with_alpha=False):
        super().__init__()
        self.with_alpha = with_alpha
        channels = 4 if with_alpha else 3
        self.residual = nn.Conv2d(channels, channels, 3, stride=2, padding=1, bias=False)
        kernel = torch.tensor([[0.0, -0.25, 0.0], [-0.25, 1.0, -0.25], [0.0, -0.25, 0.0]])
        scale = 255.0 / (2 * self.CLIP)  # inputs are grey level / 255; output in units of 2 * CLIP
        self.residual.weight.data.zero_()
        for c in range(channels):  # block-diagonal: a dense convolution runs faster than a depthwise one
            self.residual.weight.data[c, c] = kernel * scale
        self.residual.weight.requires_grad_(False)
        self.body = nn.Sequential(
            nn.Conv2d(channels, 16, 2, stride=2), nn.BatchNorm2d(16), nn.ReLU(), *conv_block_2d(16, 32),
            nn.AvgPool2d(4), nn.Flatten(), nn.Linear(32 * 64, PROJ),  # 32x32 -> 8x8
        )

    def forward(self, pixel, lsb, alpha):
        values, parity = pixel, lsb
        if self.with_alpha:  # the alpha stream is (alpha / 255, alpha & 1)
            values = torch.cat([pixel, alpha[:, 0:1]], dim=1)
            parity = torch.cat([lsb, alpha[:, 1:2]], dim=1)
        product = (2 * parity[:, :, ::2, ::2] - 1) * self.residual(values)
        return self.body(torch.clamp(product, -0.5, 0.5) + 0.5)


def palette_stream():
    return nn.Sequential(nn.Linear(768, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, PROJ))


def feature_stream():
    return nn.Sequential(nn.Linear(6, FEATURE_WIDTH), nn.ReLU(), nn.Linear(FEATURE_WIDTH, FEATURE_WIDTH))


def make_stream(name):
    if name in IMAGE_CHANNELS:
        return ImageStream(IMAGE_CHANNELS[name]), PROJ
    if name == "meta":
        return MetaStream(), PROJ
    if name == "palette":
        return palette_stream(), PROJ
    return feature_stream(), FEATURE_WIDTH


class V4Detector(nn.Module):
    """forward(*inputs in `streams` order) -> tuple of outputs in `heads` order."""

    def __init__(self, streams=ALL_STREAMS, heads=ALL_HEADS, parity_residual=None):
        """parity_residual: None, "rgb" or "rgba" (ParityResidualStream, with or without alpha)."""
        super().__init__()
        self.stream_names = tuple(streams)
        self.head_names = tuple(heads)
        built = [make_stream(n) for n in self.stream_names]
        self.streams = nn.ModuleList(m for m, _ in built)
        self.widths = [w for _, w in built]
        self.parity = ParityResidualStream(with_alpha=parity_residual == "rgba") if parity_residual else None
        if self.parity is not None:
            self.widths.append(PROJ)
        total = sum(self.widths)  # 448 with all eight streams, 512 with the parity residual
        self.gate = nn.Linear(total, len(self.widths))
        self.fusion = nn.Sequential(
            nn.Linear(total, 256), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(128, 192),
        )
        self.heads = nn.ModuleDict({
            "stego_logits": nn.Linear(PROJ, 1),
            "method_logits": nn.Linear(PROJ, 5),
            "bit_order_logits": nn.Linear(PROJ, 3),
            "embedding": nn.Linear(PROJ, PROJ),
        })

    def forward(self, *inputs):
        parts = [stream(x) for stream, x in zip(self.streams, inputs)]
        if self.parity is not None:
            named = dict(zip(self.stream_names, inputs))
            parts.append(self.parity(named["pixel_tensor"], named["lsb"], named["alpha"]))
        gates = torch.sigmoid(self.gate(torch.cat(parts, dim=1)))
        gated = torch.cat([p * gates[:, i:i + 1] for i, p in enumerate(parts)], dim=1)
        cls = self.fusion(gated)[:, -PROJ:]
        return tuple(self.heads[h](cls) for h in self.head_names)


def input_shapes():
    """Per-image shape of each input stream (batch dimension excluded)."""
    return {
        "pixel_tensor": (3, 256, 256), "meta": (2048,), "alpha": (2, 256, 256),
        "lsb": (3, 256, 256), "palette": (768,), "palette_lsb": (1, 256, 256),
        "format_features": (6,), "content_features": (6,),
    }
