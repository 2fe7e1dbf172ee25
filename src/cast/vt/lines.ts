/**
 * Joins rows that autowrap split back into logical lines, so a long command line or log line
 * is one searchable line in a transcript. Holds at most one logical line, and cuts one that
 * grows past `maxLength` (say, megabytes of base64 without a newline) to keep memory bounded.
 */

export type LineSink = (text: string, time: number) => void;

/** `text` without trailing spaces (a loop: a regex backtracks badly on long blank runs). */
export function trimBlanksEnd(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return end === text.length ? text : text.slice(0, end);
}

export class LineAssembler {
  #sink: LineSink;
  #maxLength: number;
  #pieces: string[] = [];
  #length = 0;
  #time = 0;

  constructor(sink: LineSink, maxLength: number) {
    this.#sink = sink;
    this.#maxLength = maxLength;
  }

  /**
   * Adds one row's text. `continues` says the row wrapped into the next one; `time` is when the
   * row left the screen, and a joined line keeps the time of its first row.
   */
  push(text: string, continues: boolean, time: number): void {
    if (this.#pieces.length === 0) {
      if (!continues) {
        this.#sink(text, time);
        return;
      }
      this.#time = time;
    }
    this.#pieces.push(text);
    this.#length += text.length;
    if (!continues || this.#length >= this.#maxLength) this.flush();
  }

  /** Emits the line being joined, if any (its continuation will not come). */
  flush(): void {
    if (this.#pieces.length === 0) return;
    const text = trimBlanksEnd(this.#pieces.join(""));
    this.#pieces = [];
    this.#length = 0;
    this.#sink(text, this.#time);
  }
}
