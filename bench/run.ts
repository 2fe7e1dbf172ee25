/**
 * `deno task bench`: every benchmark, one after the other, each printing its own table.
 *
 *   deno run -A bench/run.ts [--quick]
 *
 * --quick shrinks the workloads (for a smoke run); the numbers in BENCHMARKS.md come from a
 * full run.
 */
const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const quick = Deno.args.includes("--quick");

const benches: { name: string; args: string[] }[] = [
  {
    name: "recorder (vs script and asciinema)",
    args: [
      "bench/recorder.ts",
      ...(quick ? ["--mb", "20", "--runs", "1", "--startup-runs", "5", "--keys", "50"] : []),
    ],
  },
  { name: "redactor throughput", args: ["src/redact/bench.ts", ...(quick ? ["10"] : [])] },
  {
    name: "process_info cost per exec",
    args: ["bench/trace_bench.ts", ...(quick ? ["300", "1"] : [])],
  },
  { name: "shim overhead", args: ["bench/shim.ts", ...(quick ? ["--runs", "5"] : [])] },
  {
    name: "server: ingest, search, replay (SQLite)",
    args: ["bench/server.ts", ...(quick ? ["--quick"] : [])],
  },
];

let failed = 0;
for (const bench of benches) {
  console.log(`\n## ${bench.name}\n`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...bench.args],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    console.log(`(failed with exit code ${status.code})`);
    failed++;
  }
}
Deno.exit(failed > 0 ? 1 : 0);
