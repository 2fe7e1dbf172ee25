/**
 * Recordings: asciicast v2/v3 parsing and encoding, idle time limiting, and plain-text
 * transcripts through a headless terminal. Pure: no file or terminal I/O.
 *
 * @example
 * ```ts
 * import { castToText, encodeV2, parseCast } from "./mod.ts";
 *
 * const cast = parseCast('{"version":3,"term":{"cols":80,"rows":24}}\n[0.5,"o","hi\\r\\n"]\n');
 * castToText(cast); // "hi\n"
 * encodeV2(cast); // '{"version":2,"width":80,"height":24}\n[0.5, "o", "hi\\r\\n"]\n'
 * ```
 * @module
 */
export type { Cast, CastEvent, CastEventCode, CastHeader } from "./types.ts";
export { bytesToCastText, CastTextDecoder, castTextToBytes } from "./bytes.ts";
export { CastParseError } from "./errors.ts";
export { type CastParseOptions, parseCast, type ParsedCast } from "./parse.ts";
export { type CastEventReader, type CastReadOptions, readCastEvents } from "./read.ts";
export { encodeV3, encodeV3Header, formatSeconds, V3EventEncoder } from "./v3.ts";
export { encodeV2, encodeV2Header, V2EventEncoder } from "./v2.ts";
export { applyIdleTimeLimit, IdleTimeLimiter } from "./idle.ts";
export {
  castToText,
  type TerminalSize,
  transcribe,
  transcribeAsync,
  type TranscriptLine,
  type TranscriptOptions,
} from "./transcript.ts";
export { Terminal, type TerminalOptions } from "./vt/terminal.ts";
export { charWidth } from "./vt/width.ts";
