import { assert, assertEquals } from "@ddcoterm/assert";
import { editedView } from "./edit.ts";
import { Gen } from "./gen.ts";
import { bytesOf, leakedPiece, runBytewise, runSplit, runWhole } from "./testing.ts";

const g = new Gen(23);

function allModes(text: string): string {
  const input = bytesOf(text);
  const whole = runWhole(input).output;
  const step = Math.max(1, Math.floor(input.length / 150));
  for (let cut = 1; cut < input.length; cut += step) {
    assertEquals(runSplit(input, [cut]).output, whole, `split at ${cut}`);
  }
  assertEquals(runBytewise(input).output, whole, "byte by byte");
  return whole;
}

Deno.test("the shown text applies backspaces, cursor moves and erasures", () => {
  assertEquals(editedView("abx\b \bcd").text, "abcd");
  assertEquals(editedView("abx\b\x1b[Kcd").text, "abcd");
  assertEquals(editedView("hello\x1b[3Dy\x1b[K").text, "hey");
  assertEquals(editedView("ab\x1b[1Gz").text, "zb");
  assertEquals(editedView("abcd\x1b[3D\x1b[2P").text, "ad");
  assertEquals(editedView("ac\b\x1b[@b").text, "abc");
  const v = editedView("ab\bB");
  assertEquals(v.text, "aB");
  assertEquals(v.owners, [[0], [1, 3]]);
});

Deno.test("a token typed with a corrected typo is masked", () => {
  const tok = "ghp_" + g.crcToken();
  const cut = 17;
  for (const erase of ["\b \b", "\b\x1b[K"]) {
    const text = `$ export GITHUB_TOKEN=${tok.slice(0, cut)}Q${erase}${tok.slice(cut)}\r\n`;
    const out = allModes(text);
    assertEquals(leakedPiece(out, tok), null, JSON.stringify(out));
    assert(runWhole(bytesOf(text)).findings.length > 0);
  }
});

Deno.test("a secret redrawn by a highlighter after every key is masked in all its copies", () => {
  const tok = "sk_live_" + g.alnum(32);
  let text = "$ export STRIPE_KEY=";
  for (let i = 1; i <= tok.length; i++) {
    // Echo of the key, then the word stepped back over and drawn again in colour.
    text += tok[i - 1] + "\b".repeat(i) + `\x1b[32m${tok.slice(0, i)}\x1b[39m`;
  }
  text += "\r\n";
  const out = allModes(text);
  assertEquals(leakedPiece(out, tok.slice(8)), null);
  for (let k = 0; k + 8 <= tok.length - 8; k++) assert(!out.includes(tok.slice(8 + k, 16 + k)));
});

Deno.test("a password redrawn with CSI cursor-back moves is masked", () => {
  const pw = g.password(16);
  const text = `mysql -uroot -p${pw.slice(0, 6)}\x1b[6D${pw.slice(0, 6)}${pw.slice(6)} shop\r\n`;
  assertEquals(leakedPiece(allModes(text), pw), null);
});

Deno.test("overstruck man-page text without secrets passes", () => {
  const text =
    "N\bNA\bAM\bME\bE\n     ls - list directory contents\n  -\b-p\bpa\bas\bss\bsw\bwo\bor\brd\bd\n";
  assertEquals(allModes(text), text);
});

Deno.test("a token typed into a line editor that redraws the whole line is masked in every copy", () => {
  const tok = "ghp_" + g.crcToken();
  let text = "";
  const cmd = `gh auth login --hostname example.com --with-token ${tok}`;
  for (let i = 1; i <= cmd.length; i++) text += `\r\x1b[K\x1b[1;32m$\x1b[0m ${cmd.slice(0, i)}`;
  text += "\r\n";
  const out = allModes(text);
  for (let k = 4; k + 8 <= tok.length; k++) {
    assert(
      !out.includes(tok.slice(k, k + 8)),
      `${tok.slice(k, k + 8)} in ${JSON.stringify(out.slice(-300))}`,
    );
  }
});

Deno.test("a progress line redrawn with carriage returns passes unchanged", () => {
  let text = "$ pip download token-bucket\r\n";
  for (let p = 0; p <= 100; p += 10) {
    text += `\rtoken_bucket-0.3.tar.gz ${p}% |${"#".repeat(p / 10)}|`;
  }
  text += "\r\n";
  assertEquals(allModes(text), text);
});
