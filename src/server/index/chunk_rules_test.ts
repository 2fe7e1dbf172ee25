import { assertEquals } from "@ddcoterm/assert";
import { decideChunk } from "./chunk_rules.ts";

const A = "a".repeat(64);
const B = "b".repeat(64);

Deno.test("chunk rules append the next chunk whose previous hash matches", () => {
  assertEquals(
    decideChunk({ nextSeq: 0, lastSha256: "" }, { seq: 0, sha256: A, prevSha256: "" }, undefined)
      .kind,
    "append",
  );
  assertEquals(
    decideChunk({ nextSeq: 1, lastSha256: A }, { seq: 1, sha256: B, prevSha256: A }, undefined)
      .kind,
    "append",
  );
});

Deno.test("chunk rules treat the same chunk again as a duplicate and a different body as a conflict", () => {
  assertEquals(
    decideChunk({ nextSeq: 1, lastSha256: A }, { seq: 0, sha256: A, prevSha256: "" }, A).kind,
    "duplicate",
  );
  assertEquals(
    decideChunk({ nextSeq: 1, lastSha256: A }, { seq: 0, sha256: B, prevSha256: "" }, A).kind,
    "reject",
  );
});

Deno.test("chunk rules reject a gap and a wrong previous hash", () => {
  const gap = decideChunk(
    { nextSeq: 1, lastSha256: A },
    { seq: 2, sha256: B, prevSha256: A },
    undefined,
  );
  assertEquals(gap.kind === "reject" && gap.status, 409);
  const chain = decideChunk(
    { nextSeq: 1, lastSha256: A },
    { seq: 1, sha256: B, prevSha256: B },
    undefined,
  );
  assertEquals(chain.kind, "reject");
});
