import { assert, assertEquals } from "@ddcoterm/assert";
import { hashPassword, newApiKey, parseCookies, sha256Hex, verifyPassword } from "./auth.ts";

Deno.test("passwords verify against their scrypt hash and nothing else", async () => {
  const stored = await hashPassword("correct horse");
  assert(stored.startsWith("scrypt$"));
  assert(await verifyPassword("correct horse", stored));
  assert(!(await verifyPassword("wrong horse", stored)));
});

Deno.test("API keys are random and stored only as their SHA-256", () => {
  const a = newApiKey();
  const b = newApiKey();
  assert(a.key !== b.key);
  assertEquals(a.hash, sha256Hex(a.key));
  assert(a.key.startsWith(a.prefix));
});

Deno.test("cookies are read from a Cookie header", () => {
  assertEquals(parseCookies("a=1; ddcoterm_session=xyz").get("ddcoterm_session"), "xyz");
});
