/**
 * Seeded generator of synthetic credentials for rule samples and tests. Values have valid
 * formats and checksums but are random: never real secrets.
 */
import { base62, crc32 } from "./checksum.ts";

export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const DIGITS = "0123456789";
export const HEX = "0123456789abcdef";
export const ALNUM = UPPER + LOWER + DIGITS;
export const B64 = ALNUM + "+/";
export const B64URL = ALNUM + "-_";
export const BASE32 = UPPER + "234567";

export class Gen {
  #state: number;
  constructor(seed = 1) {
    this.#state = seed >>> 0 || 1;
  }
  /** Uniform in [0, 1): mulberry32. */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** Random string over `charset`; retried until it mixes character classes like real tokens. */
  str(charset: string, n: number): string {
    for (;;) {
      let s = "";
      for (let i = 0; i < n; i++) s += charset[this.int(charset.length)];
      if (n < 8 || !/(.)\1\1\1/.test(s)) return s;
    }
  }
  hex(n: number): string {
    return this.str(HEX, n);
  }
  alnum(n: number): string {
    return this.str(ALNUM, n);
  }
  b64(n: number): string {
    return this.str(B64, n);
  }
  b64url(n: number): string {
    return this.str(B64URL, n);
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${
      h.slice(20)
    }`;
  }
  /** A human-style password: letters, digits and a symbol. */
  password(n = 14): string {
    return this.str(ALNUM, n - 2) + this.pick(["!", "#", "%", "@", "^"]) + this.str(DIGITS, 1);
  }
  /** GitHub/npm-style body: 30 random base62 characters plus their CRC-32 in base62. */
  crcToken(): string {
    const body = this.alnum(30);
    return body + base62(crc32(body), 6);
  }
  /** Standard base64 (with padding) of `n` random bytes, the first ones given by `head`. */
  b64Bytes(n: number, head: readonly number[] = []): string {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = i < head.length ? head[i] : this.int(256);
    return btoa(String.fromCharCode(...bytes));
  }
  /** A JWT with a random payload and signature. */
  jwt(): string {
    const enc = (o: unknown) =>
      btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-")
        .replace(/\//g, "_");
    const header = enc({ alg: "HS256", typ: "JWT" });
    const payload = enc({ sub: this.alnum(10), iat: 1700000000 + this.int(1e6), n: this.alnum(8) });
    return `${header}.${payload}.${this.b64url(43)}`;
  }
}
