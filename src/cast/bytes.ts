/**
 * Terminal bytes ⇄ cast text, losslessly.
 *
 * asciicast stores output as JSON strings, but programs write arbitrary bytes. Valid UTF-8 is
 * decoded as usual; every byte that is not part of a valid UTF-8 sequence becomes the lone
 * surrogate U+DC80..U+DCFF (Python's "surrogateescape"). Valid UTF-8 can never decode to a
 * lone surrogate, so the mapping is unambiguous, and JSON.stringify writes it as "\udcXX".
 * Players show such a byte as a replacement character; `castTextToBytes` restores it.
 */

import { utf8SequenceLength } from "./utf8.ts";
import { concatBytes } from "../core/bytes.ts";

const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
const encoder = new TextEncoder();

/** Decodes a complete byte string (no carry between calls). */
export function bytesToCastText(bytes: Uint8Array): string {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    return decodeWithEscapes(bytes);
  }
}

function decodeWithEscapes(bytes: Uint8Array): string {
  let out = "";
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const len = utf8SequenceLength(bytes, i, bytes.length);
    if (len > 0) {
      i += len;
      continue;
    }
    if (i > runStart) out += lenientDecoder.decode(bytes.subarray(runStart, i));
    out += String.fromCharCode(0xdc00 + bytes[i]);
    i++;
    runStart = i;
  }
  if (i > runStart) out += lenientDecoder.decode(bytes.subarray(runStart, i));
  return out;
}

/** Where a trailing, possibly incomplete UTF-8 sequence starts (bytes.length when there is none). */
function incompleteTailStart(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const c = bytes[n - back];
    if ((c & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back && c >= 0xc2 && c < 0xf5 ? n - back : n;
  }
  return n;
}

/**
 * Decodes a byte stream read in arbitrary pieces. A multi-byte character cut between two reads
 * is held back (at most 3 bytes) until the next read completes it, so the concatenated output
 * equals `bytesToCastText` of the whole stream.
 */
export class CastTextDecoder {
  #carry: Uint8Array | null = null;

  decode(chunk: Uint8Array): string {
    const bytes = this.#carry ? concatBytes([this.#carry, chunk]) : chunk;
    this.#carry = null;
    const cut = incompleteTailStart(bytes);
    if (cut < bytes.length) this.#carry = bytes.slice(cut);
    return bytesToCastText(cut < bytes.length ? bytes.subarray(0, cut) : bytes);
  }

  /** Ends the stream: held-back bytes are emitted as escapes. */
  flush(): string {
    const carry = this.#carry;
    this.#carry = null;
    return carry ? decodeWithEscapes(carry) : "";
  }
}

const ESCAPED_BYTE = /[\udc80-\udcff]/;

/** Inverse of the decoder: UTF-8, except escaped bytes (U+DC80..U+DCFF) become raw bytes. */
export function castTextToBytes(text: string): Uint8Array {
  if (!ESCAPED_BYTE.test(text)) return encoder.encode(text);
  const parts: Uint8Array[] = [];
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xdc80 || code > 0xdcff) continue;
    const previous = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (previous >= 0xd800 && previous <= 0xdbff) continue; // low half of a real surrogate pair
    if (i > runStart) parts.push(encoder.encode(text.slice(runStart, i)));
    parts.push(Uint8Array.of(code - 0xdc00));
    runStart = i + 1;
  }
  if (runStart < text.length) parts.push(encoder.encode(text.slice(runStart)));
  return concatBytes(parts);
}
