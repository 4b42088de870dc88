// The centre crop: a CROP x CROP window placed with Python's round() (half to even), reaching
// outside small images, where it reads zeros.
import { CROP } from '../contract.ts';

/** Python 3 round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

export interface CropWindow {
  /** Image coordinates of the crop's top-left corner (negative when the image is smaller). */
  left: number;
  top: number;
  /** The part of the crop that lies on the image, in crop coordinates: [x0, x1) x [y0, y1). */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export function centreCrop(width: number, height: number): CropWindow {
  const left = roundHalfEven((width - CROP) / 2);
  const top = roundHalfEven((height - CROP) / 2);
  return {
    left,
    top,
    x0: Math.max(0, -left),
    x1: Math.min(CROP, width - left),
    y0: Math.max(0, -top),
    y1: Math.min(CROP, height - top),
  };
}
