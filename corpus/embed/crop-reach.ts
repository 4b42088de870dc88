// The V4 model sees only the 256x256 centre crop, while pixel payloads start at the image's first
// pixel. On a 384-px image a payload shorter than the 64 rows above the crop never reaches what
// the model sees (measured: about half of the lsb.rgb and palette payloads of a 192-384 px corpus),
// so no model could detect it and the corpus would measure the crop, not the model. This gives the
// shortest message whose payload covers at least `rows` full rows of the crop.
import { CROP } from '../../v4/contract.ts';
import { centreCrop } from '../../v4/streams/crop.ts';

/** Default crop rows a pixel payload must cover (1.5% of the crop); `--min-crop-rows` changes it. */
export const DEFAULT_MIN_CROP_ROWS = 4;

/**
 * Message bytes needed so that the payload (framing included), written `bitsPerPixel` bits per
 * pixel from pixel 0 in row-major order, covers `rows` full rows of the centre crop.
 */
export function minBytesToReachCrop(
  width: number, height: number, bitsPerPixel: number, framingBytes: number, rows: number,
): number {
  if (rows <= 0) return 0;
  const crop = centreCrop(width, height);
  const lastRow = Math.min(height, Math.max(0, crop.top) + Math.min(rows, CROP));
  const pixels = lastRow * width;
  return Math.max(0, Math.ceil((pixels * bitsPerPixel) / 8) - framingBytes);
}
