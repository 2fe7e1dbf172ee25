import { assertEquals } from "@ddcoterm/assert";
import { type VtHandler, VtParser } from "./parser.ts";

/** Records what the parser reports, as short strings. */
function tokens(...writes: string[]): string[] {
  const out: string[] = [];
  const handler: VtHandler = {
    print: (text, start, end) => out.push(`print ${text.slice(start, end)}`),
    execute: (code) => out.push(`execute ${code.toString(16)}`),
    escape: (final, intermediates) => out.push(`esc ${intermediates}${String.fromCharCode(final)}`),
    csi: (final, params, count, marker, intermediates) => {
      const list = [...params.subarray(0, count)].join(",");
      const prefix = marker ? String.fromCharCode(marker) : "";
      out.push(`csi ${prefix}${list}${intermediates}${String.fromCharCode(final)}`);
    },
  };
  const parser = new VtParser(handler);
  for (const text of writes) parser.parse(text);
  return out;
}

Deno.test("printable runs, controls and sequences are told apart", () => {
  assertEquals(tokens("ab\r\ncd\x1b[1;2Hé"), [
    "print ab",
    "execute d",
    "execute a",
    "print cd",
    "csi 1,2H",
    "print é",
  ]);
});

Deno.test("left-out CSI parameters are -1 and private markers are reported", () => {
  assertEquals(tokens("\x1b[;5H\x1b[H\x1b[?1049h\x1b[>4;1m\x1b[!p"), [
    "csi -1,5H",
    "csi H",
    "csi ?1049h",
    "csi >4,1m",
    "csi !p",
  ]);
});

Deno.test("a marker after a parameter makes the sequence ignored", () => {
  assertEquals(tokens("\x1b[1?hx"), ["print x"]);
});

Deno.test("huge parameters are clamped and extra parameters dropped", () => {
  assertEquals(tokens("\x1b[99999999A"), ["csi 65535A"]);
  assertEquals(tokens(`\x1b[${"1;".repeat(30)}m`).length, 1);
});

Deno.test("escape sequences with intermediates are reported whole", () => {
  assertEquals(tokens("\x1b(0\x1b#8\x1b7"), ["esc (0", "esc #8", "esc 7"]);
});

Deno.test("string payloads are skipped and ST arrives as an escape", () => {
  assertEquals(tokens("\x1b]0;t\x07a\x1b]2;t\x1b\\b\x1bPdata\x1b\\c"), [
    "print a",
    "esc \\",
    "print b",
    "esc \\",
    "print c",
  ]);
});

Deno.test("a sequence split across writes is reassembled", () => {
  assertEquals(tokens("\x1b", "[", "1", "2", ";3", "H", "\x1b]0;ti", "tle\x07x"), [
    "csi 12,3H",
    "print x",
  ]);
});

Deno.test("C1 controls in UTF-8 form introduce sequences too", () => {
  assertEquals(tokens("\u009b2J\u009d0;t\u009cx\u0085"), ["csi 2J", "print x", "execute 85"]);
});

Deno.test("a non-ASCII character breaks a sequence and is printed", () => {
  assertEquals(tokens("\x1b[1é"), ["print é"]);
});
