/** Masks that keep the display width of what they hide, so screen layouts replay correctly. */

export const MASK_CHAR = 0x2a; // "*"

/** True for code points that take two terminal columns (CJK, fullwidth forms, most emoji). */
function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
}

/**
 * One "*" per display column of `bytes`: ASCII and invalid bytes count one column, a valid
 * UTF-8 sequence one or two. Zero-width combining marks get no column.
 */
export function maskBytes(bytes: Uint8Array): Uint8Array {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return new Uint8Array(bytes.length).fill(MASK_CHAR);
  let cols = 0;
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i];
    const n = c < 0x80
      ? 1
      : c >= 0xc2 && c < 0xe0
      ? 2
      : c >= 0xe0 && c < 0xf0
      ? 3
      : c >= 0xf0 && c < 0xf5
      ? 4
      : 0;
    let ok = n > 0 && i + n <= bytes.length;
    let cp = n === 1 ? c : n === 2 ? c & 0x1f : n === 3 ? c & 0x0f : c & 0x07;
    for (let k = 1; ok && k < n; k++) {
      const cc = bytes[i + k];
      if ((cc & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (cc & 0x3f);
    }
    if (!ok) {
      cols++;
      i++;
      continue;
    }
    if (!(cp >= 0x300 && cp <= 0x36f) && cp !== 0x200d && !(cp >= 0xfe00 && cp <= 0xfe0f)) {
      cols += isWide(cp) ? 2 : 1;
    }
    i += n;
  }
  return new Uint8Array(cols).fill(MASK_CHAR);
}
