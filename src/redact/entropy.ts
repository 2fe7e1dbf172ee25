const counts = new Uint32Array(256);

/** Shannon entropy in bits per character: random tokens score high, words and repeats low. */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return entropyWide(s);
    counts[c]++;
  }
  let h = 0;
  for (let i = 0; i < n; i++) {
    const k = counts[s.charCodeAt(i)];
    if (k === 0) continue;
    counts[s.charCodeAt(i)] = 0;
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The same for text with characters beyond one byte (rare: byte strings are the norm). */
function entropyWide(s: string): number {
  counts.fill(0);
  const m = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    m.set(c, (m.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const k of m.values()) {
    const p = k / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** True when the string mixes at least two of: lower case, upper case, digits. */
export function hasMixedClasses(s: string): boolean {
  let classes = 0;
  if (/[a-z]/.test(s)) classes++;
  if (/[A-Z]/.test(s)) classes++;
  if (/[0-9]/.test(s)) classes++;
  return classes >= 2;
}
