// What a decoder hands to the stream builder: the image as the reference decoder (Pillow 9.4)
// sees it after Image.open(), plus the bytes the meta stream needs.
import type { ImageFormat, ImageMode } from '../contract.ts';

export interface DecodedImage {
  format: ImageFormat;
  mode: ImageMode;
  width: number;
  height: number;
  /**
   * Pixel colours as Pillow's convert("RGB") gives them, interleaved with `channels` bytes a
   * pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGB + alpha. Null for palette images, whose colours
   * are `palette[indices]`, so only the crop is ever expanded.
   */
  pixels: Uint8Array | null;
  channels: 1 | 2 | 3 | 4;
  /** Palette ("P") images only: the stored palette, RGB triplets, at most 256 entries. */
  palette: Uint8Array | null;
  /** Palette images only: the stored palette index of each pixel, row-major. */
  indices: Uint8Array | null;
  /** The EXIF block exactly as Pillow's info["exif"] exposes it. */
  exif: Uint8Array | null;
  /**
   * The pixels went through lossy compression (JPEG, WebP's VP8), which keeps none of their
   * lowest bits: no payload hidden in them survives (v4/container-rule.ts).
   */
  lossy: boolean;
}

/** A decoded image before the container-level extras (EXIF, tail) are attached. */
export type DecodedPixels = Omit<DecodedImage, 'exif' | 'lossy'>;
