/**
 * Terminal bytes straight to the inside of a JSON string literal, as UTF-8 bytes: the same
 * result as `JSON.stringify(bytesToCastText(bytes))` without its quotes, in one pass and
 * without building a JavaScript string. The recorder's hot path: decoding to a string,
 * stringifying and encoding back cost three passes and most of the recorder's CPU.
 *
 * Valid UTF-8 is copied as is; `"`, `\` and control characters are escaped as JSON.stringify
 * escapes them; a byte that is not part of valid UTF-8 becomes `\udcXX` (the lone-surrogate
 * escape of bytes.ts). A multi-byte character cut between two chunks is held back (at most 3
 * bytes) until the next chunk, so any split gives the same output.
 *
 * A chunk that is all valid UTF-8 (nearly every chunk a terminal sees) takes the engine's own
 * decoder, JSON.stringify and encoder instead: native code, about twice as fast as the byte
 * loop, which remains for chunks with invalid bytes.
 */

import { concatBytes } from "../core/bytes.ts";
import { utf8SequenceLength } from "./utf8.ts";

const HEX = new TextEncoder().encode("0123456789abcdef");
const textEncoder = new TextEncoder();
/** Throws on invalid UTF-8; keeps a leading U+FEFF, which is terminal output like any other. */
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Bytes escaped per native call (see #escapeValid). */
const SLICE = 32 * 1024;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/** Escape for each ASCII byte: 0 = copy, else the character after the backslash (or "u"). */
const ESCAPE = new Uint8Array(128);
for (let i = 0; i < 0x20; i++) ESCAPE[i] = 0x75; // \u00XX
ESCAPE[0x08] = 0x62; // \b
ESCAPE[0x09] = 0x74; // \t
ESCAPE[0x0a] = 0x6e; // \n
ESCAPE[0x0c] = 0x66; // \f
ESCAPE[0x0d] = 0x72; // \r
ESCAPE[QUOTE] = QUOTE;
ESCAPE[BACKSLASH] = BACKSLASH;

export class CastJsonEncoder {
  #carry: Uint8Array | null = null;
  #out = new Uint8Array(64 * 1024);

  /** The escaped bytes of `chunk` (a view valid until the next call). */
  encode(chunk: Uint8Array): Uint8Array {
    const bytes = this.#carry ? concatBytes([this.#carry, chunk]) : chunk;
    this.#carry = null;
    return this.#escape(bytes, false);
  }

  /** Ends the stream: held-back bytes are escaped as invalid. */
  flush(): Uint8Array {
    const carry = this.#carry;
    this.#carry = null;
    return carry ? this.#escape(carry, true) : new Uint8Array(0);
  }

  #escape(b: Uint8Array, final: boolean): Uint8Array {
    return (final ? null : this.#escapeValid(b)) ?? this.#escapeBytes(b, final);
  }

  /**
   * The native path, or null when `b` holds invalid UTF-8. It goes SLICE bytes at a time: the
   * strings then stay in V8's young generation, where larger ones are large objects that cost
   * full collections.
   */
  #escapeValid(b: Uint8Array): Uint8Array | null {
    const complete = completeLength(b);
    let o = 0;
    for (let i = 0; i < complete;) {
      let j = Math.min(complete, i + SLICE);
      while (j < complete && j > i && (b[j] & 0xc0) === 0x80) j--; // not inside a character
      let text: string;
      try {
        text = strictDecoder.decode(b.subarray(i, j));
      } catch {
        return null;
      }
      const json = JSON.stringify(text);
      // Each UTF-16 unit of the JSON text is at most 3 bytes of UTF-8.
      this.#reserve(o + json.length * 3);
      const { written } = textEncoder.encodeInto(json, this.#out.subarray(o));
      this.#out.copyWithin(o, o + 1, o + written - 1); // without the quotes
      o += written - 2;
      i = j;
    }
    if (complete < b.length) this.#carry = b.slice(complete);
    return this.#out.subarray(0, o);
  }

  #reserve(size: number): void {
    if (this.#out.length >= size) return;
    const grown = new Uint8Array(Math.max(size, this.#out.length * 2));
    grown.set(this.#out);
    this.#out = grown;
  }

  #escapeBytes(b: Uint8Array, final: boolean): Uint8Array {
    const n = b.length;
    // Worst case: every byte becomes a six-byte escape.
    if (this.#out.length < n * 6) this.#out = new Uint8Array(Math.max(n * 6, this.#out.length * 2));
    const out = this.#out;
    let o = 0;
    let i = 0;
    while (i < n) {
      const c = b[i];
      if (c < 0x80) {
        const e = ESCAPE[c];
        if (e === 0) {
          out[o++] = c;
        } else if (e !== 0x75) {
          out[o++] = BACKSLASH;
          out[o++] = e;
        } else {
          out[o++] = BACKSLASH;
          out[o++] = 0x75;
          out[o++] = 0x30;
          out[o++] = 0x30;
          out[o++] = HEX[c >> 4];
          out[o++] = HEX[c & 15];
        }
        i++;
        continue;
      }
      const len = utf8SequenceLength(b, i, n);
      if (len > 0) {
        for (let k = 0; k < len; k++) out[o++] = b[i + k];
        i += len;
        continue;
      }
      if (len < 0 && !final) {
        this.#carry = b.slice(i);
        break;
      }
      // An invalid byte: \udcXX.
      out[o++] = BACKSLASH;
      out[o++] = 0x75;
      out[o++] = 0x64;
      out[o++] = 0x63;
      out[o++] = HEX[c >> 4];
      out[o++] = HEX[c & 15];
      i++;
    }
    return out.subarray(0, o);
  }
}

/** Length of `b` without a valid multi-byte sequence cut off at its end. */
function completeLength(b: Uint8Array): number {
  const n = b.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const c = b[i];
    if (c < 0x80) return n;
    if (c >= 0xc0) return utf8SequenceLength(b, i, n) < 0 ? i : n;
  }
  return n;
}
