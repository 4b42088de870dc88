// byte / 255 as float32, the way NumPy computes it, looked up instead of divided.
export const BYTE_TO_UNIT = new Float32Array(256).map((_, v) => v / 255);
