import { assert, assertEquals } from "@ddcoterm/assert";
import { type Chunk, type Expr, isWellFormed, parseSnippet } from "./subset_syntax.ts";

/** The single returned expression of a snippet read in the expression form. */
function returned(source: string): Expr[] {
  const chunk = parseSnippet(source);
  assert(chunk, `expected ${JSON.stringify(source)} to parse`);
  const [stat] = chunk.body;
  assert(chunk.body.length === 1 && stat.k === "return", "a single return");
  return stat.values;
}

function constant(source: string): unknown {
  const [e] = returned(source);
  assert(e.k === "const", `a constant: ${JSON.stringify(e)}`);
  return e.v;
}

const call = (name: string, arg: string): Expr => ({
  k: "call",
  fn: { k: "global", name },
  args: [{ k: "const", v: arg }],
});

Deno.test("a snippet is read as an expression first, as `return <source>`", () => {
  assertEquals(returned("has_arg('x')"), [call("has_arg", "x")]);
  assertEquals(returned("true, 'a'"), [{ k: "const", v: true }, { k: "const", v: "a" }]);
  // `return` alone returns nothing; so do an empty snippet and a lone semicolon.
  assertEquals(returned(""), []);
  assertEquals(returned("  ;  -- nothing"), []);
});

Deno.test("the chunk form is tried only when the expression form is a syntax error", () => {
  const chunk = parseSnippet("local x = 1\nif x then return x end") as Chunk;
  assertEquals(chunk.slots, 1);
  assertEquals(chunk.body.map((stat) => stat.k), ["local", "if"]);
  // Lua reads `return x = 1` as an error, then the chunk is an assignment: outside the subset.
  assertEquals(parseSnippet("x = 1"), undefined);
  // Not a syntax error in the expression form, so the chunk form is never considered.
  assertEquals(parseSnippet("1 + 1"), undefined);
  // A syntax error in both forms: Lua reports it, so the subset does not decide.
  assertEquals(parseSnippet("if then"), undefined);
  assertEquals(parseSnippet("return 1 return 2"), undefined);
  assertEquals(parseSnippet("has_arg('a') has_arg('b')"), undefined);
});

Deno.test("operators bind as in Lua", () => {
  // not binds tighter than ==; .. tighter than comparisons, and to the right.
  assertEquals(returned("not a == b"), [{
    k: "==",
    a: { k: "not", e: { k: "global", name: "a" } },
    b: { k: "global", name: "b" },
  }]);
  assertEquals(returned("'a' .. 'b' .. 'c' == x"), [{
    k: "==",
    a: {
      k: "concat",
      a: { k: "const", v: "a" },
      b: { k: "concat", a: { k: "const", v: "b" }, b: { k: "const", v: "c" } },
    },
    b: { k: "global", name: "x" },
  }]);
  const [orAnd] = returned("a or b and c");
  assert(orAnd.k === "or" && orAnd.b.k === "and");
  const [length] = returned("#s .. 'x'");
  assert(length.k === "concat" && length.a.k === "len");
});

Deno.test("string escapes give Lua's characters; byte escapes above 127 are left to Lua", () => {
  assertEquals(constant("'\\65\\x42\\u{43}\\z   \n  D\\n\\t\\\\'"), "ABCD\n\t\\");
  assertEquals(constant('"a\\\nb"'), "a\nb");
  assertEquals(constant("'\\u{1F600}'"), "😀");
  assertEquals(constant("'\\0'"), "\0");
  assertEquals(constant("'é'"), "é");
  for (const source of ["'\\xff'", "'\\200'", "'\\u{D800}'", "'\\q'", "'open", "'a\nb'"]) {
    assertEquals(parseSnippet(source), undefined, source);
  }
});

Deno.test("comments are skipped; long comments and long strings are left to Lua", () => {
  assertEquals(constant("true -- why"), true);
  assertEquals(constant("--[ not long\ntrue"), true);
  assertEquals(constant("--[= not long either\r\ntrue"), true);
  assertEquals(parseSnippet("--[[ long ]] true"), undefined);
  assertEquals(parseSnippet(`--[${"=".repeat(80)}[ long ]${"=".repeat(80)}] true`), undefined);
  assertEquals(parseSnippet("has_arg[[x]]"), undefined);
});

Deno.test("only decimal integers are numbers here", () => {
  assertEquals(constant("42"), 42);
  for (const source of ["1.5", ".5", "0x10", "1e3", "3x", "1..2", "9007199254740993"]) {
    assertEquals(parseSnippet(source), undefined, source);
  }
  assertEquals(returned("1 .. 2").length, 1);
});

Deno.test("locals are scoped to their block and visible after their statement", () => {
  const chunk = parseSnippet("local x = x\nif true then local x = 2 end\nreturn x") as Chunk;
  const [first, , last] = chunk.body;
  assert(first.k === "local" && last.k === "return");
  // The initializer reads the global; the return reads the outer local, not the inner one.
  assertEquals(first.values, [{ k: "global", name: "x" }]);
  assertEquals(last.values, [{ k: "local", slot: 0 }]);
});

Deno.test("constructs outside the subset are unsupported", () => {
  for (
    const source of [
      "function() end",
      "{}",
      "...",
      "~x",
      "a // b",
      "local function f() end return 1",
      "local x <const> = 1 return x",
      "for i = 1, 2 do end return 1",
      "while true do end",
      "do return 1 end",
      "goto x",
      "x() y()",
      "_ENV",
      "local _ENV = {} return x",
      "a ! b",
      "\uFEFFtrue",
    ]
  ) {
    assertEquals(parseSnippet(source), undefined, source);
  }
});

Deno.test("sources Lua would see differently or that near Lua's limits are left to Lua", () => {
  // wasmoon passes the source as a C string: a NUL cuts it; lone surrogates are garbled.
  assertEquals(parseSnippet("true\0 or error()"), undefined);
  assertEquals(parseSnippet("'\uD800'"), undefined);
  assertEquals(parseSnippet("(".repeat(60) + "true" + ")".repeat(60)), undefined);
  assertEquals(returned("(".repeat(10) + "true" + ")".repeat(10)).length, 1);
  const many = Array.from({ length: 101 }, (_, i) => `local v${i} = ${i}`).join("\n");
  assertEquals(parseSnippet(many + "\nreturn v1"), undefined);
  assertEquals(parseSnippet(`return has_arg(${"'a', ".repeat(200)}'a')`), undefined);
  assert(parseSnippet(`return has_arg(${"'a', ".repeat(20)}'a')`));
});

Deno.test("isWellFormed finds lone surrogates only", () => {
  assert(isWellFormed("plain é 日本 😀"));
  assert(!isWellFormed("a\uD800"));
  assert(!isWellFormed("\uDC00b"));
  assert(!isWellFormed("\uDE00\uD83D"));
});
