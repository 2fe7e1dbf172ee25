const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Joins argv into one line a POSIX shell would split back into the same words. */
export function shellJoin(argv: string[]): string {
  return argv.map(shellQuote).join(" ");
}

export function shellQuote(word: string): string {
  if (word !== "" && SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
