import { assertStringIncludes } from "@ddcoterm/assert";
import { Tmux } from "../lib/tmux.ts";
import { pendingRequest, startTeam } from "../lib/team.ts";

Deno.test({
  name: "in a real terminal the wait shows a live status line, then the approved command runs",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const team = await startTeam([
      { name: "alice", role: "member" },
      { name: "bob", role: "approver" },
    ]);
    const tmux = await Tmux.start("env PS1='$ ' bash --norc --noprofile", {
      env: team.people.alice.env,
    });
    try {
      await tmux.waitForScreen(/\$ ?$/m);
      await tmux.type("kubectl --context prod scale deploy/web; echo rc=$?");
      await tmux.keys("Enter");
      await tmux.waitForScreen("waiting for approval from bob");
      // The elapsed time ticks on the same line.
      const ticking = await tmux.waitForScreen(
        /waiting for approval from bob · 0:0[2-9] · \^C cancels/,
      );
      assertStringIncludes(ticking, "Scaling prod needs a second pair of eyes.");
      const request = await pendingRequest(team, "bob");
      await team.ddcoterm("bob", "approvals", "approve", request.id, "--comment", "go");
      const screen = await tmux.waitForScreen("rc=3");
      assertStringIncludes(screen, "approved by bob: go");
      assertStringIncludes(screen, "kubectl --context prod scale deploy/web");
    } finally {
      await tmux.kill();
      await team.cleanup();
    }
  },
});
