/**
 * Shim overhead: time of a shimmed command minus the bare command, for `actions: []` after
 * three rules are evaluated (decided without Lua, and with Lua), and for a recorded action.
 *
 *   deno run -A bench/shim.ts [--runs 30]
 */
import { parseArgs } from "node:util";
import { ISSUE_EXAMPLE } from "../src/rules/coterm_docs_examples.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const { values } = parseArgs({ options: { runs: { type: "string", default: "30" } } });
const RUNS = Number(values.runs);
const work = Deno.makeTempDirSync({ prefix: "ddcoterm-shim-bench-" });

function sh(cmd: string[], env?: Record<string, string>): string {
  const out = new Deno.Command(cmd[0], { args: cmd.slice(1), env, stderr: "inherit" }).outputSync();
  if (!out.success) throw new Error(`${cmd.join(" ")} failed`);
  return new TextDecoder().decode(out.stdout);
}

console.error("bench: building ddcoterm (offline bundle)");
sh(["bash", `${ROOT}/install-ddcoterm.sh`, "--build-only", `${work}/build`], {
  ...Deno.env.toObject(),
  DDCOTERM_BUILD: "bundle",
});
const ddcoterm = `${work}/build/bin/ddcoterm`;

const stubs = `${work}/stubs`;
Deno.mkdirSync(stubs);
Deno.writeTextFileSync(`${stubs}/kubectl`, "#!/bin/sh\nexit 0\n", { mode: 0o755 });

// A kubeconfig, as kubectl users have one: rules that mention k8s_ read it.
Deno.mkdirSync(`${work}/.kube`);
Deno.writeTextFileSync(
  `${work}/.kube/config`,
  `apiVersion: v1
kind: Config
current-context: staging
contexts:
  - name: staging
    context: {cluster: staging, user: dev, namespace: web}
  - name: prod-eu
    context: {cluster: prod-eu, user: dev}
clusters:
  - name: staging
    cluster: {server: "https://staging.example.invalid"}
users:
  - name: dev
    user: {token: "synthetic-not-a-secret"}
`,
);

const configs = {
  "three rules, no Lua needed": `process_config:
  commands:
    - command: kubectl
      rules:
        - rule: has_arg("scale")
          actions: [record, approval]
        - rule: has_arg("delete")
          actions: [deny]
        - rule: true
          actions: []
`,
  "three Lua rules": `process_config:
  commands:
    - command: kubectl
      rules:
        - rule: |
            local ctx = flags.context or k8s_current_context or "unknown"
            return has_arg("scale") and ctx:match("prod")
          actions: [record, approval]
        - rule: return has_arg("delete") or flags["dry-run"] == "none"
          actions: [deny]
        - rule: |
            return #args >= 0
          actions: []
`,
  "CoTerm's documented kubectl lint and rules": ISSUE_EXAMPLE,
  "a rule only Lua can decide (a loop)": `process_config:
  commands:
    - command: kubectl
      rules:
        - rule: |
            local n = 0
            for _ in ipairs(args) do n = n + 1 end
            return n > 5
          actions: [record]
        - rule: true
          actions: []
`,
  "recorded (record, no process_info)": `process_config:
  commands:
    - command: kubectl
      rules:
        - rule: true
          actions: [record]
`,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(cmd: string[], env: Record<string, string>): number {
  const t = performance.now();
  const out = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).outputSync();
  const ms = performance.now() - t;
  if (!out.success) throw new Error(`${cmd.join(" ")} failed (${out.code})`);
  return ms;
}

const rows = ["| case | shimmed (ms) | bare (ms) | overhead (ms) |", "|---|---|---|---|"];
for (const [name, config] of Object.entries(configs)) {
  const home = `${work}/home-${Object.keys(configs).indexOf(name)}`;
  Deno.mkdirSync(home, { recursive: true });
  Deno.writeTextFileSync(`${home}/config.yaml`, config);
  const env = {
    HOME: work,
    DDCOTERM_HOME: home,
    PATH: `${home}/overrides:${stubs}:/usr/bin:/bin`,
    TERM: "dumb",
  };
  sh([ddcoterm, "shim", "create", "kubectl"], env);
  const shimmed: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const s = time([`${home}/overrides/kubectl`, "get", "pods"], env);
    const b = time([`${stubs}/kubectl`, "get", "pods"], env);
    if (i >= 3) { // the first runs warm caches (config cache, V8 code cache)
      shimmed.push(s);
      bare.push(b);
    }
  }
  rows.push(
    `| ${name} | ${median(shimmed).toFixed(1)} | ${median(bare).toFixed(1)} | ${
      (median(shimmed) - median(bare)).toFixed(1)
    } |`,
  );
}
console.log(`Shim overhead, median of ${RUNS} runs (${new Date().toISOString()})\n`);
console.log(rows.join("\n"));
Deno.removeSync(work, { recursive: true });
