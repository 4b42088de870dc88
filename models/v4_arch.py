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

    def __init__(self, streams=ALL_STREAMS, heads=ALL_HEADS):
        super().__init__()
        self.stream_names = tuple(streams)
        self.head_names = tuple(heads)
        built = [make_stream(n) for n in self.stream_names]
        self.streams = nn.ModuleList(m for m, _ in built)
        self.widths = [w for _, w in built]
        total = sum(self.widths)  # 448 with all eight streams
        self.gate = nn.Linear(total, len(self.stream_names))
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
