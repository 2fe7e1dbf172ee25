/**
 * The server under load, on SQLite, against a real `ddcoterm server` process:
 *
 * 1. ingest: 20 sessions uploaded at once by the real client (`SessionUploader`), each a
 *    recorded-looking asciicast v3 of mixed output; MB/s, chunks/s, chunk PUT latency.
 * 2. search: ≥ 1 GB of transcript text in the store (what the uploads indexed, topped up by
 *    inserting transcript lines straight into `lines`, whose trigger feeds FTS5), then ~100
 *    queries through GET /api/v1/search; p50/p95/p99.
 * 3. replay: one 500 MB cast uploaded, then GET …/cast?from=<middle> and ?from=0 timed to the
 *    first byte and to the seek point's data.
 *
 *   deno run -A bench/server.ts [--quick]
 */
/// <reference path="../src/server/sqlite/node_sqlite.d.ts" />
import { DatabaseSync } from "node:sqlite";
import { uuidv7 } from "../src/core/ids.ts";
import { SessionUploader } from "../src/upload/mod.ts";
import { HOSTS, Output, rng, WORDS, writeSession } from "./session_gen.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const quick = Deno.args.includes("--quick");
const MB = 1024 * 1024;
const SIZES = quick
  ? { sessions: 20, sessionBytes: 2 * MB, replayBytes: 40 * MB, searchBytes: 120 * MB }
  : { sessions: 20, sessionBytes: 20 * MB, replayBytes: 500 * MB, searchBytes: 1024 * MB };

const tmp = await Deno.makeTempDir({ prefix: "ddcoterm-bench-server-" });
const home = `${tmp}/home`;
const dataDir = `${tmp}/data`;
const env: Record<string, string> = {
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  HOME: tmp,
  DDCOTERM_HOME: home,
};

// ---- the server ----

function ddcoterm(...args: string[]): string[] {
  return [Deno.execPath(), "run", "-A", "--quiet", "--no-check", `${ROOT}/main.ts`, ...args];
}

async function cli(...args: string[]): Promise<string> {
  const argv = ddcoterm(...args);
  const out = await new Deno.Command(argv[0], { args: argv.slice(1), env, clearEnv: true })
    .output();
  if (!out.success) throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

let port = 0;
let server: Deno.ChildProcess | undefined;
const url = () => `http://127.0.0.1:${port}`;

async function startServer(): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const argv = ddcoterm("server", "--listen", `127.0.0.1:${port}`, "--data", dataDir);
  server = new Deno.Command(argv[0], {
    args: argv.slice(1),
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  for (let i = 0; i < 300; i++) {
    try {
      const response = await fetch(`${url()}/api/v1/health`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not answer");
}

async function stopServer(): Promise<void> {
  if (!server) return;
  server.kill("SIGTERM");
  await server.status;
  server = undefined;
}

async function api(key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url()}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

// ---- numbers ----

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

function dbTextBytes(): { lines: number; bytes: number } {
  const db = new DatabaseSync(`${dataDir}/ddcoterm.db`, { readOnly: true });
  try {
    const row = db.prepare("SELECT COUNT(*) AS n, SUM(LENGTH(CAST(text AS BLOB))) AS b FROM lines")
      .get() as { n: number; b: number | null };
    return { lines: Number(row.n), bytes: Number(row.b ?? 0) };
  } finally {
    db.close();
  }
}

/** A fetch that records each chunk PUT's latency (request sent → answer read). */
function timedFetch(latencies: number[], done: { at: number; bytes: number }[]): typeof fetch {
  return async (input, init) => {
    const isChunk = init?.method === "PUT" && String(input).includes("/chunks/");
    const start = performance.now();
    const response = await fetch(input, init);
    if (!isChunk) return response;
    const body = await response.arrayBuffer();
    const end = performance.now();
    latencies.push(end - start);
    done.push({ at: end, bytes: (init!.body as Uint8Array).length });
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

// ---- the run ----

const report: string[] = [];
const say = (line: string) => {
  console.log(line);
  report.push(line);
};

try {
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  say(`date ${new Date().toISOString()}, ${navigator.hardwareConcurrency} CPUs, load ${load}`);
  say(`mode: ${quick ? "quick" : "full"}, SQLite, data in ${tmp}`);

  const admin = JSON.parse(
    await cli("server", "user", "add", "root", "--role", "admin", "--data", dataDir, "--json"),
  )
    .apiKey as string;
  await startServer();

  // 1. ingest
  const t0 = performance.now();
  const users: string[] = [];
  const dirs: string[] = [];
  const rareIds: string[] = [];
  for (let i = 0; i < SIZES.sessions; i++) {
    const name = `user${i}`;
    users.push((await api(admin, "POST", "/users", { name, role: "member" })).apiKey);
    const dir = `${home}/sessions/${uuidv7()}`;
    dirs.push(dir);
    rareIds.push(...(await writeSession(dir, SIZES.sessionBytes, 1000 + i, name)).ids);
  }
  say(
    `prepared ${SIZES.sessions} × ${mb(SIZES.sessionBytes)} MB casts in ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const latencies: number[] = [];
  const done: { at: number; bytes: number }[] = [];
  const start = performance.now();
  const results = await Promise.all(
    dirs.map((dir, i) =>
      new SessionUploader(dir, { url: url(), apiKey: users[i] }, {
        fetch: timedFetch(latencies, done),
      }).pump()
    ),
  );
  const elapsed = (performance.now() - start) / 1000;
  if (!results.every((r) => r)) throw new Error("an upload did not complete");
  const bytes = done.reduce((n, d) => n + d.bytes, 0);
  // Sustained: 5 s windows while all 20 still upload (before the first one finishes).
  const windows: number[] = [];
  for (let w = start; w + 5000 <= start + elapsed * 1000; w += 5000) {
    windows.push(done.filter((d) => d.at >= w && d.at < w + 5000).reduce((n, d) => n + d.bytes, 0));
  }
  say(`\n### 1. ingest, ${SIZES.sessions} concurrent uploads (real client, 1 MiB chunks)\n`);
  say(
    `| total | wall | MB/s | chunks/s | PUT p50 | PUT p95 | PUT p99 | 5 s windows MB/s (min–max) |`,
  );
  say(`| --- | --- | --- | --- | --- | --- | --- | --- |`);
  say(
    `| ${mb(bytes)} MB, ${done.length} chunks | ${elapsed.toFixed(1)} s | ` +
      `${(bytes / MB / elapsed).toFixed(1)} | ${(done.length / elapsed).toFixed(1)} | ` +
      `${ms(quantile(latencies, 0.5))} | ${ms(quantile(latencies, 0.95))} | ` +
      `${ms(quantile(latencies, 0.99))} | ` +
      (windows.length
        ? `${(Math.min(...windows) / MB / 5).toFixed(1)}–${
          (Math.max(...windows) / MB / 5).toFixed(1)
        }`
        : "n/a") +
      " |",
  );
  for (const dir of dirs) await Deno.remove(dir, { recursive: true });

  // 3. replay (its upload also adds to the text searched in 2)
  const replayId = uuidv7();
  const replayDir = `${home}/sessions/${replayId}`;
  const { duration } = await writeSession(replayDir, SIZES.replayBytes, 7, "root");
  const upStart = performance.now();
  if (!(await new SessionUploader(replayDir, { url: url(), apiKey: admin }).pump())) {
    throw new Error("the replay session did not upload");
  }
  const upSeconds = (performance.now() - upStart) / 1000;
  await Deno.remove(replayDir, { recursive: true });
  say(`\n### 3. replay of a ${mb(SIZES.replayBytes)} MB session (${duration.toFixed(0)} s long)\n`);
  say(
    `uploaded by one client in ${upSeconds.toFixed(1)} s (${
      (SIZES.replayBytes / MB / upSeconds).toFixed(1)
    } MB/s)\n`,
  );
  const timeCast = async (query: string, stopAfter = Infinity) => {
    const begin = performance.now();
    const response = await fetch(`${url()}/api/v1/sessions/${replayId}/cast?${query}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const headers = performance.now() - begin;
    const startSeq = Number(response.headers.get("x-ddcoterm-start-seq") ?? 0);
    const reader = response.body!.getReader();
    let first = 0;
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!first) first = performance.now() - begin;
      got += value.length;
      if (got >= stopAfter) {
        await reader.cancel();
        break;
      }
    }
    return { headers, first, all: performance.now() - begin, got, startSeq };
  };
  say(
    `| request | runs | headers (median / max) | first byte | seek point data (all ${"`limit`"} bytes) |`,
  );
  say(`| --- | --- | --- | --- | --- |`);
  const cases: [string, string, number][] = [
    [`from=${(duration / 2).toFixed(1)}&limit=${MB}`, "from=middle, limit=1 MiB", Infinity],
    [`from=${(duration * 0.9).toFixed(1)}&limit=${MB}`, "from=90%, limit=1 MiB", Infinity],
    ["from=0", "from=0 (first 1 MiB read)", MB],
  ];
  for (const [query, label, stop] of cases) {
    const runs: Awaited<ReturnType<typeof timeCast>>[] = [];
    for (let i = 0; i < 5; i++) runs.push(await timeCast(query, stop));
    const med = (f: (r: typeof runs[0]) => number) =>
      `${ms(quantile(runs.map(f), 0.5))} / ${ms(Math.max(...runs.map(f)))}`;
    say(
      `| ${label} (start seq ${runs[0].startSeq}) | 5 | ${med((r) => r.headers)} | ` +
        `${med((r) => r.first)} | ${med((r) => r.all)} (${mb(runs[0].got)} MB) |`,
    );
  }
  const whole = await timeCast("");
  say(
    `\nwhole cast streamed: ${mb(whole.got)} MB in ${(whole.all / 1000).toFixed(1)} s ` +
      `(${(whole.got / MB / (whole.all / 1000)).toFixed(0)} MB/s), first byte ${ms(whole.first)}`,
  );

  // 2. search
  const ingested = dbTextBytes();
  say(`\n### 2. search\n`);
  say(`indexed through uploads: ${ingested.lines} lines, ${mb(ingested.bytes)} MB of text`);
  const missing = SIZES.searchBytes - ingested.bytes;
  if (missing > 0) {
    // Uploads index at the terminal emulator's speed; the rest goes straight into `lines`
    // (its trigger feeds lines_fts), as the indexer's INSERTs do, for sessions made via the API.
    const extra: string[] = [];
    const perSession = 64 * MB;
    for (let i = 0; i * perSession < missing; i++) {
      const id = uuidv7();
      extra.push(id);
      const now = new Date().toISOString();
      await api(admin, "PUT", `/sessions/${id}/meta`, {
        id,
        user: `bulk${i}`,
        host: HOSTS[i % HOSTS.length],
        cwd: "/",
        command: "bash",
        start: now,
        end: now,
        exitCode: 0,
      });
    }
    await stopServer();
    const fillStart = performance.now();
    const db = new DatabaseSync(`${dataDir}/ddcoterm.db`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    // 250 rows a statement, as the indexer inserts them.
    const insert = db.prepare(
      "INSERT INTO lines (session_id, line_no, t, text) VALUES " +
        Array(250).fill("(?, ?, ?, ?)").join(", "),
    );
    let added = 0;
    for (const [i, id] of extra.entries()) {
      const output = new Output(5000 + i);
      let lineNo = 0;
      db.exec("BEGIN");
      for (let size = 0; size < perSession && added < missing;) {
        const params: (string | number)[] = [];
        for (let j = 0; j < 250; j++) {
          const text = output.line();
          params.push(id, lineNo, lineNo * 0.05, text);
          lineNo++;
          size += text.length;
          added += text.length;
        }
        insert.run(...params);
      }
      db.exec("COMMIT");
      db.prepare("UPDATE sessions SET line_count = ? WHERE id = ?").run(lineNo, id);
      rareIds.push(...output.ids);
      if (added >= missing) break;
    }
    db.close();
    const fill = (performance.now() - fillStart) / 1000;
    say(
      `inserted directly: ${mb(added)} MB of transcript lines in ${fill.toFixed(1)} s ` +
        `(${(added / MB / fill).toFixed(1)} MB/s)`,
    );
    await startServer();
  }
  const total = dbTextBytes();
  const dbSize = (await Deno.stat(`${dataDir}/ddcoterm.db`)).size;
  say(
    `store: ${total.lines} lines, ${mb(total.bytes)} MB of text; database file ${mb(dbSize)} MB`,
  );

  const r = rng(99);
  const pick = <T>(list: T[]) => list[Math.floor(r() * list.length)];
  const queries: { kind: string; q: string }[] = [];
  for (let i = 0; i < 30; i++) queries.push({ kind: "common", q: pick(WORDS) });
  for (let i = 0; i < 25; i++) queries.push({ kind: "rare", q: pick(rareIds) });
  for (let i = 0; i < 25; i++) {
    queries.push({
      kind: "phrase",
      q: i % 3 === 0
        ? `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`
        : pick(["connection refused", "error TS2345", "kubectl get pods", "permission denied"]) +
          (i % 2 ? "" : ` ${pick(WORDS)}`),
    });
  }
  for (let i = 0; i < 20; i++) {
    queries.push({
      kind: "no match",
      q: i % 2 ? `zzqx${i}nothing` : `${pick(WORDS)} qqvv${i}absent`,
    });
  }
  for (const [who, key] of [["admin (sees all)", admin], ["member (own sessions)", users[0]]]) {
    for (const { q } of queries.slice(0, 5)) {
      await api(key, "GET", `/search?q=${encodeURIComponent(q)}`);
    }
    const times: Record<string, number[]> = { all: [] };
    let hits = 0;
    let worst = { q: "", ms: 0 };
    for (const { kind, q } of queries) {
      const begin = performance.now();
      const result = await api(key, "GET", `/search?q=${encodeURIComponent(q)}&limit=50`);
      const took = performance.now() - begin;
      hits += result.hits.length;
      (times[kind] ??= []).push(took);
      times.all.push(took);
      if (took > worst.ms) worst = { q, ms: took };
    }
    say(
      `\n${who}: ${queries.length} queries, ${hits} hits, slowest "${worst.q}" ${ms(worst.ms)}\n`,
    );
    say(`| queries | n | p50 | p95 | p99 | max |`);
    say(`| --- | --- | --- | --- | --- | --- |`);
    for (const [kind, list] of Object.entries(times)) {
      say(
        `| ${kind} | ${list.length} | ${ms(quantile(list, 0.5))} | ${ms(quantile(list, 0.95))} | ` +
          `${ms(quantile(list, 0.99))} | ${ms(Math.max(...list))} |`,
      );
    }
  }
  const after = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  say(`\nload at the end ${after}`);
} finally {
  await stopServer().catch(() => {});
  // DDCOTERM_BENCH_KEEP=1 leaves the data folder for a look at the database afterwards.
  if (!Deno.env.get("DDCOTERM_BENCH_KEEP")) await Deno.remove(tmp, { recursive: true });
}
