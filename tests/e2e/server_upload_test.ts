/**
 * Real processes: a server, `ddcoterm upload` killed with SIGKILL mid-upload, a server
 * restart, then a second upload that resumes; the hash chain must be intact end to end.
 */
import { assert, assertEquals } from "@ddcoterm/assert";
import { ddcotermArgv, runCommand, tempHome, waitUntil } from "../lib/run.ts";
import { freePort, healthy, startServer } from "../lib/server.ts";

Deno.test({
  name: "an upload killed mid-way resumes after a server restart with the hash chain intact",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const home = tempHome();
    const port = freePort();
    let server: Deno.ChildProcess | undefined;
    try {
      const add = await runCommand(
        ddcotermArgv("server", "user", "add", "alice", "--role", "member", "--json"),
        { env: home.env },
      );
      assertEquals(add.code, 0, add.stderr);
      const { apiKey } = JSON.parse(new TextDecoder().decode(add.stdout));
      // A spool folder as the recorder leaves it: many short lines, so chunks stay small.
      const { uuidv7 } = await import("../../src/core/ids.ts");
      const id = uuidv7();
      const dir = `${home.env.DDCOTERM_HOME}/sessions/${id}`;
      Deno.mkdirSync(dir, { recursive: true });
      const lines = ['{"version":3,"term":{"cols":80,"rows":24}}'];
      for (let i = 0; i < 4000; i++) {
        lines.push(`[0.001, "o", "line ${i} of the recorded output\\r\\n"]`);
      }
      lines.push('[0.1, "x", "0"]');
      Deno.writeTextFileSync(`${dir}/session.cast`, lines.join("\n") + "\n");
      Deno.writeTextFileSync(
        `${dir}/events.jsonl`,
        JSON.stringify({
          t: 0.5,
          time: new Date().toISOString(),
          type: "exec",
          path: "/bin/ls",
          argv: ["ls"],
        }) + "\n",
      );
      const now = new Date().toISOString();
      Deno.writeTextFileSync(
        `${dir}/meta.json`,
        JSON.stringify({
          id,
          user: "alice",
          host: "h",
          cwd: "/",
          command: "sh",
          start: now,
          end: now,
          exitCode: 0,
        }),
      );
      // Small chunks at a slow rate: the upload takes seconds, so a kill lands in the middle.
      server = startServer(home.env, port, [
        "--max-chunk-bytes",
        "4096",
        "--max-upload-rate",
        "40000",
      ]);
      await waitUntil(() => healthy(port), { what: "the server" });
      const init = await runCommand(
        ddcotermArgv("init", "--host", `http://127.0.0.1:${port}`, "--api-key", apiKey),
        { env: home.env },
      );
      assertEquals(init.code, 0, init.stderr);

      const upload = new Deno.Command(ddcotermArgv()[0], {
        args: ddcotermArgv("upload").slice(1),
        env: home.env,
        clearEnv: true,
        stdout: "null",
        stderr: "null",
      }).spawn();
      await waitUntil(() => {
        try {
          return Deno.readTextFileSync(`${dir}/upload-chain.jsonl`).split("\n").length > 4;
        } catch {
          return false;
        }
      }, { what: "some chunks sent" });
      upload.kill("SIGKILL");
      await upload.status;
      server.kill("SIGKILL");
      await server.status;

      server = startServer(home.env, port);
      await waitUntil(() => healthy(port), { what: "the restarted server" });
      const resumed = await runCommand(ddcotermArgv("upload", "--json"), { env: home.env });
      assertEquals(resumed.code, 0, resumed.stderr);
      assertEquals(JSON.parse(new TextDecoder().decode(resumed.stdout)).uploaded.length, 1);

      const verify = await runCommand(ddcotermArgv("verify", dir.split("/").pop()!, "--json"), {
        env: home.env,
      });
      const report = JSON.parse(new TextDecoder().decode(verify.stdout));
      assertEquals(verify.code, 0, JSON.stringify(report));
      assert(
        report.server.cast.complete && report.server.cast.chunks >= 2,
        JSON.stringify(report.server),
      );

      // Tampering with the local copy breaks the chain.
      const cast = `${dir}/session.cast`;
      const bytes = Deno.readFileSync(cast);
      bytes[bytes.length - 10] = bytes[bytes.length - 10] === 0x31 ? 0x32 : 0x31;
      Deno.writeFileSync(cast, bytes);
      const broken = await runCommand(ddcotermArgv("verify", dir, "--local"), { env: home.env });
      assertEquals(broken.code, 1);
    } finally {
      if (server) {
        try {
          server.kill("SIGKILL");
          await server.status;
        } catch {
          // Already gone.
        }
      }
      home.cleanup();
    }
  },
});
