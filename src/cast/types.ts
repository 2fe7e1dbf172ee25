/** The in-memory model of a recording, shared by asciicast v2 and v3. */

/**
 * `o` output, `i` input, `r` resize ("COLSxROWS"), `m` marker, `x` exit status. Other strings
 * are codes from newer writers: the parser keeps them so a round trip loses nothing.
 */
// The intersection keeps editor completion for the known codes while admitting any string.
export type CastEventCode = "o" | "i" | "r" | "m" | "x" | (string & Record<never, never>);

export interface CastHeader {
  /** 2 or 3: the format the header was read from (writers choose their own). */
  version: 2 | 3;
  cols: number;
  rows: number;
  /** Terminal type (TERM), when known. */
  termType?: string;
  /** Unix time in seconds of the recording's start. */
  timestamp?: number;
  idleTimeLimit?: number;
  command?: string;
  title?: string;
  env?: Record<string, string>;
}

export interface CastEvent {
  /** Seconds since the start of the recording (absolute, also for v3's relative intervals). */
  time: number;
  code: CastEventCode;
  data: string;
}

export interface Cast {
  header: CastHeader;
  events: CastEvent[];
}
