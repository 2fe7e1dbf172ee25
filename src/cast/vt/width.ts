/**
 * How many terminal cells a code point takes: 0 for combining marks (they join the previous
 * cell), 2 for East Asian wide characters and emoji, 1 otherwise. A compact table of the common
 * ranges, not the full Unicode database: rare scripts may be off by a cell, which only shifts
 * where a transcript line wraps.
 */

/** "0300-036f 0483 ..." (hex, inclusive, sorted) → flat [first, last, first, last, ...]. */
function parseRanges(table: string): Uint32Array {
  const bounds: number[] = [];
  for (const item of table.trim().split(/\s+/)) {
    const [first, last = first] = item.split("-");
    bounds.push(parseInt(first, 16), parseInt(last, 16));
  }
  return Uint32Array.from(bounds);
}

// Emoji skin tones (1f3fb-1f3ff) are zero width: terminals draw them inside the emoji before.
const ZERO_WIDTH = parseRanges(`
  0300-036f 0483-0489 0591-05bd 05bf 05c1-05c2 05c4-05c5 05c7 0610-061a 064b-065f 0670 06d6-06dc
  06df-06e4 06e7-06e8 06ea-06ed 0711 0730-074a 07a6-07b0 07eb-07f3 0900-0902 093a 093c 0941-0948
  094d 0951-0957 0962-0963 0981 09bc 09c1-09c4 09cd 0a01-0a02 0a3c 0a41-0a51 0a81-0a82 0abc
  0ac1-0ac8 0acd 0b01 0b3c 0b3f 0b41-0b44 0b4d 0bc0 0bcd 0c3e-0c40 0c46-0c56 0cbc 0ccc-0ccd
  0d41-0d44 0d4d 0e31 0e34-0e3a 0e47-0e4e 0eb1 0eb4-0ebc 0ec8-0ecd 0f18-0f19 0f35 0f37 0f39
  0f71-0f7e 0f80-0f84 102d-1030 1032-1037 1039-103a 1160-11ff 135d-135f 1712-1714 17b4-17b5
  17b7-17bd 17c6 17c9-17d3 180b-180f 1ab0-1aff 1b00-1b03 1dc0-1dff 200b-200f 2028-202e 2060-2064
  20d0-20f0 2cef-2cf1 2de0-2dff 302a-302d 3099-309a a66f-a672 a674-a67d a69e-a69f a6f0-a6f1 a802
  a806 a80b a825-a826 a8c4-a8c5 a8e0-a8f1 fb1e fe00-fe0f fe20-fe2f feff 1d167-1d169 1d17b-1d182
  1f3fb-1f3ff e0001 e0020-e007f e0100-e01ef
`);

const WIDE = parseRanges(`
  1100-115f 231a-231b 2329-232a 23e9-23ec 23f0 23f3 25fd-25fe 2614-2615 2648-2653 267f 2693 26a1
  26aa-26ab 26bd-26be 26c4-26c5 26ce 26d4 26ea 26f2-26f3 26f5 26fa 26fd 2705 270a-270b 2728 274c
  274e 2753-2755 2757 2795-2797 27b0 27bf 2b1b-2b1c 2b50 2b55 2e80-303e 3041-3247 3250-4dbf
  4e00-a4cf a960-a97f ac00-d7a3 f900-faff fe10-fe19 fe30-fe6f ff00-ff60 ffe0-ffe6 16fe0-16fe4
  17000-18cff 1aff0-1b2ff 1f004 1f0cf 1f18e 1f191-1f19a 1f200-1f202 1f210-1f23b 1f240-1f248
  1f250-1f251 1f260-1f265 1f300-1f320 1f32d-1f335 1f337-1f37c 1f37e-1f393 1f3a0-1f3ca
  1f3cf-1f3d3 1f3e0-1f3f0 1f3f4 1f3f8-1f43e 1f440 1f442-1f4fc 1f4ff-1f53d 1f54b-1f54e
  1f550-1f567 1f57a 1f595-1f596 1f5a4 1f5fb-1f64f 1f680-1f6c5 1f6cc 1f6d0-1f6d2 1f6d5-1f6d7
  1f6dc-1f6df 1f6eb-1f6ec 1f6f4-1f6fc 1f7e0-1f7eb 1f7f0 1f90c-1f93a 1f93c-1f945 1f947-1f9ff
  1fa70-1faff 20000-2fffd 30000-3fffd
`);

function inRanges(ranges: Uint32Array, codePoint: number): boolean {
  let low = 0;
  let high = ranges.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (codePoint < ranges[middle * 2]) high = middle - 1;
    else if (codePoint > ranges[middle * 2 + 1]) low = middle + 1;
    else return true;
  }
  return false;
}

/** Cells taken by a printable code point (controls are the parser's business, not this). */
export function charWidth(codePoint: number): 0 | 1 | 2 {
  if (codePoint < 0x0300) return 1;
  if (inRanges(ZERO_WIDTH, codePoint)) return 0;
  if (codePoint >= 0x1100 && inRanges(WIDE, codePoint)) return 2;
  return 1;
}
