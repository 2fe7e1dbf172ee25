/**
 * The two-person approval flow as a new team uses it, in a real browser (Debian's chromium):
 * alice's guarded command waits, bob sees it arrive in his inbox (no reload: the reviewer
 * stream), reads it and decides in the web UI, and alice's terminal goes on. Also: a decline,
 * nobody approving their own request, the break-glass review queue, incidents. Screenshots land
 * in test-results/screenshots/.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@ddcoterm/assert";
import type { Page } from "playwright-core";
import { chromiumAvailable, launchBrowser, screenshot, signIn } from "../lib/browser.ts";
import { waitUntil } from "../lib/run.ts";
import { type Person, spawnAs, startTeam, type Team } from "../lib/team.ts";

const SCALE = ["kubectl", "--context", "prod", "scale", "deploy/web", "--replicas=5"];
const SCALE_TEXT = SCALE.join(" ");

/** The stand-in kubectl succeeds here (the team's default one exits 3). */
function succeedingKubectl(person: Person): void {
  Deno.writeTextFileSync(
    `${person.home}/realbin/kubectl`,
    `#!/bin/sh\ndate +%s%N > '${person.stamp}'\nprintf 'kubectl %s\\n' "$*"\necho 'deployment.apps/web scaled'\nexit 0\n`,
    { mode: 0o755 },
  );
}

async function pendingFor(team: Team, who: string, requester: string): Promise<{ id: string }> {
  let found: { id: string } | undefined;
  await waitUntil(async () => {
    const response = await team.api(who, "GET", "/approvals?status=requested");
    const { approvals } = await response.json();
    found = approvals.find((a: { requester: string }) => a.requester === requester);
    return found !== undefined;
  }, { what: `a pending request from ${requester}`, timeoutMs: 30_000, intervalMs: 100 });
  return found!;
}

/** Opens the inbox through the navigation and waits until its stream is live. */
async function openInbox(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" })
    .click();
  await page.getByRole("heading", { name: "Approvals", exact: true }).waitFor();
  await page.getByText("Live: updates appear as they happen.").waitFor();
}

Deno.test({
  name:
    "bob approves alice's prod scale in the browser: it arrives live, her command runs, the request links its recording",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const team = await startTeam([
      { name: "alice", role: "member" },
      { name: "bob", role: "approver" },
    ]);
    const browser = await launchBrowser();
    const page = browser.page;
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    try {
      succeedingKubectl(team.people.alice);
      await signIn(page, team.server.url, team.people.bob.key);
      await openInbox(page);
      await page.getByText("Nothing waits for your review.").waitFor();
      await screenshot(page, "approvals-inbox-empty");
      // Marks this document: a reload would lose it.
      await page.evaluate(() => (globalThis as unknown as { marker: number }).marker = 42);

      const alice = spawnAs(team, "alice", SCALE);
      let id = "";

      await t.step("the request appears in bob's inbox without a reload", async () => {
        const row = page.locator("table.approvals tbody tr", { hasText: SCALE_TEXT });
        await row.waitFor({ timeout: 45_000 });
        assertEquals(
          await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker),
          42,
          "the page was not reloaded",
        );
        const text = await row.innerText();
        assertStringIncludes(text, "alice");
        assertStringIncludes(text, "Check the HPA first.");
        assertStringIncludes(text, "waiting");
        await page.getByRole("button", { name: "To review (1)" }).waitFor();
        await screenshot(page, "approvals-inbox-request");
        id = (await row.getAttribute("data-id"))!;
        assertMatch(id, /^[0-9a-f-]{36}$/);
      });

      await t.step(
        "bob opens it and reads the command, the messages and the reviewers",
        async () => {
          await page.getByRole("link", { name: SCALE_TEXT }).click();
          await page.waitForURL(new RegExp(`#/approvals/${id}$`));
          await page.getByRole("heading", { name: SCALE_TEXT }).waitFor();
          const summary = page.locator(".approval-summary");
          assertStringIncludes(await summary.innerText(), "Check the HPA first.");
          assertStringIncludes(
            await summary.innerText(),
            "Scaling prod needs a second pair of eyes.",
          );
          assertStringIncludes(await summary.innerText(), "Reviewers");
          assertStringIncludes(await summary.innerText(), "bob");
          const timeline = await page.locator(".approval-timeline").innerText();
          assertStringIncludes(timeline, "alice asked for approval");
          assertStringIncludes(timeline, "Reviewers asked: bob");
          await screenshot(page, "approval-request");
        },
      );

      await t.step("bob approves with a comment and alice's command runs", async () => {
        // The command has not started while it waits.
        let started = true;
        try {
          Deno.statSync(team.people.alice.stamp);
        } catch {
          started = false;
        }
        assertEquals(started, false, "the command waits for the approval");
        await page.getByLabel("Comment (required to decline)").fill("HPA checked, go ahead");
        await page.getByRole("button", { name: "Approve", exact: true }).click();
        const out = await alice.output;
        assertEquals(out.code, 0, out.stderr);
        assertStringIncludes(out.stdout, `kubectl ${SCALE.slice(1).join(" ")}`);
        assertStringIncludes(out.stdout, "deployment.apps/web scaled");
        assertStringIncludes(out.stderr, "approved by bob: HPA checked, go ahead");
        await page.locator(".badges").getByText("approved", { exact: true }).waitFor();
        const decisions = await page.locator("ol.decisions").innerText();
        assertStringIncludes(decisions, "Approved");
        assertStringIncludes(decisions, "HPA checked, go ahead");
      });

      await t.step("the request page then links the recording, without a reload", async () => {
        const link = page.locator("a[data-recording]");
        await link.waitFor({ timeout: 45_000 });
        const approval = await (await team.api("bob", "GET", `/approvals/${id}`)).json();
        assert(approval.sessionId, "the server linked a session");
        assertEquals(await link.getAttribute("href"), `#/sessions/${approval.sessionId}`);
        await page.locator(".approval-timeline").getByText("The command started, recorded")
          .waitFor();
        assertEquals(
          await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker),
          42,
        );
        await screenshot(page, "approval-approved");
        await link.click();
        await page.waitForURL(new RegExp(`#/sessions/${approval.sessionId}`));
        // A replay waits for a click on its start overlay (a live view plays by itself).
        await waitUntil(async () => {
          const text = await page.locator(".player .ap-term").innerText().catch(() => "");
          if (text.includes("deployment.apps/web scaled")) return true;
          const start = page.locator(".player .ap-overlay-start");
          if (await start.count()) await start.click().catch(() => {});
          return false;
        }, {
          what: "the recording shows the command's output",
          timeoutMs: 30_000,
          intervalMs: 200,
        });
        await page.locator("dl.meta").getByRole("link", { name: id }).waitFor();
        await screenshot(page, "approval-recording");
      });

      await t.step("the inbox is empty again and lists the request as approved", async () => {
        await openInbox(page);
        await page.getByText("Nothing waits for your review.").waitFor();
        await page.getByRole("button", { name: "Recent" }).click();
        const row = page.locator("table.approvals tbody tr", { hasText: SCALE_TEXT });
        assertStringIncludes(await row.innerText(), "approved");
      });

      await t.step("the terminal's link, <server>/approvals/<id>, opens the request", async () => {
        await page.goto(`${team.server.url}/approvals/${id}`);
        await page.getByRole("heading", { name: SCALE_TEXT }).waitFor();
        assert(page.url().endsWith(`/#/approvals/${id}`), page.url());
      });
      assertEquals(errors, []);
    } finally {
      await browser.close();
      await team.cleanup();
    }
  },
});

Deno.test({
  name:
    "in the browser: a decline stops the command with bob's comment, nobody approves their own request, break-glass runs are acknowledged, incidents declared and resolved",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const team = await startTeam([
      { name: "alice", role: "member" },
      { name: "bob", role: "approver" },
      { name: "carol", role: "approver" },
    ]);
    const browser = await launchBrowser();
    const page = browser.page;
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("dialog", (dialog) => dialog.accept());
    try {
      await signIn(page, team.server.url, team.people.bob.key);

      await t.step("bob declines with a comment: alice's command exits 1 with it", async () => {
        await openInbox(page);
        const alice = spawnAs(team, "alice", SCALE);
        const row = page.locator("table.approvals tbody tr", { hasText: SCALE_TEXT });
        await row.waitFor({ timeout: 45_000 });
        await row.getByRole("link").click();
        await page.getByRole("heading", { name: SCALE_TEXT }).waitFor();
        // A decline without a comment is stopped before it is sent.
        await page.getByRole("button", { name: "Decline" }).click();
        await page.getByText("Say why in the comment: a decline needs one.").waitFor();
        await page.getByLabel("Comment (required to decline)").fill("not during the freeze");
        await page.getByRole("button", { name: "Decline" }).click();
        const out = await alice.output;
        assertEquals(out.code, 1, out.stderr);
        assertStringIncludes(out.stderr, "declined by bob: not during the freeze");
        assertEquals(out.stdout, "", "the command did not run");
        await page.getByText("Declined: the command did not run.").waitFor();
        assertStringIncludes(
          await page.locator("ol.decisions").innerText(),
          "not during the freeze",
        );
        await screenshot(page, "approval-declined");
      });

      await t.step(
        "bob cannot approve his own request: the server's refusal is shown",
        async () => {
          const bob = spawnAs(team, "bob", SCALE);
          const own = await pendingFor(team, "carol", "bob");
          await page.goto(`${team.server.url}/approvals/${own.id}`);
          await page.getByRole("heading", { name: SCALE_TEXT }).waitFor();
          await page.getByText("This is your own request").waitFor();
          await page.getByRole("button", { name: "Approve", exact: true }).click();
          const alert = page.locator(".decision-form .form-error");
          await alert.getByText("Not allowed:").waitFor();
          assertStringIncludes(await alert.innerText(), "own");
          await screenshot(page, "approval-self-refused");
          const still = await (await team.api("bob", "GET", `/approvals/${own.id}`)).json();
          assertEquals(still.status, "requested");
          // He withdraws it instead; his command does not run.
          await page.getByRole("button", { name: "Withdraw it" }).click();
          await page.getByText("Withdrawn by the requester: the command did not run.").waitFor();
          const out = await bob.output;
          assertEquals(out.code, 1, out.stderr);
          assertEquals(out.stdout, "");
        },
      );

      await t.step("a break-glass run appears in the queue and bob acknowledges it", async () => {
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", {
          name: "Break glass",
        }).click();
        await page.getByRole("heading", { name: "Break-glass review" }).waitFor();
        await page.getByText("Live: updates appear as they happen.").waitFor();
        await page.getByText("No break-glass run waits for review.").waitFor();
        const out = await spawnAs(
          team,
          "alice",
          ["kubectl", "--context", "prod", "scale", "deploy/web"],
          { COTERM_BREAK_GLASS: "1" },
        ).output;
        assertEquals(out.code, 3, out.stderr);
        // It arrives through the stream once its recording is uploaded.
        const item = page.locator("li.review-item", {
          hasText: "kubectl --context prod scale deploy/web",
        });
        await item.waitFor({ timeout: 45_000 });
        assertStringIncludes(await item.innerText(), "alice");
        const [queued] = (await (await team.api("bob", "GET", "/break-glass")).json()).breakGlass;
        assertEquals(
          await item.getByRole("link", { name: "Watch the recording" }).getAttribute("href"),
          `#/sessions/${queued.sessionId}`,
        );
        await screenshot(page, "break-glass-queue");
        await item.getByRole("button", { name: "Acknowledge" }).click();
        await item.getByText("An acknowledgement needs a comment.").waitFor();
        await item.getByLabel("Comment").fill("outage fix, recording checked");
        await item.getByLabel("Comment").press("Enter");
        await page.getByText("No break-glass run waits for review.").waitFor();
        await page.getByRole("button", { name: "Acknowledged" }).click();
        const done = page.locator("li.review-item");
        assertStringIncludes(await done.innerText(), "Acknowledged by bob");
        assertStringIncludes(await done.innerText(), "outage fix, recording checked");
        await screenshot(page, "break-glass-acknowledged");
        const [stored] = (await (await team.api("bob", "GET", "/break-glass?status=all")).json())
          .breakGlass;
        assertEquals(stored.acknowledgedBy, "bob");
        await done.getByRole("link", { name: "Watch the recording" }).click();
        await page.waitForURL(new RegExp(`#/sessions/${queued.sessionId}`));
        await page.locator(".badges").getByText("break glass").first().waitFor();
      });

      await t.step("bob declares an incident and resolves it", async () => {
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", {
          name: "Incidents",
        }).click();
        await page.getByText("No active incident.").waitFor();
        await page.getByLabel("Title").fill("Checkout errors on web");
        await page.getByLabel("Responders").fill("bob, carol");
        await page.getByRole("button", { name: "Declare incident" }).click();
        const row = page.locator("table.grid tbody tr", { hasText: "Checkout errors on web" });
        await row.waitFor();
        assertStringIncludes(await row.innerText(), "bob, carol");
        await screenshot(page, "incidents");
        await row.getByRole("button", { name: /Resolve/ }).click();
        await page.getByText("No active incident.").waitFor();
        const { incidents } = await (await team.api("bob", "GET", "/incidents")).json();
        assertEquals(incidents[0].status, "resolved");
        assertEquals(incidents[0].resolvedBy, "bob");
      });
      assertEquals(errors, []);
    } finally {
      await browser.close();
      await team.cleanup();
    }
  },
});
