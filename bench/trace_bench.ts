/**
 * Cost of process_info per exec: N × /bin/true in bash, untraced and traced, best of a few runs
 * each. seccomp is measured both ways the recorder spawns: in a pty (the supervisor on the event
 * loop) and through Deno.Command (the supervisor in a Worker).
 *
 *   deno run -A bench/trace_bench.ts [execs=2000] [runs=3]
 *
 * Once traced, this process stays under the filter, and after stop() its own execs fail: the
 * untraced and proc runs therefore come first.
 */
import { closeFd, openPty, spawnInPty, waitForExit } from "../src/pty/mod.ts";
import { prepareTracing, type TraceMode } from "../src/trace/mod.ts";

const execs = Number(Deno.args[0] ?? 2000);
const runs = Number(Deno.args[1] ?? 3);
const script = `for ((i = 0; i < ${execs}; i++)); do /bin/true; done`;
const drainer = new URL("../src/trace/drain_main.ts", import.meta.url).pathname;
const self = [Deno.execPath(), "run", "-A", "--no-check", drainer];
const bash = ["bash", "-c", script];

type Spawn = "pty" | "command";

async function spawn(how: Spawn, argv: string[]): Promise<{ pid: number; done: Promise<void> }> {
  if (how === "command") {
    const child = new Deno.Command(argv[0], { args: argv.slice(1), stdout: "null" }).spawn();
    return { pid: child.pid, done: child.status.then(() => {}) };
  }
  const pty = await openPty({ cols: 80, rows: 24 });
  const pid = await spawnInPty(pty, argv[0], argv, Deno.env.toObject());
  await closeFd(pty.slave);
  return { pid, done: waitForExit(pid).then(() => closeFd(pty.master)) };
}

async function once(mode: TraceMode | "none", how: Spawn): Promise<number> {
  const prep = mode === "none" ? undefined : prepareTracing(mode);
  const start = performance.now();
  prep?.beforeSpawn({ blocking: how === "command" });
  const child = await spawn(how, bash);
  let count = 0;
  const trace = prep?.start(child.pid, {
    onExec: () => count++,
    onNotice: (n) => console.error(n.message),
  }, { self });
  await child.done;
  const elapsed = performance.now() - start;
  await trace?.stop();
  if (mode === "seccomp" && count !== execs + 1) {
    console.error(`warning: ${count} exec events for ${execs + 1} execs`);
  }
  return elapsed;
}

async function best(mode: TraceMode | "none", how: Spawn): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once(mode, how));
  return Math.min(...times);
}

const barePty = await best("none", "pty");
const bareCommand = await best("none", "command");
const proc = await best("proc", "command");
const seccompPty = await best("seccomp", "pty");
const seccompCommand = await best("seccomp", "command");
const perExec = (ms: number, bare: number) => ((ms - bare) / execs).toFixed(3);
const line = (name: string, ms: number, bare: number) =>
  console.log(`  ${name.padEnd(26)} ${ms.toFixed(0)} ms  (+${perExec(ms, bare)} ms per exec)`);
console.log(`${execs} × /bin/true in bash, best of ${runs}`);
console.log(
  `  untraced (pty)             ${barePty.toFixed(0)} ms  (${
    (barePty / execs).toFixed(3)
  } ms per exec)`,
);
line("seccomp, pty (event loop)", seccompPty, barePty);
line("seccomp, Deno.Command (Worker)", seccompCommand, bareCommand);
line("proc polled", proc, bareCommand);
