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

    def __init__(self, with_alpha=False, gradients=False):
        """gradients: the residual convolution also gives each channel's opposite-neighbour
        differences (ScanStatsStream's weights); one convolution costs less than two."""
        super().__init__()
        self.with_alpha = with_alpha
        channels = 4 if with_alpha else 3
        self.channels = channels
        self.residual = nn.Conv2d(channels, channels * (3 if gradients else 1), 3, stride=2, padding=1, bias=False)
        kernel = torch.tensor([[0.0, -0.25, 0.0], [-0.25, 1.0, -0.25], [0.0, -0.25, 0.0]])
        scale = 255.0 / (2 * self.CLIP)  # inputs are grey level / 255; output in units of 2 * CLIP
        w = self.residual.weight.data
        w.zero_()
        for c in range(channels):  # block-diagonal: a dense convolution runs faster than a depthwise one
            w[c, c] = kernel * scale
            if gradients:  # left - right, then up - down, in grey levels
                w[channels + c, c, 1, 0], w[channels + c, c, 1, 2] = 255.0, -255.0
                w[2 * channels + c, c, 0, 1], w[2 * channels + c, c, 2, 1] = 255.0, -255.0
        self.residual.weight.requires_grad_(False)
        self.body = nn.Sequential(
            nn.Conv2d(channels, 16, 2, stride=2), nn.BatchNorm2d(16), nn.ReLU(), *conv_block_2d(16, 32),
            nn.AvgPool2d(4), nn.Flatten(), nn.Linear(32 * 64, PROJ),  # 32x32 -> 8x8
        )

    def product(self, pixel, lsb, alpha):
        """-> (the parity-residual product at every other pixel and row, in units of 2 * CLIP grey
        levels; with `gradients`, the differences at the same pixels, else None)."""
        values, parity = pixel, lsb
        if self.with_alpha:  # the alpha stream is (alpha / 255, alpha & 1)
            values = torch.cat([pixel, alpha[:, 0:1]], dim=1)
            parity = torch.cat([lsb, alpha[:, 1:2]], dim=1)
        out = self.residual(values)
        c = self.channels
        gradients = out[:, c:] if out.shape[1] > c else None
        return (2 * parity[:, :, ::2, ::2] - 1) * out[:, :c], gradients

    def forward(self, product):
        return self.body(torch.clamp(product, -0.5, 0.5) + 0.5)


class ScanStatsStream(nn.Module):
    """Not in the contract: two statistics that follow how payloads are laid out and how lossy
    formats look, computed from the contract's inputs, then a small trained projection.

    1. Weighted-stego profile from the top of the crop. Pixel payloads fill rows from the first
       pixel on, so a stego crop's embedded pixels are its top rows. For R, G, B together and for
       alpha: the parity stream's product (ParityResidualStream.product, every other pixel and
       row), weighted by 1 / (5 + local variance) (the WS estimator's weights: smooth pixels
       predict well), summed over each row, then averaged from the top down to every 8th row of
       the crop. A payload shows as a high mean down to where it ends; the parity stream's 8x8-cell
       pooling dilutes a payload of a few rows, this profile does not. (On 800 held-out images,
       the best of these means alone separated lsb.rgb payloads from clean non-palette images with
       AUC 0.96, the parity product's plain mean 0.80.) Only pixels whose four neighbours are in
       the image count, and the profile starts at the image's first row: an image under 256 pixels
       high sits in the crop below rows of zero padding, which first diluted its payload (lsb.rgb
       random-byte payloads were found 59% of the time in such images, 84% in taller ones).
    2. Block grid. JPEG codes 8x8 blocks (WebP 4x4), so its pixels step more across the image's
       own block boundaries than inside blocks; LSB payloads never come in lossy files, and the
       contract's inputs do not say which files are lossy. The mean grey step between neighbouring
       columns (rows) is taken for each of the 8 phases, rolled so the first is the image's own
       block boundary (the crop's offset follows from width and height in `format_features`), and
       given as its log ratio to the mean of the 8; steps into a small image's zero padding are
       left out.
    3. With `top`, since v4-reference-7: the same weighted-stego profile at full resolution over
       the image's first 16 rows in the crop, for R, G and B, down to every 2nd row, and its
       largest. The sampled profile's first point averages 4 sampled rows of 128 pixels; a
       payload of a few rows was diluted there (v4-reference-6 found random-byte lsb.rgb payloads
       76-85% of the time, text ones 98%). Measured alone on 3200 held-out images (seed 313) before
       training (models/top_profile_check.py): its largest point, over 0.4, found 318 of 320
       lsb.rgb payloads and flagged 1 of 160 clean BMPs and 2 of 320 clean RGB PNGs. It reads only
       the crop's first TOP_WINDOW rows, so images under 192 pixels high (their first row lower
       than that) are left to the sampled profile.
    The differences for the weights come from the parity stream's own (fixed) convolution, and
    the grid is taken on the green channel with slices: separate convolutions for them cost
    onnxruntime about 1.5 ms of CPU an image more.
    """

    CUT_ROWS = 4  # profile points every 4 sampled rows (8 crop rows)
    WS_CLIP = 2.0
    TOP_ROWS = 16  # the full-resolution profile: the image's first 16 rows in the crop
    TOP_WINDOW = 50  # crop rows it reads: an image at least 192 high starts within the first 33
    TOP_RESIDUAL_CLIP = 8.0  # grey levels
    WIDTH = 2 * (128 // CUT_ROWS) + 2 + 16  # statistics without the top profile: profiles, their largest, grid

    def __init__(self, parity_clip, top=False):
        super().__init__()
        self.to_grey_levels = 2 * parity_clip
        cuts = torch.arange(self.CUT_ROWS - 1, 128, self.CUT_ROWS)
        self.register_buffer("sampled", torch.arange(128).float())
        self.register_buffer("cuts", cuts.float())
        self.register_buffer("phases", torch.arange(8).float())
        self.register_buffer("columns", torch.arange(256).float())
        width = self.WIDTH
        self.top = top
        if top:
            self.register_buffer("window_rows", torch.arange(1, self.TOP_WINDOW - 1).float())
            self.register_buffer("top_cuts", torch.arange(1, self.TOP_ROWS, 2).float())
            width += len(self.top_cuts) + 1
        self.body = nn.Sequential(nn.Linear(width, PROJ), nn.ReLU(), nn.Linear(PROJ, FEATURE_WIDTH))

    @staticmethod
    def image_rows(size):
        """size: N (the image's width or height) -> (N,1 each: the image's first and last row
        (column) in the crop)."""
        start = torch.round((size - 256) / 2).unsqueeze(1)  # the crop's offset into the image
        return torch.clamp(-start, min=0), torch.clamp(size.unsqueeze(1) - start, max=256) - 1

    def inside(self, size):
        """size: N (the image's width or height) -> (N,128: 1 where the residual at that sampled
        row (column), crop row 2i, has both neighbours in the image, else 0; N: the first such)."""
        low, high = self.image_rows(size)
        row = 2 * self.sampled.unsqueeze(0)
        ok = ((row - 1 >= low) & (row + 1 <= high)).float()
        return ok, torch.ceil((low + 1) / 2)

    def top_profile(self, pixel, lsb, width, height):
        """pixel, lsb: the contract's streams; width, height: N -> N,8: the weighted-stego mean of
        R, G and B at full resolution from the image's first row with both neighbours in it down to
        every 2nd row of the 16 that follow. Slices rather than a fixed convolution: they cost the
        same here (the whole profile about 0.3 ms of CPU an image) and carry no weights."""
        x = pixel[:, :, :self.TOP_WINDOW, :] * 255.0
        up, down, left, right = x[:, :, :-2, 1:-1], x[:, :, 2:, 1:-1], x[:, :, 1:-1, :-2], x[:, :, 1:-1, 2:]
        residual = x[:, :, 1:-1, 1:-1] - (up + down + left + right) * 0.25
        residual = torch.clamp(residual, -self.TOP_RESIDUAL_CLIP, self.TOP_RESIDUAL_CLIP)
        across, along = left - right, up - down
        weight = 1.0 / (5.0 + (across * across + along * along) * 0.25)
        low, high = self.image_rows(height)
        first_column, last_column = self.image_rows(width)
        rows = self.window_rows.unsqueeze(0)  # crop rows 1 .. TOP_WINDOW - 2
        columns = self.columns[1:-1].unsqueeze(0)
        rows_ok = ((rows - 1 >= low) & (rows + 1 <= high)).float()
        columns_ok = ((columns - 1 >= first_column) & (columns + 1 <= last_column)).float()
        weight = weight * rows_ok.view(-1, 1, self.TOP_WINDOW - 2, 1) * columns_ok.view(-1, 1, 1, 254)
        product = (2 * lsb[:, :, 1:self.TOP_WINDOW - 1, 1:-1] - 1) * residual * weight
        num = product.sum(dim=(1, 3))  # N,TOP_WINDOW - 2
        den = weight.sum(dim=(1, 3))
        offset = rows - (low + 1)  # rows from the first with both neighbours in the image
        down_to = ((offset.unsqueeze(2) >= 0) & (offset.unsqueeze(2) <= self.top_cuts.view(1, 1, -1))).float()
        cumulative = lambda v: torch.bmm(v.unsqueeze(1), down_to).squeeze(1)  # noqa: E731
        return torch.clamp(cumulative(num) / (cumulative(den) + 1e-6), -self.WS_CLIP, self.WS_CLIP)

    def profiles(self, product, g, width, height):
        """product, g: ParityResidualStream.product's (4 channels; 8 differences); width, height:
        N -> (rgb, alpha): N,cuts each."""
        rows_ok, first = self.inside(height)
        columns_ok, _ = self.inside(width)
        weight = 1.0 / (5.0 + (g[:, 0:4] * g[:, 0:4] + g[:, 4:8] * g[:, 4:8]) * 0.25)
        weight = weight * rows_ok.view(-1, 1, 128, 1) * columns_ok.view(-1, 1, 1, 128)
        weighted = weight * product * self.to_grey_levels
        num = weighted.sum(dim=3)  # N,4,128
        den = weight.sum(dim=3)
        # Row sums -> sums from the image's first row down to each cut, as one matrix product.
        down_to = ((self.sampled.view(1, 128, 1) - first.view(-1, 1, 1)) <= self.cuts.view(1, 1, -1)).float()
        down = lambda x: torch.bmm(x.unsqueeze(1), down_to).squeeze(1)  # noqa: E731
        rgb = down(num[:, 0:3].sum(dim=1)) / (down(den[:, 0:3].sum(dim=1)) + 1e-6)
        alpha = down(num[:, 3]) / (down(den[:, 3]) + 1e-6)
        return torch.clamp(rgb, -self.WS_CLIP, self.WS_CLIP), torch.clamp(alpha, -self.WS_CLIP, self.WS_CLIP)

    def grid(self, steps, size):
        """steps: N,255 mean |step| between crop columns (rows) c and c + 1; size: N (the image's
        width or height) -> N,8: log ratio of each phase's mean step to the mean of all 8, the
        image's block boundary first."""
        # The crop starts at round((size - 256) / 2) (half to even, as the preprocessing); a block
        # boundary lies between crop columns c and c + 1 where (c + 1 + start) is a multiple of 8.
        start = torch.round((size - 256) / 2).unsqueeze(1)
        column = self.columns.unsqueeze(0)
        inside = ((column + start >= 0) & (column + 1 + start < size.unsqueeze(1))).float()  # N,256
        steps = torch.cat([steps, steps[:, -1:]], dim=1) * inside
        steps = steps.reshape(-1, 32, 8).sum(dim=1) / (inside.reshape(-1, 32, 8).sum(dim=1) + 1e-3)  # N,8
        index = (7 - start) + self.phases.unsqueeze(0)
        index = index - 8 * torch.floor(index / 8)
        pick = (index.unsqueeze(2) == self.phases.view(1, 1, 8)).float()  # N,8,8
        rolled = torch.bmm(pick, steps.unsqueeze(2)).squeeze(2)
        return torch.log((rolled + 1e-3) / (rolled.mean(dim=1, keepdim=True) + 1e-3)) * 5

    def forward(self, product, gradients, pixel, lsb, format_features):
        width = torch.round(format_features[:, 4] * 256)
        height = torch.round(format_features[:, 5] * 256)
        rgb, alpha = self.profiles(product, gradients, width, height)
        green = pixel[:, 1] * 255  # the block grid shows in luma, most of which is green
        across = torch.abs(green[:, :, 1:] - green[:, :, :-1]).mean(dim=1)
        down = torch.abs(green[:, 1:, :] - green[:, :-1, :]).mean(dim=2)
        grid = torch.cat([self.grid(across, width), self.grid(down, height)], dim=1)
        parts = [rgb, alpha, rgb.max(dim=1, keepdim=True)[0], alpha.max(dim=1, keepdim=True)[0], grid]
        if self.top:
            top = self.top_profile(pixel, lsb, width, height)
            parts += [top, top.max(dim=1, keepdim=True)[0]]
        return self.body(torch.cat(parts, dim=1))


class PalettePairStream(nn.Module):
    """Not in the contract: for palette images, how often a pixel's colour would fit its
    neighbours better had its palette index's lowest bit been flipped. The palette method writes
    its payload into the index LSBs from the first pixel on, so about half of the embedded pixels
    show the colour of index^1 in place of their own, and a quantiser's palette does not keep
    index^1 near its index: those pixels stand out from their neighbours more than the colour they
    lost would have, while a clean (even dithered) pixel almost always fits better than its pair.
    The model's own streams see the index LSBs only through the grey levels (`palette_lsb`), and
    flagged clean palette images were most of v4-reference-8's false positives.

    Over the image's first ROWS rows in the crop: each pixel's index is found by its colour in
    the palette (exact: both are bytes / 255), the colour of index^1 taken, and a pixel counts when
    that colour is nearer the mean of its four neighbours (sum of |R|, |G|, |B| differences) than
    its own; the share of counted pixels from the first row with both neighbours in the image down
    to each of CUTS, and the largest. Zero for other images. Measured alone before training
    (models/palette_pair_check.py, calibration corpus seed 606, 384 clean palette images and 320
    palette payloads), the share over the first 4 rows: clean mean 0.036 (99th percentile 0.21),
    payloads 0.46 (5th percentile 0.33), AUC 0.9996."""

    ROWS = 10
    CUTS = (2, 4, 6, 8)

    def __init__(self):
        super().__init__()
        self.register_buffer("steps", torch.arange(self.ROWS).float())
        self.register_buffer("columns", torch.arange(256).float())
        self.register_buffer("cuts", torch.tensor(self.CUTS).float())
        self.body = nn.Sequential(nn.Linear(len(self.CUTS) + 1, PROJ), nn.ReLU(), nn.Linear(PROJ, FEATURE_WIDTH))

    def shares(self, pixel, palette, format_features):
        """-> N,len(CUTS): the share of pixels whose index^1 colour fits better, down to each cut."""
        width = torch.round(format_features[:, 4] * 256)
        height = torch.round(format_features[:, 5] * 256)
        low, high = ScanStatsStream.image_rows(height)
        first_column, last_column = ScanStatsStream.image_rows(width)
        rows = torch.clamp(low + self.steps.unsqueeze(0), max=255)  # N,ROWS: crop rows from the image's first
        pick = rows.long().view(-1, 1, self.ROWS, 1).expand(-1, 3, self.ROWS, 256)
        own = torch.round(torch.gather(pixel, 2, pick) * 255)  # N,3,ROWS,256
        colours = torch.round(palette * 255).view(-1, 256, 3)
        key = lambda c, axis: c.select(axis, 0) * 65536 + c.select(axis, 1) * 256 + c.select(axis, 2)  # noqa: E731
        # Only the pixels judged (both neighbours in the crop) are looked up.
        centre = own[:, :, 1:-1, 1:-1]  # N,3,ROWS-2,254
        judged = (self.ROWS - 2) * 254
        match = (key(centre, 1).reshape(-1, judged, 1) == key(colours, 2).view(-1, 1, 256)).float()
        pairs = colours.view(-1, 128, 2, 3).flip(2).reshape(-1, 256, 3)  # entry i holds the colour of i^1
        # A column of ones after the colours: one product gives the pairs' colours and the matches.
        summed = torch.bmm(match, torch.cat([pairs, torch.ones_like(pairs[:, :, :1])], dim=2))  # N,judged,4
        found = summed[:, :, 3:]
        flipped = (summed[:, :, :3] / torch.clamp(found, min=1.0)).transpose(1, 2).reshape(-1, 3, self.ROWS - 2, 254)
        up, down = own[:, :, :-2, 1:-1], own[:, :, 2:, 1:-1]
        left, right = own[:, :, 1:-1, :-2], own[:, :, 1:-1, 2:]
        mean = (up + down + left + right) * 0.25
        own_error = torch.abs(centre - mean).sum(dim=1)  # N,ROWS-2,254
        flipped_error = torch.abs(flipped - mean).sum(dim=1)
        step = self.steps[1:-1].unsqueeze(0)
        rows_ok = (low + step + 1 <= high).float()  # N,ROWS-2 (the row above is the image's)
        columns = self.columns[1:-1].unsqueeze(0)
        columns_ok = ((columns - 1 >= first_column) & (columns + 1 <= last_column)).float()
        counted = rows_ok.unsqueeze(2) * columns_ok.unsqueeze(1) * (found.view(-1, self.ROWS - 2, 254) > 0).float()
        better = (flipped_error < own_error).float() * counted
        down_to = (step.view(1, -1, 1) <= self.cuts.view(1, 1, -1)).float().expand(better.shape[0], -1, -1)
        cumulative = lambda v: torch.bmm(v.unsqueeze(1), down_to).squeeze(1)  # noqa: E731
        return cumulative(better.sum(dim=2)) / (cumulative(counted.sum(dim=2)) + 1e-6)

    def forward(self, pixel, palette, format_features):
        shares = self.shares(pixel, palette, format_features)
        shares = torch.cat([shares, shares.max(dim=1, keepdim=True)[0]], dim=1)
        return self.body(shares * (format_features[:, 2:3] > 0.5).float())


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

    def __init__(self, streams=ALL_STREAMS, heads=ALL_HEADS, parity_residual=None, scan_stats=False, scan_top=False,
                 palette_pair=False):
        """parity_residual: None, "rgb" or "rgba" (ParityResidualStream, with or without alpha);
        scan_stats: add ScanStatsStream; scan_top: with its full-resolution top profile;
        palette_pair: add PalettePairStream."""
        super().__init__()
        self.stream_names = tuple(streams)
        self.head_names = tuple(heads)
        built = [make_stream(n) for n in self.stream_names]
        self.streams = nn.ModuleList(m for m, _ in built)
        self.widths = [w for _, w in built]
        self.parity = ParityResidualStream(with_alpha=parity_residual == "rgba", gradients=scan_stats) if parity_residual else None
        if self.parity is not None:
            self.widths.append(PROJ)
        if scan_stats and (self.parity is None or not self.parity.with_alpha):
            raise ValueError("the scan-statistics stream reads the rgba parity stream's product")
        self.scan = ScanStatsStream(ParityResidualStream.CLIP, top=scan_top) if scan_stats else None
        if self.scan is not None:
            self.widths.append(FEATURE_WIDTH)
        self.pair = PalettePairStream() if palette_pair else None
        if self.pair is not None:
            self.widths.append(FEATURE_WIDTH)
        # 448 with all eight streams, 512 with the parity residual, 544 with the scan statistics, 576 with the pairs
        total = sum(self.widths)
        self.gate = nn.Linear(total, len(self.widths))
        self.stream_dropout = 0.0  # finetune.py --stream-dropout
        self.dropout_spares_palette = False  # finetune.py --dropout-spares-palette
        self.palette_skips_stats = False  # finetune.py --palette-skips-stats
        self.palette_stego_shift = 0.0  # finetune.py --palette-calib-allow
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
        named = dict(zip(self.stream_names, inputs))
        palette = named["format_features"][:, 2:3] > 0.5 if "format_features" in named else None
        if self.parity is not None:
            product, gradients = self.parity.product(named["pixel_tensor"], named["lsb"], named["alpha"])
            parts.append(self.parity(product))
        images = len(parts)  # the contract's streams and the parity stream: what stream dropout drops
        if self.scan is not None:
            stats = self.scan(product, gradients, named["pixel_tensor"], named["lsb"], named["format_features"])
            if self.palette_skips_stats:
                # Dithered clean palette images look like LSB payloads to the statistics: palette
                # images are judged from their own streams (kept in the exported graph too).
                stats = stats * (~palette).float()
            parts.append(stats)
        if self.pair is not None:
            parts.append(self.pair(named["pixel_tensor"], named["palette"], named["format_features"]))
        if self.training and self.stream_dropout > 0 and self.scan is not None:
            # Every image stream dropped per image: the fusion learns to decide from the
            # statistics when the image streams say nothing.
            keep = [torch.bernoulli(torch.full((p.shape[0], 1), 1 - self.stream_dropout)) / (1 - self.stream_dropout)
                    for p in parts[:images]]
            if self.dropout_spares_palette:
                # Palette images keep every stream: their payloads are read from the palette streams.
                keep = [torch.where(palette, torch.ones_like(k), k) for k in keep]
            parts = [p * k for p, k in zip(parts[:images], keep)] + parts[images:]
        gates = torch.sigmoid(self.gate(torch.cat(parts, dim=1)))
        gated = torch.cat([p * gates[:, i:i + 1] for i, p in enumerate(parts)], dim=1)
        cls = self.fusion(gated)[:, -PROJ:]
        outputs = tuple(self.heads[h](cls) for h in self.head_names)
        if self.palette_stego_shift:
            # Clean palette images (dithered GIFs, indexed PNGs) reach higher stego logits than any
            # other clean format: their threshold is their own (kept in the exported graph).
            i = self.head_names.index("stego_logits")
            outputs = outputs[:i] + (outputs[i] - self.palette_stego_shift * palette.float(),) + outputs[i + 1:]
        return outputs


def input_shapes():
    """Per-image shape of each input stream (batch dimension excluded)."""
    return {
        "pixel_tensor": (3, 256, 256), "meta": (2048,), "alpha": (2, 256, 256),
        "lsb": (3, 256, 256), "palette": (768,), "palette_lsb": (1, 256, 256),
        "format_features": (6,), "content_features": (6,),
    }
