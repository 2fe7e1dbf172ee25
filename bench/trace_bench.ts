/**
 * Cost of process_info per exec: N × /bin/true in bash, untraced and traced, each run in its own
 * process (a process stays under its filter once traced: a second traced run in it would be
 * nested, and untraced). seccomp is measured both ways the recorder spawns: in a pty (the loop
 * starts on the event loop and moves to a Worker) and through Deno.Command (a Worker from the
 * start). Prints the median of the runs and the cost per exec against the untraced median.
 *
 *   deno run -A bench/trace_bench.ts [execs=2000] [runs=3]
 */
import { closeFd, openPty, spawnInPty, waitForExit } from "../src/pty/mod.ts";
import { prepareTracing, type TraceMode } from "../src/trace/mod.ts";

type Spawn = "pty" | "command";
type Mode = TraceMode | "none";

const drainer = new URL("../src/trace/drain_main.ts", import.meta.url).pathname;
const self = [Deno.execPath(), "run", "-A", "--no-check", drainer];

async function spawn(how: Spawn, argv: string[]): Promise<{ pid: number; done: Promise<void> }> {
  if (how === "command") {
    const child = new Deno.Command(argv[0], { args: argv.slice(1), stdout: "null" }).spawn();
    return { pid: child.pid, done: child.status.then(() => {}) };
  }
  const pty = await openPty({ cols: 80, rows: 24 });
  const pid = await spawnInPty(pty, argv[0], argv, Deno.env.toObject());
  await closeFd(pty.slave);
  // Drain the terminal as the recorder does, so the command never blocks writing to it.
  const reader = new (await import("node:tty")).ReadStream(pty.master);
  reader.on("error", () => {});
  reader.on("data", () => {});
  return {
    pid,
    done: waitForExit(pid).then(() => {
      reader.destroy();
    }),
  };
}

/** One run, in this process: prints the elapsed ms and the exec events seen. */
async function once(mode: Mode, how: Spawn, execs: number): Promise<void> {
  const script = `for ((i = 0; i < ${execs}; i++)); do /bin/true; done`;
  const prep = mode === "none" ? undefined : prepareTracing(mode);
  const start = performance.now();
  prep?.beforeSpawn({ blocking: how === "command" });
  const child = await spawn(how, ["bash", "-c", script]);
  let count = 0;
  const trace = prep?.start(child.pid, {
    onExec: () => count++,
    onNotice: (n) => console.error(n.message),
  }, { self });
  await child.done;
  const elapsed = performance.now() - start;
  await trace?.stop();
  console.log(JSON.stringify({ elapsed, count }));
  Deno.exit(0);
}

async function run(mode: Mode, how: Spawn, execs: number): Promise<number> {
  const me = new URL(import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", me, "--one", mode, how, `${execs}`],
    stdin: "null",
    stderr: "inherit",
  }).output();
  const { elapsed, count } = JSON.parse(new TextDecoder().decode(output.stdout));
  if (mode === "seccomp" && count !== execs + 1) {
    console.error(`warning: ${count} exec events for ${execs + 1} execs (${how})`);
  }
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (Deno.args[0] === "--one") {
  await once(Deno.args[1] as Mode, Deno.args[2] as Spawn, Number(Deno.args[3]));
} else {
  const execs = Number(Deno.args[0] ?? 2000);
  const runs = Number(Deno.args[1] ?? 3);
  const configs: [string, Mode, Spawn][] = [
    ["untraced (pty)", "none", "pty"],
    ["seccomp, pty", "seccomp", "pty"],
    ["untraced (Deno.Command)", "none", "command"],
    ["seccomp, Deno.Command", "seccomp", "command"],
    ["proc polled, Deno.Command", "proc", "command"],
  ];
  const times = new Map<string, number[]>(configs.map(([name]) => [name, []]));
  // Interleaved, so a change in the machine's load touches every configuration alike.
  for (let i = 0; i < runs; i++) {
    for (const [name, mode, how] of configs) times.get(name)!.push(await run(mode, how, execs));
  }
  const med = (name: string) => median(times.get(name)!);
  console.log(`${execs} × /bin/true in bash, median of ${runs} runs`);
  for (const [name, mode, how] of configs) {
    const bare = med(how === "pty" ? "untraced (pty)" : "untraced (Deno.Command)");
    const cost = mode === "none"
      ? `${(med(name) / execs).toFixed(3)} ms per exec`
      : `+${((med(name) - bare) / execs).toFixed(3)} ms per exec`;
    const all = times.get(name)!.map((t) => t.toFixed(0)).join(", ");
    console.log(`  ${name.padEnd(26)} ${med(name).toFixed(0)} ms  (${cost})  [${all}]`);
  }
}
