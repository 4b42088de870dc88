// The V4 model's input and output names and shapes (per image, batch dimension excluded),
// as ../shared/v4-contract.md fixes them. Everything else in v4 reads them from here.

export const CROP = 256;
export const META_BYTES = 2048;
export const PALETTE_BYTES = 768;

export const STREAM_SHAPES = {
  pixel_tensor: [3, CROP, CROP],
  meta: [META_BYTES],
  alpha: [2, CROP, CROP],
  lsb: [3, CROP, CROP],
  palette: [PALETTE_BYTES],
  palette_lsb: [1, CROP, CROP],
  format_features: [6],
  content_features: [6],
} as const;

export type StreamName = keyof typeof STREAM_SHAPES;
export const STREAM_NAMES = Object.keys(STREAM_SHAPES) as StreamName[];

/** Elements in one image's slice of a stream. */
export function streamSize(name: StreamName): number {
  return STREAM_SHAPES[name].reduce((a: number, b: number) => a * b, 1);
}

/** The eight input tensors of one image, flat, row-major, float32. */
export type V4Streams = Record<StreamName, Float32Array>;

export const METHODS = ['alpha', 'palette', 'lsb.rgb', 'exif', 'raw'] as const;
export type StegoMethod = (typeof METHODS)[number];

export const BIT_ORDERS = ['lsb-first', 'msb-first', 'none'] as const;
export type BitOrder = (typeof BIT_ORDERS)[number];

/** Image modes as the reference decoder (Pillow) names them. */
export type ImageMode = 'RGB' | 'RGBA' | 'L' | 'LA' | 'P' | 'CMYK' | 'I';
/** The formats the V4 path decodes; the event's `format` tag and the corpus labels use these names. */
export const IMAGE_FORMATS = ['PNG', 'JPEG', 'GIF', 'WEBP', 'BMP'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
