/**
 * Deterministic, recorded-looking terminal output for the server benchmark: session folders
 * as the recorder leaves them (session.cast in asciicast v3, events.jsonl, meta.json).
 *
 *   deno run -A bench/session_gen.ts DIR MB   writes one session folder (for profiling)
 */
const encoder = new TextEncoder();

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WORDS = (
  "request response error warning info debug connection refused timeout retry server client " +
  "database query index table cache miss hit build compile link test passed failed skipped " +
  "deploy rollout pods service ingress namespace container image pull started stopped ready " +
  "kubectl docker terraform plan apply destroy module provider resource changed created " +
  "deleted user admin token session upload download bytes latency memory disk cpu network " +
  "packet socket listen accept close open read write file directory permission denied found " +
  "missing config value default option flag parse invalid expected got line column function " +
  "method class object array string number boolean null undefined promise async await import"
).split(" ");
export const HOSTS = [
  "web1",
  "web2",
  "db-primary",
  "db-replica",
  "worker-3",
  "bastion",
  "ci-runner-7",
];
const COMMANDS = [
  "kubectl get pods -n prod",
  "kubectl logs deploy/api --tail=200",
  "terraform plan -out=tfplan",
  "docker compose up -d",
  "git log --oneline -20",
  "npm run build",
  "psql -c 'select count(*) from orders'",
  "tail -f /var/log/nginx/access.log",
  "make test",
  "ls -la /etc/nginx/sites-enabled",
];

export class Output {
  #r: () => number;
  #n = 0;
  /** A few request ids actually written, to search for later. */
  readonly ids: string[] = [];
  constructor(seed: number) {
    this.#r = rng(seed);
  }
  #pick<T>(list: T[]): T {
    return list[Math.floor(this.#r() * list.length)];
  }
  #words(n: number): string {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.#pick(WORDS));
    return out.join(" ");
  }
  #id(): string {
    const id = "req" + Math.floor(this.#r() * 0xffffffffff).toString(36);
    if (this.ids.length < 400 && this.#r() < 0.002) this.ids.push(id);
    return id;
  }
  /** One line of plain text as it ends up in a transcript. */
  line(): string {
    const k = this.#r();
    const n = this.#n++;
    if (k < 0.35) {
      const level = this.#pick(["INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"]);
      return `2025-06-0${1 + (n % 9)}T10:${String(n % 60).padStart(2, "0")}:12.${n % 1000}Z ` +
        `${level} [${this.#pick(HOSTS)}] ${this.#words(3 + Math.floor(this.#r() * 8))} ` +
        `id=${this.#id()} in ${Math.floor(this.#r() * 900)}ms`;
    }
    if (k < 0.5) {
      return `src/${this.#pick(WORDS)}/${this.#pick(WORDS)}.ts:${n % 900}:${n % 80} - error ` +
        `TS${2000 + (n % 900)}: ${this.#words(6)}`;
    }
    if (k < 0.6) {
      return `-rw-r--r--  1 ${this.#pick(["root", "alice", "www-data"])} staff ` +
        `${Math.floor(this.#r() * 99999)} Jun ${1 + (n % 28)} 12:${n % 60} ` +
        `${this.#pick(WORDS)}_${this.#pick(WORDS)}.${this.#pick(["log", "conf", "json", "ts"])}`;
    }
    if (k < 0.7) {
      return `${this.#pick(WORDS)}-${this.#id().slice(3, 8)}   1/1   Running   ${n % 7}   ` +
        `${n % 59}m   10.0.${n % 255}.${(n * 7) % 255}   ${this.#pick(HOSTS)}`;
    }
    if (k < 0.8) {
      return JSON.stringify({
        level: this.#pick(["info", "warn", "error"]),
        msg: this.#words(5),
        user: this.#pick(["alice", "bob", "carol"]),
        id: this.#id(),
      });
    }
    return this.#words(4 + Math.floor(this.#r() * 12));
  }
  /** One `o` event's data: a few lines, colours, a prompt, or a progress bar redrawn with \r. */
  event(): string {
    const k = this.#r();
    if (k < 0.05) {
      return `\x1b[1;32malice@${this.#pick(HOSTS)}\x1b[0m:\x1b[1;34m~/src\x1b[0m$ ` +
        `${this.#pick(COMMANDS)}\r\n`;
    }
    if (k < 0.1) {
      let bar = "";
      for (let p = 0; p <= 100; p += 20) {
        bar += `\r${this.#pick(WORDS)} [${"#".repeat(p / 5).padEnd(20)}] ${p}%`;
      }
      return bar + "\r\n";
    }
    let out = "";
    const lines = 1 + Math.floor(this.#r() * 12);
    for (let i = 0; i < lines; i++) {
      const line = this.line();
      out += this.#r() < 0.15 ? `\x1b[3${1 + (i % 6)}m${line}\x1b[0m\r\n` : line + "\r\n";
    }
    return out;
  }
}

/** Writes a session folder the way the recorder leaves it, with `bytes` of cast. */
export async function writeSession(dir: string, bytes: number, seed: number, user: string) {
  await Deno.mkdir(dir, { recursive: true });
  const output = new Output(seed);
  const cast = await Deno.open(`${dir}/session.cast`, { write: true, create: true });
  const events: string[] = [];
  let written = 0;
  let t = 0;
  let buffer = JSON.stringify({
    version: 3,
    term: { cols: 120, rows: 40, type: "xterm-256color" },
    timestamp: 1750000000,
  }) + "\n";
  const r = rng(seed ^ 0x5bd1e995);
  while (written < bytes) {
    const dt = Math.round(r() * r() * 400) / 1000;
    t += dt;
    const data = output.event();
    buffer += JSON.stringify([dt, "o", data]) + "\n";
    if (data.includes("$ ")) {
      events.push(JSON.stringify({
        t: Math.round(t * 1000) / 1000,
        time: new Date(1750000000000 + t * 1000).toISOString(),
        type: "exec",
        path: "/usr/bin/kubectl",
        argv: ["kubectl", "get", "pods"],
      }));
    }
    if (buffer.length > 256 * 1024) {
      const chunk = encoder.encode(buffer);
      await cast.write(chunk);
      written += chunk.length;
      buffer = "";
    }
  }
  buffer += JSON.stringify([0.1, "x", "0"]) + "\n";
  await cast.write(encoder.encode(buffer));
  cast.close();
  await Deno.writeTextFile(`${dir}/events.jsonl`, events.join("\n") + "\n");
  const start = new Date(1750000000000).toISOString();
  await Deno.writeTextFile(
    `${dir}/meta.json`,
    JSON.stringify({
      id: dir.slice(dir.lastIndexOf("/") + 1),
      user,
      host: HOSTS[seed % HOSTS.length],
      cwd: "/home/" + user,
      command: "bash",
      start,
      end: new Date(1750000000000 + t * 1000).toISOString(),
      exitCode: 0,
    }),
  );
  return { ids: output.ids, duration: t };
}

if (import.meta.main) {
  const [dir, size] = Deno.args;
  await writeSession(dir, Number(size) * 1024 * 1024, 1, "alice");
}
