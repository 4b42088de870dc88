// Pillow's naive CMYK -> RGB (Convert.c cmyk2rgb): no profile, integer maths as in C.

/** Interleaved CMYK bytes to interleaved RGB bytes. */
export function cmykToRgb(cmyk: Uint8Array): Uint8Array {
  const n = cmyk.length >> 2;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const nk = 255 - cmyk[i * 4 + 3];
    for (let c = 0; c < 3; c++) {
      // nk - MULDIV255(ink, nk): a rounded ink * nk / 255.
      const t = cmyk[i * 4 + c] * nk + 128;
      const v = nk - (((t >> 8) + t) >> 8);
      rgb[i * 3 + c] = v < 0 ? 0 : v;
    }
  }
  return rgb;
}
