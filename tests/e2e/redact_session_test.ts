import { assert, assertStringIncludes } from "@ddcoterm/assert";
import { ddcotermShell, onlySessionDir, tempHome } from "../lib/run.ts";
import { Tmux } from "../lib/tmux.ts";

function randomAlnum(n: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => alphabet[b % 62]).join("");
}

/** Every file under `dir`, recursively. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...allFiles(path));
    else if (entry.isFile) out.push(path);
  }
  return out;
}

Deno.test("a recorded session with secrets leaves none of them in any file under DDCOTERM_HOME", async () => {
  const home = tempHome();
  const password = `Pw-${randomAlnum(14)}`;
  const awsSecret = randomAlnum(40);
  const bearer = ["ghp", randomAlnum(36)].join("_");
  Deno.writeTextFileSync(
    `${home.home}/.env`,
    `APP_NAME=demo\nDATABASE_PASSWORD=${password}x\nAWS_SECRET_ACCESS_KEY=${awsSecret}\n`,
  );
  const keyFile = `${home.home}/id_test`;
  const keygen = await new Deno.Command("openssl", {
    args: ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", keyFile],
    stderr: "null",
  }).output();
  assert(keygen.success, "openssl genpkey failed");
  const keyBody = Deno.readTextFileSync(keyFile).split("\n").filter((l) => !l.startsWith("-----"));

  const tmux = await Tmux.start(`${ddcotermShell("--capture-input")}`, {
    env: home.env,
    cols: 120,
    rows: 40,
  });
  try {
    await tmux.waitForScreen(/[$#] ?$/m);
    await tmux.type(`cd ${home.home}`);
    await tmux.keys("Enter");
    // A password typed at an echo-off prompt. Each wait matches a line the command prints, at
    // the start of a line, never the echo of the command line itself: typing the password
    // ahead of the prompt would type it with echo on.
    await tmux.type("read -s -p 'Password: ' pw; echo; echo got-${#pw}");
    await tmux.keys("Enter");
    await tmux.waitForScreen(/^Password: ?$/m);
    await tmux.type(password);
    await tmux.keys("Enter");
    await tmux.waitForScreen(new RegExp(`^got-${password.length}$`, "m"));
    await tmux.type("cat .env");
    await tmux.keys("Enter");
    await tmux.waitForScreen("APP_NAME=demo");
    await tmux.type(
      `curl -s -m 1 -H "Authorization: Bearer ${bearer}" http://127.0.0.1:9/ ; echo done-curl`,
    );
    await tmux.keys("Enter");
    await tmux.waitForScreen(/^done-curl$/m);
    await tmux.type("cat id_test; echo done-key");
    await tmux.keys("Enter");
    await tmux.waitForScreen(/^done-key$/m);
    await tmux.type("exit");
    await tmux.keys("Enter");
    await tmux.waitForScreen("ended (exit");

    const dir = onlySessionDir(home);
    const secrets = [password, awsSecret, bearer, ...keyBody.filter((l) => l.length >= 40)];
    for (const file of allFiles(`${home.env.DDCOTERM_HOME}`)) {
      const content = Deno.readTextFileSync(file);
      for (const secret of secrets) {
        // No run of 8 characters of a secret may survive.
        for (let i = 0; i + 8 <= secret.length; i += 4) {
          const piece = secret.slice(i, i + 8);
          assert(!content.includes(piece), `${file} contains part of a secret: ${piece}`);
        }
      }
    }
    const cast = Deno.readTextFileSync(`${dir}/session.cast`);
    assertStringIncludes(cast, "input hidden (echo off)");
    assertStringIncludes(cast, "APP_NAME=demo");
    assertStringIncludes(Deno.readTextFileSync(`${dir}/events.jsonl`), '"type":"redaction"');
  } finally {
    await tmux.kill();
    home.cleanup();
  }
});
