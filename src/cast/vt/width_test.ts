import { assertEquals } from "@ddcoterm/assert";
import { charWidth } from "./width.ts";

const width = (text: string) => charWidth(text.codePointAt(0)!);

Deno.test("latin letters and symbols take one cell", () => {
  for (const char of ["a", "é", "ß", "Ж", "✓", "─", "\ufffd"]) assertEquals(width(char), 1, char);
});

Deno.test("East Asian wide characters and emoji take two cells", () => {
  for (const char of ["日", "한", "ｶ".normalize("NFKC"), "Ａ", "😀", "🚀", "👍", "⌚", "𠀋"]) {
    assertEquals(width(char), 2, char);
  }
});

Deno.test("combining marks, joiners and variation selectors take no cell", () => {
  for (const char of ["\u0301", "\u200d", "\ufe0f", "\u20e3", "\u{1f3fd}", "\u0e31"]) {
    assertEquals(width(char), 0, char.codePointAt(0)!.toString(16));
  }
});
