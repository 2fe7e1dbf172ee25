/**
 * Cost of process_info per exec: N × /bin/true in bash, untraced and traced (seccomp, then
 * proc), best of a few runs each. Also the launcher's own start-up.
 *
 *   deno run -A bench/trace_bench.ts [execs=2000] [runs=3]
 */
import { startTracing, tracedArgv, type TraceMode } from "../src/trace/mod.ts";

const execs = Number(Deno.args[0] ?? 2000);
const runs = Number(Deno.args[1] ?? 3);
const script = `for ((i = 0; i < ${execs}; i++)); do /bin/true; done`;
const launcher = new URL("../src/trace/launcher_main.ts", import.meta.url).pathname;
const self = [Deno.execPath(), "run", "-A", "--no-check", launcher];

const bash = ["bash", "-c", script];

async function once(mode: TraceMode | "none", target: string[]): Promise<number> {
  const argv = mode === "none" ? target : tracedArgv(mode, target, self);
  const start = performance.now();
  const child = new Deno.Command(argv[0], { args: argv.slice(1), stdout: "null" }).spawn();
  let count = 0;
  const trace = mode === "none" ? undefined : await startTracing(mode, child.pid, {
    onExec: () => count++,
    onNotice: (n) => console.error(n.message),
  });
  const status = await child.status;
  const elapsed = performance.now() - start;
  await trace?.stop({ code: status.code });
  if (mode === "seccomp" && target === bash && count !== execs + 1) {
    console.error(`warning: ${count} exec events for ${execs + 1} execs`);
  }
  return elapsed;
}

async function best(mode: TraceMode | "none", target: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once(mode, target));
  return Math.min(...times);
}

const bare = await best("none", bash);
const launched = await best("seccomp", ["true"]);
const untracedStart = await best("none", ["true"]);
const seccomp = await best("seccomp", bash);
const proc = await best("proc", bash);
const perExec = (ms: number) => ((ms - bare) / execs).toFixed(3);
console.log(`${execs} × /bin/true in bash, best of ${runs}`);
console.log(`  untraced        ${bare.toFixed(0)} ms  (${(bare / execs).toFixed(3)} ms per exec)`);
console.log(
  `  seccomp traced  ${seccomp.toFixed(0)} ms  (+${
    perExec(seccomp - launched + untracedStart)
  } ms per exec)`,
);
console.log(`  proc polled     ${proc.toFixed(0)} ms  (+${perExec(proc)} ms per exec)`);
console.log(
  `  launcher start-up (seccomp "true" vs bare "true"): ${
    (launched - untracedStart).toFixed(1)
  } ms`,
);
