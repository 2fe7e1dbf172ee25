import { assert, assertEquals, assertStringIncludes } from "@ddcoterm/assert";
import { ddcotermArgv, runCommand, tempHome, waitUntil } from "../lib/run.ts";
import { addUser, runServer } from "../lib/server.ts";

Deno.test({
  name: "a session with a server configured uploads while it runs and completely at the end",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const home = tempHome();
    const server = await runServer(home.env);
    try {
      const key = await addUser(home.env, "alice", "member");
      const init = await runCommand(ddcotermArgv("init", "--host", server.url, "--api-key", key), {
        env: home.env,
      });
      assertEquals(init.code, 0, init.stderr);
      const [cmd, ...args] = ddcotermArgv(
        "--",
        "bash",
        "-c",
        "echo first-line; sleep 2; echo second-line",
      );
      const child = new Deno.Command(cmd, {
        args,
        env: home.env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      let exited = false;
      child.status.then(() => exited = true);
      const auth = { Authorization: `Bearer ${key}` };
      let sessions: { id: string; live?: boolean }[] = [];
      // The session shows on the server, live, while the command still runs.
      await waitUntil(async () => {
        const response = await fetch(`${server.url}/api/v1/sessions`, { headers: auth });
        const body = await response.json();
        sessions = body.sessions ?? body.items ?? [];
        return sessions.length === 1;
      }, { what: "the session on the server", timeoutMs: 10000 });
      assert(!exited, "the session reached the server while its command still ran");
      const out = await child.output();
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 0, stderr);
      const id = sessions[0].id;
      assertStringIncludes(stderr, `${server.url}/sessions/${id}`);
      const verify = await runCommand(ddcotermArgv("verify", id), { env: home.env });
      assertEquals(verify.code, 0, `${verify.stderr}\n${new TextDecoder().decode(verify.stdout)}`);
      const cast = await fetch(`${server.url}/api/v1/sessions/${id}/cast`, { headers: auth });
      const text = await cast.text();
      assert(text.includes("first-line") && text.includes("second-line"), text.slice(0, 500));
    } finally {
      await server.stop();
      home.cleanup();
    }
  },
});
