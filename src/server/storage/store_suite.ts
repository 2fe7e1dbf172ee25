/** One behaviour suite for the store, run against SQLite and PostgreSQL alike. */
import { assert, assertEquals, assertRejects } from "@ddcoterm/assert";
import { uuidv7 } from "../../core/ids.ts";
import { parseEventQuery } from "../index/query.ts";
import type { Store } from "./store.ts";
import type { Viewer } from "./types.ts";

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const encoder = new TextEncoder();

function meta(id: string, user: string, end: string | null = null) {
  return {
    id,
    user,
    host: "web1",
    cwd: "/",
    command: "bash",
    start: new Date().toISOString(),
    end,
    durationSeconds: end ? 2 : null,
    exitCode: end ? 0 : null,
    redactions: 1,
    actions: ["record"],
  };
}

/** Sends `texts` as chunks 0.. of a stream, each naming the previous one's hash. */
async function send(
  store: Store,
  owner: Viewer,
  id: string,
  stream: "cast" | "events",
  texts: string[],
  firstSeq = 0,
  prev = "",
): Promise<string> {
  for (const [i, text] of texts.entries()) {
    const body = encoder.encode(text);
    const sha256 = await sha256Hex(body);
    await store.putChunk(
      owner,
      id,
      stream,
      { seq: firstSeq + i, sha256, prevSha256: prev },
      body,
      0,
    );
    prev = sha256;
  }
  return prev;
}

const HEADER = '{"version":3,"term":{"cols":20,"rows":3}}\n';

export function storeSuite(
  name: string,
  open: () => Promise<Store>,
  reopen?: (store: Store) => Promise<Store>,
) {
  const test = (title: string, fn: (store: Store) => Promise<void>) =>
    Deno.test({
      name: `${name}: ${title}`,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const store = await open();
        try {
          await fn(store);
        } finally {
          await store.close();
        }
      },
    });

  async function users(store: Store) {
    const alice = await store.createUser(`alice${crypto.randomUUID().slice(0, 6)}`, "member");
    const bob = await store.createUser(`bob${crypto.randomUUID().slice(0, 6)}`, "member");
    const admin = await store.createUser(`root${crypto.randomUUID().slice(0, 6)}`, "admin");
    return { alice, bob, admin };
  }

  test("stores chunks in order, indexes the transcript and finds it by word", async (store) => {
    const { alice } = await users(store);
    const id = uuidv7();
    await store.putMeta(alice, id, meta(id, alice.name), Date.now());
    await send(store, alice, id, "cast", [
      HEADER + '[0.5,"o","hello world\\r\\n"]\n',
      '[0.5,"o","one\\r\\ntwo\\r\\nthree\\r\\n"]\n[1,"x","0"]\n',
    ]);
    const streams = (await store.streams(id))!;
    assertEquals(streams.cast.nextSeq, 2);
    const hits = await store.searchLines(alice, { query: "hello", limit: 10 });
    assertEquals(hits.length, 1);
    assertEquals(hits[0].text, "hello world");
    assertEquals(hits[0].sessionId, id);
    assert(hits[0].t >= 0.5 && hits[0].t <= 2, `time ${hits[0].t}`);
    assertEquals(hits[0].context.map((c) => c.text).slice(0, 3), ["hello world", "one", "two"]);
    const final = await store.searchLines(alice, { query: "three", limit: 10 });
    assertEquals(final.length, 1, "the final screen is indexed at the exit event");
  });

  test("the same chunk again changes nothing; a different body, a gap or a wrong chain is refused", async (store) => {
    const { alice } = await users(store);
    const id = uuidv7();
    const first = encoder.encode(HEADER + '[0.1,"o","a\\r\\n"]\n');
    const sha = await sha256Hex(first);
    const put = (seq: number, body: Uint8Array, sha256: string, prevSha256: string) =>
      store.putChunk(alice, id, "cast", { seq, sha256, prevSha256 }, body, 0);
    assertEquals((await put(0, first, sha, "")).result, "created");
    assertEquals((await put(0, first, sha, "")).result, "duplicate");
    const other = encoder.encode(HEADER + '[0.1,"o","b\\r\\n"]\n');
    await assertRejects(() => put(0, other, "f".repeat(64), ""));
    const next = encoder.encode('[0.1,"o","c\\r\\n"]\n');
    const nextSha = await sha256Hex(next);
    await assertRejects(() => put(2, next, nextSha, sha));
    await assertRejects(() => put(1, next, nextSha, "0".repeat(64)));
    await assertRejects(() => put(1, encoder.encode('[0.1,"o","cut'), nextSha, sha));
    await assertRejects(() => put(1, encoder.encode("not json\n"), nextSha, sha));
    const streams = (await store.streams(id))!;
    assertEquals(streams.cast, { nextSeq: 1, lastSha256: sha, bytes: first.length });
    assertEquals((await store.listChunks(id, "cast")).length, 1);
    assertEquals((await put(1, next, nextSha, sha)).result, "created");
  });

  test("a member sees only their own sessions; an admin sees all", async (store) => {
    const { alice, bob, admin } = await users(store);
    const id = uuidv7();
    await store.putMeta(alice, id, meta(id, alice.name), Date.now());
    await send(store, alice, id, "cast", [HEADER + '[0.1,"o","secretword\\r\\n"]\n[0,"x","0"]\n']);
    assertEquals(await store.session(bob, id), undefined);
    assert(await store.session(alice, id));
    assert(await store.session(admin, id));
    assertEquals((await store.searchLines(bob, { query: "secretword", limit: 5 })).length, 0);
    assertEquals((await store.searchLines(admin, { query: "secretword", limit: 5 })).length, 1);
    const bobList = await store.listSessions(bob, { limit: 10, offset: 0 });
    assertEquals(bobList.sessions.filter((s) => s.id === id).length, 0);
    await assertRejects(() => store.putMeta(bob, id, meta(id, bob.name), Date.now()));
  });

  test("a member's search pages newest first through their sessions only, interleaved with others'", async (store) => {
    const { alice, bob, admin } = await users(store);
    const [a1, b1, a2] = [uuidv7(), uuidv7(), uuidv7()];
    for (const [owner, id] of [[alice, a1], [bob, b1], [alice, a2]] as const) {
      await store.putMeta(owner, id, meta(id, owner.name), Date.now());
    }
    // Chunks from the three sessions alternate, so their line ids interleave.
    const line = (who: string, n: number) => `[0.1,"o","needle ${who} ${n}\\r\\n"]\n`;
    const prev: Record<string, string> = { [a1]: "", [b1]: "", [a2]: "" };
    for (let seq = 0; seq < 3; seq++) {
      for (
        const [owner, id, who] of [[alice, a1, "a1"], [bob, b1, "b1"], [alice, a2, "a2"]] as const
      ) {
        const text = (seq === 0 ? HEADER : "") + line(who, seq) +
          (seq === 2 ? '[0,"x","0"]\n' : "");
        prev[id] = await send(store, owner, id, "cast", [text], seq, prev[id]);
      }
    }
    const first = await store.searchLines(alice, { query: "needle", limit: 3, context: 0 });
    assert(first.every((h) => h.sessionId !== b1), "no line of bob's session");
    assert(first.every((h, i) => i === 0 || h.id < first[i - 1].id), "newest first");
    const rest = await store.searchLines(alice, {
      query: "needle",
      limit: 10,
      beforeId: first.at(-1)!.id,
      context: 0,
    });
    const texts = [...first, ...rest].map((h) => h.text).sort();
    assertEquals(texts, [0, 1, 2].flatMap((n) => [`needle a1 ${n}`, `needle a2 ${n}`]).sort());
    assertEquals((await store.searchLines(bob, { query: "needle", limit: 10 })).length, 3);
    assertEquals((await store.searchLines(admin, { query: "needle", limit: 10 })).length, 9);
  });

  test("events are indexed and queried with fields, facets and a histogram", async (store) => {
    const { alice, admin } = await users(store);
    const id = uuidv7();
    await store.putMeta(alice, id, meta(id, alice.name), Date.now());
    const line = (o: Record<string, unknown>) => JSON.stringify(o) + "\n";
    await send(store, alice, id, "events", [
      line({ t: 1, type: "exec", path: "/usr/bin/kubectl", argv: ["kubectl", "get", "pods"] }) +
      line({ t: 2, type: "exec", path: "/bin/ls", argv: ["ls"] }),
      line({ t: 3, type: "break_glass", reason: "outage" }),
    ]);
    const result = await store.queryEvents(
      admin,
      parseEventQuery(`source:coterm_process_info executable:kubectl session:${id}`),
      { limit: 10, facets: true, buckets: 10 },
    );
    assertEquals(result.total, 1);
    assertEquals(result.events[0].data.argv, ["kubectl", "get", "pods"]);
    assertEquals(result.facets.executable, [{ value: "kubectl", count: 1 }]);
    assertEquals(result.histogram.reduce((n, b) => n + b.count, 0), 1);
    const text = await store.queryEvents(admin, parseEventQuery(`outage session:${id}`), {
      limit: 10,
      facets: false,
      buckets: 10,
    });
    assertEquals(text.events.map((e) => e.type), ["break_glass"]);
    const list = await store.listSessions(admin, { breakGlass: true, limit: 50, offset: 0 });
    assert(list.sessions.some((s) => s.id === id));
  });

  test("a replay can start from the chunk before a given time", async (store) => {
    const { alice } = await users(store);
    const id = uuidv7();
    await send(store, alice, id, "cast", [
      HEADER + '[1,"o","first\\r\\n"]\n',
      '[1,"o","second\\r\\n"]\n',
    ]);
    const start = (await store.seekPoint(id, 1.5))!;
    assertEquals(start.seq, 0);
    assertEquals(start.header, HEADER.trimEnd());
    const chunks = await store.listChunks(id, "cast");
    assertEquals(chunks.map((c) => [c.tFirst, c.tLast]), [[1, 1], [2, 2]]);
  });

  if (reopen) {
    test("indexing resumes after a restart from the stored screen", async (store) => {
      const { alice } = await users(store);
      const id = uuidv7();
      const prev = await send(store, alice, id, "cast", [HEADER + '[1,"o","alpha\\r\\nbeta"]\n']);
      const again = await reopen(store);
      try {
        await send(again, alice, id, "cast", ['[1,"o","\\r\\ngamma\\r\\ndelta\\r\\n"]\n'], 1, prev);
        const hits = await again.searchLines(alice, { query: "beta", limit: 5, sessionId: id });
        assertEquals(hits.map((h) => h.text), ["beta"]);
        const live = await again.liveState(id);
        assertEquals(live.state!.screen.lines, ["gamma", "delta"]);
      } finally {
        await again.close();
      }
    });
  }
}
