/**
 * Recorder benchmark: ddcoterm against util-linux `script` and asciinema 2.2, side by side in
 * one run, each recording a command that writes base64 in a pty driven by bench/ptybench.c.
 *
 *   deno run -A bench/recorder.ts [--mb 200] [--runs 3] [--startup-runs 30] [--keys 500]
 *
 * Reports wall time relative to the bare pty, recorder CPU per MB, completeness (the recording
 * decodes to exactly the output, every run), start-up overhead of `-- true`, and keystroke echo
 * latency added (p50/p99). Needs cc, script (util-linux) and asciinema (Debian) on PATH.
 */
import { readCastEvents } from "../src/cast/mod.ts";
import { castTextToBytes } from "../src/cast/bytes.ts";
import { parseArgs } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    runs: { type: "string", default: "3" },
    "startup-runs": { type: "string", default: "30" },
    keys: { type: "string", default: "500" },
    json: { type: "string" },
  },
});
const MB = Number(values.mb);
const RUNS = Number(values.runs);
const STARTUP_RUNS = Number(values["startup-runs"]);
const KEYS = Number(values.keys);

const work = Deno.makeTempDirSync({ prefix: "ddcoterm-bench-" });
const decoder = new TextDecoder();

function sh(cmd: string[], env?: Record<string, string>): string {
  const out = new Deno.Command(cmd[0], { args: cmd.slice(1), env, stderr: "inherit" }).outputSync();
  if (!out.success) throw new Error(`${cmd.join(" ")} failed`);
  return decoder.decode(out.stdout);
}

function log(message: string): void {
  console.error(`bench: ${message}`);
}

// --- set-up -----------------------------------------------------------------------------

log("compiling the pty harness");
const ptybench = `${work}/ptybench`;
sh(["cc", "-O2", "-o", ptybench, `${ROOT}/bench/ptybench.c`, "-lutil"]);

log("building ddcoterm the way the installer does (offline bundle)");
sh(["bash", `${ROOT}/install-ddcoterm.sh`, "--build-only", `${work}/build`], {
  ...Deno.env.toObject(),
  DDCOTERM_BUILD: "bundle",
});
const ddcoterm = `${work}/build/bin/ddcoterm`;

log(`writing ${MB} MB of base64`);
const data = `${work}/data.b64`;
sh(["sh", "-c", `head -c ${Math.round(MB * 1e6 * 3 / 4)} /dev/urandom | base64 > ${data}`]);
const expectedDigest = await digestOfPtyOutput(data);
const dataMB = Deno.statSync(data).size / 1e6;

const env = {
  ...Deno.env.toObject(),
  DDCOTERM_HOME: `${work}/home`,
  ASCIINEMA_CONFIG_HOME: `${work}/asciinema`,
  TERM: "xterm-256color",
};

interface RunResult {
  wall_ms: number;
  cpu_ms: number;
  bytes: number;
  status: number;
}

function ptyRun(cmd: string[]): RunResult {
  return JSON.parse(sh([ptybench, "run", "--", ...cmd], env));
}

// --- throughput and completeness --------------------------------------------------------

type Tool = "bare" | "ddcoterm" | "script" | "asciinema";
const tools: Record<Tool, (out: string) => string[]> = {
  bare: () => ["cat", data],
  // The session's own cast (found by recordingDigest), not a second copy with -o: each tool
  // writes one recording.
  ddcoterm: () => [ddcoterm, "-q", "--", "cat", data],
  script: (out) => ["script", "-q", "-c", `cat ${data}`, out],
  asciinema: (out) => ["asciinema", "rec", "-q", "--overwrite", "-c", `cat ${data}`, out],
};

const results: Record<Tool, { wall: number[]; cpu: number[]; complete: boolean[] }> = {
  bare: { wall: [], cpu: [], complete: [] },
  ddcoterm: { wall: [], cpu: [], complete: [] },
  script: { wall: [], cpu: [], complete: [] },
  asciinema: { wall: [], cpu: [], complete: [] },
};

for (let run = 1; run <= RUNS; run++) {
  for (const tool of Object.keys(tools) as Tool[]) {
    const out = `${work}/${tool}-${run}.rec`;
    log(`run ${run}/${RUNS}: ${tool}`);
    const result = ptyRun(tools[tool](out));
    results[tool].wall.push(result.wall_ms);
    results[tool].cpu.push(result.cpu_ms);
    if (tool === "ddcoterm") takeSessionCast(out);
    if (tool !== "bare") {
      const digest = await recordingDigest(tool, out);
      results[tool].complete.push(digest === expectedDigest);
      Deno.removeSync(out);
    }
  }
}

// --- start-up ---------------------------------------------------------------------------

log(`start-up: ${STARTUP_RUNS} runs each`);
const startup = { bare: [] as number[], ddcoterm: [] as number[] };
for (let i = 0; i < STARTUP_RUNS; i++) {
  startup.bare.push(ptyRun(["true"]).wall_ms);
  startup.ddcoterm.push(ptyRun([ddcoterm, "-q", "--", "true"]).wall_ms);
}

// --- keystroke echo ---------------------------------------------------------------------

// In rounds, the tools taking turns, so that a noisy moment of the machine falls on all of them
// alike; the samples of all rounds are pooled.
const ECHO_ROUNDS = 3;
log(`echo latency: ${KEYS} keystrokes each, in ${ECHO_ROUNDS} rounds`);
const echoProgram = ["sh", "-c", "stty raw -echo; exec cat"];
const echo = (cmd: string[]): number[] =>
  JSON.parse(sh([ptybench, "echo", String(Math.ceil(KEYS / ECHO_ROUNDS)), "--", ...cmd], env))
    .latencies_us;
const echoBare: number[] = [];
const echoDdcoterm: number[] = [];
const echoScript: number[] = [];
for (let round = 0; round < ECHO_ROUNDS; round++) {
  echoBare.push(...echo(echoProgram));
  echoDdcoterm.push(...echo([ddcoterm, "-q", "--", ...echoProgram]));
  echoScript.push(...echo(["script", "-q", "/dev/null", "-c", "sh -c 'stty raw -echo; exec cat'"]));
}

// --- report -----------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};
const bareWall = median(results.bare.wall);
const bareCpu = median(results.bare.cpu);

const lines = [
  `Machine: ${Deno.build.target}, ${navigator.hardwareConcurrency} cores; ${
    new Date().toISOString()
  }`,
  `Workload: cat of ${dataMB.toFixed(0)} MB of base64 in a 120x40 pty; ${RUNS} runs (medians)`,
  "",
  "| recorder | wall (× bare pty) | recorder CPU (ms/MB) | complete runs |",
  "|---|---|---|---|",
];
for (const tool of ["ddcoterm", "script", "asciinema"] as Tool[]) {
  const wall = median(results[tool].wall) / bareWall;
  const cpu = (median(results[tool].cpu) - bareCpu) / dataMB;
  const complete = results[tool].complete.filter(Boolean).length;
  lines.push(`| ${tool} | ${wall.toFixed(2)} | ${cpu.toFixed(1)} | ${complete}/${RUNS} |`);
}
lines.push(
  `| (bare pty) | 1.00 (${bareWall.toFixed(0)} ms) | — | — |`,
  "",
  `Start-up of \`ddcoterm -q -- true\`: median ${median(startup.ddcoterm).toFixed(1)} ms vs ` +
    `\`true\` ${median(startup.bare).toFixed(1)} ms: overhead ` +
    `${(median(startup.ddcoterm) - median(startup.bare)).toFixed(1)} ms`,
  "",
  "| keystroke echo (µs) | p50 | p99 | added p50 | added p99 |",
  "|---|---|---|---|---|",
  `| bare pty | ${pct(echoBare, 0.5).toFixed(0)} | ${pct(echoBare, 0.99).toFixed(0)} | — | — |`,
);
for (const [name, xs] of [["ddcoterm", echoDdcoterm], ["script", echoScript]] as const) {
  lines.push(
    `| ${name} | ${pct(xs, 0.5).toFixed(0)} | ${pct(xs, 0.99).toFixed(0)} | ${
      (pct(xs, 0.5) - pct(echoBare, 0.5)).toFixed(0)
    } | ${(pct(xs, 0.99) - pct(echoBare, 0.99)).toFixed(0)} |`,
  );
}
console.log(lines.join("\n"));
if (values.json) {
  Deno.writeTextFileSync(
    values.json,
    JSON.stringify({ results, startup, echoBare, echoDdcoterm, echoScript }, null, 2),
  );
}
Deno.removeSync(work, { recursive: true });

// --- helpers ----------------------------------------------------------------------------

/** Moves the only recorded session's cast to `out` and removes the session. */
function takeSessionCast(out: string): void {
  const sessions = `${env.DDCOTERM_HOME}/sessions`;
  const dirs = [...Deno.readDirSync(sessions)].filter((e) => e.isDirectory);
  if (dirs.length !== 1) {
    throw new Error(`expected one session in ${sessions}, found ${dirs.length}`);
  }
  Deno.renameSync(`${sessions}/${dirs[0].name}/session.cast`, out);
  Deno.removeSync(`${sessions}/${dirs[0].name}`, { recursive: true });
}

/** sha256 of what the pty shows for `path`: every "\n" becomes "\r\n" (onlcr). */
async function digestOfPtyOutput(path: string): Promise<string> {
  const bytes = Deno.readFileSync(path);
  let newlines = 0;
  for (const b of bytes) if (b === 0x0a) newlines++;
  const out = new Uint8Array(bytes.length + newlines);
  let j = 0;
  for (const b of bytes) {
    if (b === 0x0a) out[j++] = 0x0d;
    out[j++] = b;
  }
  return hex(await crypto.subtle.digest("SHA-256", out));
}

async function recordingDigest(tool: Tool, path: string): Promise<string> {
  if (tool === "script") {
    // script's log: a "Script started" line, the output, then "\nScript done ..." at the end.
    const bytes = Deno.readFileSync(path);
    const start = bytes.indexOf(0x0a) + 1;
    const tail = new TextEncoder().encode("\nScript done");
    let end = bytes.length;
    for (let i = bytes.length - tail.length; i >= start; i--) {
      if (tail.every((b, k) => bytes[i + k] === b)) {
        end = i;
        break;
      }
    }
    return hex(await crypto.subtle.digest("SHA-256", bytes.subarray(start, end)));
  }
  const file = await Deno.open(path);
  const reader = await readCastEvents(file.readable);
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const event of reader) {
    if (event.code !== "o") continue;
    const bytes = castTextToBytes(event.data);
    parts.push(bytes);
    total += bytes.length;
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return hex(await crypto.subtle.digest("SHA-256", all));
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}
