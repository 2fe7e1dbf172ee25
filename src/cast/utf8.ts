/**
 * Length of the valid UTF-8 sequence starting at `b[i]`, looking no further than `end`:
 * the length (1–4), 0 when the byte there cannot start one (invalid, overlong, a UTF-16
 * surrogate, above U+10FFFF), or -1 when what is there is a valid beginning cut off by `end`.
 */
export function utf8SequenceLength(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  if (c < 0xc2) return 0;
  const need = c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
  if (need === 0) return 0;
  for (let k = 1; k < need; k++) {
    // Every byte before this one was checked: the prefix can still become valid.
    if (i + k >= end) return -1;
    const ck = b[i + k];
    if ((ck & 0xc0) !== 0x80) return 0;
    if (k === 1) {
      if (c === 0xe0 && ck < 0xa0) return 0; // overlong
      if (c === 0xed && ck >= 0xa0) return 0; // UTF-16 surrogate
      if (c === 0xf0 && ck < 0x90) return 0; // overlong
      if (c === 0xf4 && ck >= 0x90) return 0; // above U+10FFFF
    }
  }
  return need;
}
