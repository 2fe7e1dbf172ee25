import { assert, assertEquals, assertMatch, assertStringIncludes } from "@ddcoterm/assert";
import {
  ddcotermArgv,
  ddcotermShell,
  runCommand,
  sessionDirs,
  type TempHome,
  tempHome,
} from "../lib/run.ts";
import { Tmux } from "../lib/tmux.ts";

const decoder = new TextDecoder();

const CONFIG = `process_config:
  commands:
    - command: "kubectl"
      lints:
        - |
          if has_arg("scale") and flags.context == nil then
            return string.format("No kubectl context specified (effective context: '%s').", k8s_context or "none")
          end
      rules:
        - rule: |
            local ctx = flags.context or k8s_current_context or "unknown"
            return has_arg("scale") and ctx:match("prod"), "Proceed with caution.", "Check the rollback plan."
          actions: ["record", "logs", "process_info", "approval"]
        - rule: has_arg("delete")
          actions: ["deny"]
        - rule: has_arg("exec")
          actions: ["record", "process_info"]
        - rule: true
          actions: []
`;

/** A temp home with a stand-in kubectl on PATH, a shim for it, and the config above. */
async function guardedHome(): Promise<TempHome & { stubDir: string }> {
  const home = tempHome();
  const stubDir = `${home.home}/realbin`;
  Deno.mkdirSync(stubDir);
  Deno.writeTextFileSync(
    `${stubDir}/kubectl`,
    "#!/bin/sh\nprintf 'kubectl %s\\n' \"$*\"\nprintf '\\001\\377raw\\n'\nexit 3\n",
    { mode: 0o755 },
  );
  Deno.mkdirSync(home.env.DDCOTERM_HOME, { recursive: true });
  Deno.writeTextFileSync(`${home.env.DDCOTERM_HOME}/config.yaml`, CONFIG);
  home.env.PATH = `${home.env.DDCOTERM_HOME}/overrides:${stubDir}:${home.env.PATH}`;
  const created = await runCommand(ddcotermArgv("shim", "create", "kubectl"), { env: home.env });
  assertEquals(created.code, 0, created.stderr);
  return { ...home, stubDir };
}

Deno.test("a shimmed command with no actions gives byte-identical output and exit code in a pipeline", async () => {
  const home = await guardedHome();
  try {
    const bare = await runCommand(
      ["bash", "-c", `${home.stubDir}/kubectl get pods | cat; echo "status=\${PIPESTATUS[0]}"`],
      { env: home.env },
    );
    const shimmed = await runCommand(
      ["bash", "-c", `kubectl get pods | cat; echo "status=\${PIPESTATUS[0]}"`],
      { env: home.env },
    );
    assertEquals(shimmed.stdout, bare.stdout);
    assertStringIncludes(decoder.decode(shimmed.stdout), "status=3");
    assertEquals(shimmed.stderr, "");
    assertEquals(sessionDirs(home).length, 0, "actions: [] records nothing");
  } finally {
    home.cleanup();
  }
});

Deno.test("shim list shows the real target and the lints and rules that apply", async () => {
  const home = await guardedHome();
  try {
    const result = await runCommand(ddcotermArgv("shim", "list", "--json"), { env: home.env });
    assertEquals(JSON.parse(decoder.decode(result.stdout)), [
      { name: "kubectl", target: `${home.stubDir}/kubectl`, lints: 1, rules: 4 },
    ]);
    const doctor = await runCommand(ddcotermArgv("shim", "doctor"), { env: home.env });
    assertEquals(doctor.code, 0, decoder.decode(doctor.stdout));
    const bashrc = Deno.readTextFileSync(`${home.home}/.bashrc`);
    assertEquals(bashrc.split("# >>> ddcoterm >>>").length, 2);
  } finally {
    home.cleanup();
  }
});

Deno.test("a shim never calls itself: duplicated PATH entries and symlinks back to it", async () => {
  const home = await guardedHome();
  try {
    const loop = `${home.home}/loop`;
    Deno.mkdirSync(loop);
    Deno.symlinkSync(`${home.env.DDCOTERM_HOME}/overrides/kubectl`, `${loop}/kubectl`);
    const overrides = `${home.env.DDCOTERM_HOME}/overrides`;
    const env = {
      ...home.env,
      PATH: `${overrides}:${loop}:${overrides}/:${home.stubDir}:/usr/bin:/bin`,
    };
    const found = await runCommand(["kubectl", "get", "ns"], { env });
    assertEquals(found.code, 3);
    assertStringIncludes(decoder.decode(found.stdout), "kubectl get ns");
    const none = { ...env, PATH: `${overrides}:${loop}` };
    const missing = await runCommand([`${loop}/kubectl`, "get", "ns"], { env: none });
    assertEquals(missing.code, 127);
    assertEquals(missing.stderr, "ddcoterm: kubectl: command not found\n");
  } finally {
    home.cleanup();
  }
});

Deno.test("deny refuses and a rule needing approval fails closed, naming break glass", async () => {
  const home = await guardedHome();
  try {
    const denied = await runCommand(["kubectl", "delete", "pod", "x"], { env: home.env });
    assertEquals(denied.code, 1);
    assertMatch(denied.stderr, /kubectl: denied by rule 2/);
    const gated = await runCommand(["kubectl", "--context", "prod", "scale", "deploy/web"], {
      env: home.env,
    });
    assertEquals(gated.code, 1);
    assertStringIncludes(gated.stderr, "Proceed with caution.");
    assertStringIncludes(gated.stderr, "COTERM_BREAK_GLASS");
    assertEquals(decoder.decode(gated.stdout), "", "the command did not run");
  } finally {
    home.cleanup();
  }
});

Deno.test("break glass runs the command recorded, with an audit event", async () => {
  const home = await guardedHome();
  try {
    const result = await runCommand(["kubectl", "--context", "prod", "scale", "deploy/web"], {
      env: { ...home.env, COTERM_BREAK_GLASS: "true" },
    });
    assertEquals(result.code, 3);
    assertStringIncludes(result.stderr, "COTERM_BREAK_GLASS is set");
    const [dir] = sessionDirs(home);
    const meta = JSON.parse(Deno.readTextFileSync(`${dir}/meta.json`));
    assertEquals(meta.actions.sort(), ["logs", "process_info", "record"]);
    const events = Deno.readTextFileSync(`${dir}/events.jsonl`).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    const glass = events.find((e) => e.type === "break_glass");
    assert(glass, "a break_glass event");
    assertEquals(glass.command, "kubectl --context prod scale deploy/web");
    assertEquals(glass.rule, 1);
  } finally {
    home.cleanup();
  }
});

Deno.test("a lint with no terminal to ask aborts without running the command", async () => {
  const home = await guardedHome();
  try {
    // setsid: no controlling terminal, so /dev/tty cannot be opened.
    const result = await runCommand(["setsid", "-w", "kubectl", "scale", "deploy/web"], {
      env: home.env,
    });
    assertEquals(result.code, 1);
    assertStringIncludes(result.stderr, "no terminal to ask");
    assertStringIncludes(result.stderr, "No kubectl context specified");
    assertEquals(decoder.decode(result.stdout), "");
  } finally {
    home.cleanup();
  }
});

Deno.test("inside a recorded session a shimmed command joins it instead of nesting", async () => {
  const home = await guardedHome();
  try {
    const result = await runCommand(
      ddcotermArgv("-q", "--", "bash", "-c", "kubectl exec web -- ls; echo after=$?"),
      { env: home.env },
    );
    assertEquals(result.code, 0, result.stderr);
    assertStringIncludes(decoder.decode(result.stdout), "kubectl exec web -- ls\n");
    assertStringIncludes(decoder.decode(result.stdout), "after=3");
    const dirs = sessionDirs(home);
    assertEquals(dirs.length, 1, "no nested session");
    const events = Deno.readTextFileSync(`${dirs[0]}/events.jsonl`);
    assertMatch(events, /"type":"guardrail","command":"kubectl exec web -- ls"/);
  } finally {
    home.cleanup();
  }
});

Deno.test("the lint prompt in a real terminal: n aborts, y runs", async () => {
  const home = await guardedHome();
  const tmux = await Tmux.start("env PS1='$ ' bash --norc --noprofile", { env: home.env });
  try {
    await tmux.waitForScreen(/\$ ?$/m);
    await tmux.type("kubectl scale deploy/web; echo rc=$?");
    await tmux.keys("Enter");
    await tmux.waitForScreen("Do you want to continue? (y/n)");
    assertStringIncludes(await tmux.screen(), "Warning from CoTerm: No kubectl context specified");
    await tmux.type("n");
    await tmux.keys("Enter");
    await tmux.waitForScreen("rc=1");
    await tmux.type("clear; kubectl scale deploy/web; echo rc=$?");
    await tmux.keys("Enter");
    await tmux.waitForScreen("Do you want to continue? (y/n)");
    await tmux.type("y");
    await tmux.keys("Enter");
    const screen = await tmux.waitForScreen("rc=3");
    assertStringIncludes(screen, "kubectl scale deploy/web");
    void ddcotermShell;
  } finally {
    await tmux.kill();
    home.cleanup();
  }
});
