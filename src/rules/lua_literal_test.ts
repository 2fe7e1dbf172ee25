import { assertEquals } from "@ddcoterm/assert";
import { luaLiteral, luaString } from "./lua_literal.ts";

Deno.test("luaString escapes quotes, backslashes and control characters", () => {
  assertEquals(luaString('a"b\\c\nd\u0001e\u00e9'), '"a\\"b\\\\c\\nd\\001e\u00e9"');
});

Deno.test("luaLiteral writes arrays, records and nil", () => {
  assertEquals(
    luaLiteral({ a: ["x", true], b: undefined, c: 1.5 }),
    '{["a"] = {"x", true}, ["c"] = 1.5}',
  );
});
