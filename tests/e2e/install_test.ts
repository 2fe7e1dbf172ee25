import { assert, assertEquals, assertMatch, assertStringIncludes } from "@ddcoterm/assert";
import { ROOT, runCommand, runInTerminal } from "../lib/run.ts";
import { runServer } from "../lib/server.ts";

const INSTALLER = `${ROOT}/install-ddcoterm.sh`;

function freshHome(): { home: string; env: Record<string, string> } {
  const home = Deno.makeTempDirSync({ prefix: "ddcoterm-install-" });
  const env: Record<string, string> = {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    TERM: "dumb",
  };
  Deno.writeTextFileSync(`${home}/.bashrc`, "# the user's own settings\nalias ll='ls -l'\n");
  return { home, env };
}

function read(path: string): string {
  return Deno.readTextFileSync(path);
}

Deno.test("the installer builds from a checkout, sets PATH once, and uninstalls cleanly", async () => {
  const { home, env } = freshHome();
  try {
    const first = await runCommand(["bash", INSTALLER], { env });
    assertEquals(first.code, 0, first.stderr);
    assertMatch(first.stderr, /built (a single executable with deno compile|the offline way)/);
    const bin = `${home}/.ddcoterm/bin/ddcoterm`;
    const version = await runCommand([bin, "--version"], { env });
    assertMatch(new TextDecoder().decode(version.stdout), /^ddcoterm \d+\.\d+\.\d+\n$/);
    assert(Deno.statSync(`${home}/.ddcoterm/overrides`).isDirectory);

    // The installed binary records.
    const recorded = await runCommand([bin, "-q", "--", "echo", "installed"], { env });
    assertEquals(new TextDecoder().decode(recorded.stdout), "installed\n");
    assertEquals([...Deno.readDirSync(`${home}/.ddcoterm/sessions`)].length, 1);
    // Lua rules run in the installed build (wasmoon and its glue.wasm are bundled).
    Deno.writeTextFileSync(
      `${home}/.ddcoterm/config.yaml`,
      "process_config:\n  commands:\n    - command: kubectl\n      rules:\n" +
        '        - rule: |\n            return flags.context == "prod"\n          actions: [deny]\n',
    );
    const rules = await runCommand([
      bin,
      "rules",
      "test",
      "--json",
      "--",
      "kubectl",
      "--context",
      "prod",
    ], {
      env,
    });
    assertEquals(rules.code, 0, rules.stderr);
    assertEquals(JSON.parse(new TextDecoder().decode(rules.stdout)).actions, ["deny"]);
    Deno.removeSync(`${home}/.ddcoterm/config.yaml`);
    Deno.removeSync(`${home}/.ddcoterm/config.yaml.cache.json`, { recursive: true });
    // The installed server serves the web UI and the player's files.
    const server = await runServer(env, [], [bin]);
    try {
      for (const path of ["/", "/js/main.js", "/vendor/asciinema-player.min.js"]) {
        const response = await fetch(`${server.url}${path}`);
        await response.body?.cancel();
        assertEquals(response.status, 200, path);
      }
    } finally {
      await server.stop();
    }
    // In a terminal, long enough for the proxy thread to take over from the main thread.
    const inPty = await runInTerminal(`${bin} -q -- bash -c 'sleep 0.5; echo late-output'`, {
      env,
    });
    assertEquals(inPty.code, 0);
    assertStringIncludes(new TextDecoder().decode(inPty.stdout), "late-output");

    // One marked block in each rc file, with bin then overrides first on PATH.
    const bashrc = read(`${home}/.bashrc`);
    const zshrc = read(`${home}/.zshrc`);
    assertStringIncludes(bashrc, "alias ll='ls -l'");
    assertEquals(bashrc.split("# >>> ddcoterm >>>").length, 2);
    assertEquals(zshrc.split("# >>> ddcoterm >>>").length, 2);
    const path = await runCommand(["bash", "-ic", 'echo "$PATH"'], { env });
    assertMatch(
      new TextDecoder().decode(path.stdout),
      new RegExp(`^${home}/\\.ddcoterm/bin:${home}/\\.ddcoterm/overrides:`),
    );

    // Installing again upgrades in place and leaves the rc files byte for byte unchanged.
    const second = await runCommand(["bash", INSTALLER], { env });
    assertEquals(second.code, 0, second.stderr);
    assertEquals(read(`${home}/.bashrc`), bashrc);
    assertEquals(read(`${home}/.zshrc`), zshrc);

    // --keep-data keeps sessions; a plain uninstall removes everything.
    const keep = await runCommand(["bash", INSTALLER, "--uninstall", "--keep-data"], { env });
    assertEquals(keep.code, 0, keep.stderr);
    assertEquals([...Deno.readDirSync(`${home}/.ddcoterm/sessions`)].length, 2);
    assert(!existsPath(bin));
    assertEquals(read(`${home}/.bashrc`), "# the user's own settings\nalias ll='ls -l'\n");
    assert(!read(`${home}/.zshrc`).includes("ddcoterm"));
    const remove = await runCommand(["bash", INSTALLER, "--uninstall"], { env });
    assertEquals(remove.code, 0, remove.stderr);
    assert(!existsPath(`${home}/.ddcoterm`));
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
});

Deno.test("the installer piped to bash installs a release only when its sha256 matches", async () => {
  const { home, env } = freshHome();
  try {
    // A stand-in release: any executable that answers --version.
    const release = `${home}/release-ddcoterm`;
    Deno.writeTextFileSync(release, '#!/bin/sh\necho "ddcoterm 9.9.9"\n');
    const sha = (await runCommand(["sha256sum", release])).stdout;
    const digest = new TextDecoder().decode(sha).split(" ")[0];
    const script = read(INSTALLER);

    const bad = await runCommand(["bash"], {
      env: { ...env, DDCOTERM_DOWNLOAD_URL: `file://${release}`, DDCOTERM_SHA256: "0".repeat(64) },
      stdin: script,
    });
    assertEquals(bad.code, 1);
    assertStringIncludes(bad.stderr, "sha256 mismatch");
    assert(!existsPath(`${home}/.ddcoterm/bin/ddcoterm`));

    const good = await runCommand(["bash", "-s", "--", "--no-modify-path"], {
      env: { ...env, DDCOTERM_DOWNLOAD_URL: `file://${release}`, DDCOTERM_SHA256: digest },
      stdin: script,
    });
    assertEquals(good.code, 0, good.stderr);
    assertStringIncludes(good.stderr, "sha256 verified");
    assertEquals(read(`${home}/.ddcoterm/bin/ddcoterm`), read(release));
    assert(!existsPath(`${home}/.zshrc`), "--no-modify-path must not create rc files");
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
});

Deno.test("the installer piped to bash with nothing to install says what it needs", async () => {
  const { home, env } = freshHome();
  try {
    const result = await runCommand(["bash"], { env, stdin: read(INSTALLER) });
    assertEquals(result.code, 1);
    assertStringIncludes(result.stderr, "set DDCOTERM_DOWNLOAD_URL and DDCOTERM_SHA256");
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
});

function existsPath(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
