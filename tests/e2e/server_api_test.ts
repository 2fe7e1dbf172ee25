/** The HTTP API on a real server (127.0.0.1, random port), against SQLite and PostgreSQL. */
import { assert, assertEquals } from "@ddcoterm/assert";
import { uuidv7 } from "../../src/core/ids.ts";
import { addUser, openStore, startServer, type Store } from "../../src/server/mod.ts";
import { POSTGRES_BIN, postgresUrl } from "../lib/postgres.ts";

const encoder = new TextEncoder();

async function sha(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

interface Fixture {
  url: string;
  admin: string;
  alice: string;
  bob: string;
  stop(): Promise<void>;
}

async function serve(
  openIt: () => Promise<Store>,
  limits = {},
): Promise<Fixture & { store: Store }> {
  const store = await openIt();
  const server = await startServer(store, { hostname: "127.0.0.1", port: 0, limits, webDir: null });
  const suffix = crypto.randomUUID().slice(0, 6);
  return {
    store,
    url: server.url,
    admin: (await addUser(store, `admin${suffix}`, "admin")).apiKey,
    alice: (await addUser(store, `alice${suffix}`, "member")).apiKey,
    bob: (await addUser(store, `bob${suffix}`, "member")).apiKey,
    stop: async () => {
      await server.shutdown();
      await store.close();
    },
  };
}

function api(f: { url: string }, key: string | null, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (key) headers.set("authorization", `Bearer ${key}`);
  return fetch(`${f.url}/api/v1${path}`, { ...init, headers });
}

async function putChunk(
  f: Fixture,
  key: string,
  id: string,
  stream: string,
  seq: number,
  text: string | Uint8Array,
  prev: string,
  claim?: string,
): Promise<{ status: number; sha: string }> {
  const body = typeof text === "string" ? encoder.encode(text) : text;
  const digest = await sha(body);
  const response = await api(f, key, `/sessions/${id}/streams/${stream}/chunks/${seq}`, {
    method: "PUT",
    body: body as Uint8Array<ArrayBuffer>,
    headers: { "x-chunk-sha256": claim ?? digest, "x-prev-sha256": prev },
  });
  await response.body?.cancel();
  return { status: response.status, sha: digest };
}

function meta(id: string, end: string | null = null) {
  return JSON.stringify({
    id,
    user: "alice",
    host: "web1",
    command: "bash",
    start: new Date().toISOString(),
    end,
    exitCode: end ? 0 : null,
  });
}

const HEADER = '{"version":3,"term":{"cols":40,"rows":5}}\n';

function apiSuite(name: string, open: () => Promise<Store>) {
  const test = (title: string, fn: (f: Fixture) => Promise<void>) =>
    Deno.test({
      name: `${name}: ${title}`,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const f = await serve(open, { maxChunkBytes: 64 * 1024 });
        try {
          await fn(f);
        } finally {
          await f.stop();
        }
      },
    });

  test("only health and sign-in answer without credentials", async (f) => {
    const health = await api(f, null, "/health");
    assertEquals(health.status, 200);
    await health.body?.cancel();
    for (const path of ["/sessions", "/search?q=a", "/events", "/users", "/audit"]) {
      const response = await api(f, null, path);
      assertEquals(response.status, 401, path);
      await response.body?.cancel();
    }
    const wrong = await api(f, "ddc_wrong", "/sessions");
    assertEquals(wrong.status, 401);
    await wrong.body?.cancel();
  });

  test("malformed, oversized and out-of-order chunks get a 4xx and change nothing", async (f) => {
    const id = uuidv7();
    const first = await putChunk(f, f.alice, id, "cast", 0, HEADER + '[0.1,"o","hi\\r\\n"]\n', "");
    assertEquals(first.status, 201);
    assertEquals(
      (await putChunk(f, f.alice, id, "cast", 0, HEADER + '[0.1,"o","hi\\r\\n"]\n', "")).status,
      200,
    );
    const bad = [
      await putChunk(f, f.alice, id, "cast", 0, HEADER + '[0.1,"o","other"]\n', ""),
      await putChunk(f, f.alice, id, "cast", 2, '[0.1,"o","x"]\n', first.sha),
      await putChunk(f, f.alice, id, "cast", 1, '[0.1,"o","x"]\n', "0".repeat(64)),
      await putChunk(f, f.alice, id, "cast", 1, '[0.1,"o","cut', first.sha),
      await putChunk(f, f.alice, id, "cast", 1, "{not json}\n", first.sha),
      await putChunk(f, f.alice, id, "cast", 1, '[0.1,"o","x"]\n', first.sha, "a".repeat(64)),
      await putChunk(f, f.alice, id, "cast", 1, new Uint8Array(64 * 1024 + 1).fill(10), first.sha),
      await putChunk(f, f.alice, id, "nope", 1, '[0.1,"o","x"]\n', first.sha),
      await putChunk(f, f.alice, "not-an-id", "cast", 0, HEADER, ""),
      await putChunk(f, f.bob, id, "cast", 1, '[0.1,"o","x"]\n', first.sha),
    ];
    for (const result of bad) {
      assert(result.status >= 400 && result.status < 500, `${result.status}`);
    }
    assertEquals(bad.map((r) => r.status), [409, 409, 409, 400, 400, 400, 413, 404, 400, 403]);
    const streams = await (await api(f, f.alice, `/sessions/${id}/streams`)).json();
    assertEquals(streams.streams.cast.nextSeq, 1);
    assertEquals(streams.streams.cast.lastSha256, first.sha);
  });

  test("a member cannot read another user's session; an admin can, and each view is audited", async (f) => {
    const id = uuidv7();
    const put = await api(f, f.alice, `/sessions/${id}/meta`, {
      method: "PUT",
      body: meta(id),
      headers: { "content-type": "application/json" },
    });
    assertEquals(put.status, 200);
    await put.body?.cancel();
    await putChunk(
      f,
      f.alice,
      id,
      "cast",
      0,
      HEADER + '[0.5,"o","needle in a haystack\\r\\n"]\n[0,"x","0"]\n',
      "",
    );
    for (
      const path of [
        `/sessions/${id}`,
        `/sessions/${id}/cast`,
        `/sessions/${id}/live`,
        `/sessions/${id}/events`,
      ]
    ) {
      const response = await api(f, f.bob, path);
      assertEquals(response.status, 404, path);
      await response.body?.cancel();
    }
    const bobSearch = await (await api(f, f.bob, "/search?q=needle")).json();
    assertEquals(bobSearch.hits.length, 0);
    const view = await api(f, f.admin, `/sessions/${id}`);
    assertEquals((await view.json()).user, "alice");
    const cast = await (await api(f, f.admin, `/sessions/${id}/cast`)).text();
    assert(cast.startsWith('{"version":3'));
    const search = await (await api(f, f.admin, "/search?q=needle")).json();
    assertEquals(search.hits[0].text, "needle in a haystack");
    assertEquals(search.hits[0].sessionId, id);
    const audit = await (await api(f, f.admin, `/audit?session=${id}`)).json();
    const actions = audit.records.map((r: { action: string }) => r.action);
    assert(actions.includes("session.view") && actions.includes("session.replay"), actions.join());
    const denied = await api(f, f.alice, "/audit");
    assertEquals(denied.status, 403);
    await denied.body?.cancel();
  });

  test("a web sign-in sets an HttpOnly SameSite cookie and unsafe requests need the CSRF token", async (f) => {
    const login = await api(f, null, "/auth/login", {
      method: "POST",
      body: JSON.stringify({ apiKey: f.admin }),
      headers: { "content-type": "application/json" },
    });
    assertEquals(login.status, 200);
    const cookie = login.headers.get("set-cookie")!;
    assert(/HttpOnly/.test(cookie) && /SameSite=Strict/.test(cookie), cookie);
    const { csrfToken } = await login.json();
    const headers = { cookie: cookie.split(";")[0], "content-type": "application/json" };
    const list = await api(f, null, "/users", { headers });
    assertEquals(list.status, 200);
    await list.body?.cancel();
    const body = JSON.stringify({ name: "carol", role: "member" });
    const noToken = await api(f, null, "/users", { method: "POST", headers, body });
    assertEquals(noToken.status, 403);
    await noToken.body?.cancel();
    const created = await api(f, null, "/users", {
      method: "POST",
      headers: { ...headers, "x-csrf-token": csrfToken },
      body,
    });
    assertEquals(created.status, 201);
    assert((await created.json()).apiKey.startsWith("ddc_"));
  });

  test("a replay starts near a time with the screen repainted, and live viewers see a late screen then new chunks", async (f) => {
    const id = uuidv7();
    let prev = "";
    const lines = Array.from({ length: 40 }, (_, i) => `[1,"o","line ${i}\\r\\n"]\n`);
    prev =
      (await putChunk(f, f.alice, id, "cast", 0, HEADER + lines.slice(0, 20).join(""), "")).sha;
    const live = await api(f, f.alice, `/sessions/${id}/live`);
    const reader = live.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = "";
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 5000;
      while (!pattern.test(received)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in ${received.slice(0, 400)}`);
        const { value, done } = await reader.read();
        if (done) throw new Error("live stream ended");
        received += value;
      }
    };
    await until(/event: snapshot\ndata: .*\n\n/);
    const snapshot = JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(received)![1]);
    assertEquals(snapshot.screen.lines.at(-1), "line 19");
    const started = Date.now();
    await putChunk(f, f.alice, id, "cast", 1, lines.slice(20).join(""), prev);
    await until(/event: cast\ndata: .*line 39/);
    assert(Date.now() - started < 1000, "followed within a second");
    await reader.cancel();
    const from = await api(f, f.alice, `/sessions/${id}/cast?from=25`);
    assertEquals(from.headers.get("x-ddcoterm-start-seq"), "0");
    const text = await from.text();
    assert(text.includes("line 39"));
  });
}

apiSuite(
  "server api on sqlite",
  () => openStore({ dataDir: Deno.makeTempDirSync({ prefix: "ddcoterm-api-" }) }),
);

if (POSTGRES_BIN) {
  apiSuite(
    "server api on postgres",
    async () => openStore({ dataDir: "", databaseUrl: await postgresUrl() }),
  );

  Deno.test({
    name: "two server instances on one PostgreSQL serve the same data and relay live views",
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const url = await postgresUrl();
      const a = await serve(() => openStore({ dataDir: "", databaseUrl: url }));
      const storeB = await openStore({ dataDir: "", databaseUrl: url });
      const b = await startServer(storeB, { hostname: "127.0.0.1", port: 0, webDir: null });
      try {
        const id = uuidv7();
        const first = await putChunk(
          a,
          a.alice,
          id,
          "cast",
          0,
          HEADER + '[0.1,"o","from A\\r\\n"]\n',
          "",
        );
        const live = await api({ url: b.url }, a.alice, `/sessions/${id}/live`);
        const reader = live.body!.pipeThrough(new TextDecoderStream()).getReader();
        let received = "";
        while (!received.includes("event: snapshot")) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`the live stream ended before a snapshot: ${received}`);
          received += value;
        }
        const started = Date.now();
        await putChunk(a, a.alice, id, "cast", 1, '[0.1,"o","more from A\\r\\n"]\n', first.sha);
        while (!received.includes("more from A")) {
          const { value, done } = await reader.read();
          if (done) throw new Error("live stream ended");
          received += value;
        }
        assert(Date.now() - started < 1000, "followed within a second across instances");
        await reader.cancel();
        const viaB = await (await api({ url: b.url }, a.alice, `/sessions/${id}/streams`)).json();
        assertEquals(viaB.streams.cast.nextSeq, 2);
      } finally {
        await b.shutdown();
        await storeB.close();
        await a.stop();
      }
    },
  });
}
