import { assertEquals } from "@ddcoterm/assert";
import { Terminal } from "../../cast/vt/terminal.ts";
import { captureScreen, restoreTerminal } from "./screen.ts";

Deno.test("a restored terminal shows the same screen and goes on reporting lines", () => {
  const lines: string[] = [];
  const original = new Terminal({ cols: 20, rows: 3, onLine: (text) => lines.push(text) });
  original.write("one\r\ntwo\r\nthree\r\nfour");
  const screen = captureScreen(original);
  assertEquals(screen.lines, ["two", "three", "four"]);
  const restored = restoreTerminal(screen, (text) => lines.push(text));
  assertEquals(captureScreen(restored), screen);
  restored.write("\r\nfive");
  assertEquals(lines, ["one", "two"]);
});
