/**
 * The web UI in a real browser (Debian's chromium) against a real server, with sessions
 * recorded by the real CLI and uploaded by the real client. Screenshots land in
 * test-results/screenshots/.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@ddcoterm/assert";
import {
  chromiumAvailable,
  launchBrowser,
  screenshot,
  signIn,
  startWebFixture,
  terminalText,
} from "../lib/browser.ts";
import { waitUntil } from "../lib/run.ts";

// Pauses around each echo: an exec is timed when it happens, output when the recorder reads it.
const SCRIPT =
  "echo first-marker; sleep 0.7; sleep 1; echo second-marker; sleep 0.7; ls /usr >/dev/null; exit 3";

Deno.test({
  name: "the web UI signs in, lists, replays, seeks, searches and explores recorded sessions",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const fx = await startWebFixture();
    const browser = await launchBrowser();
    const page = browser.page;
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    try {
      const failing = await fx.record("bash", "-c", SCRIPT);
      const passing = await fx.record("bash", "-c", "echo all-good-here");

      await t.step("a wrong API key is refused with a message", async () => {
        await page.goto(`${fx.url}/`);
        await page.getByLabel("API key", { exact: true }).fill("ddc_not-a-real-key");
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByText("Those credentials were not accepted.").waitFor();
        await screenshot(page, "login-refused");
      });

      await t.step("signing in with an API key shows the sessions, newest first", async () => {
        await signIn(page, fx.url, fx.apiKey);
        const rows = page.locator("table.grid tbody tr");
        await waitUntil(async () => await rows.count() === 2, { what: "two sessions listed" });
        assertStringIncludes(await rows.nth(0).innerText(), "all-good-here");
        assertStringIncludes(await rows.nth(1).innerText(), "exit 3");
        await screenshot(page, "sessions");
      });

      await t.step(
        "the sessions list filters by exit status and shows an empty state",
        async () => {
          await page.getByLabel("Exit status").selectOption("failure");
          await page.getByRole("button", { name: "Apply" }).click();
          const rows = page.locator("table.grid tbody tr");
          await waitUntil(async () => await rows.count() === 1, { what: "one failed session" });
          assertStringIncludes(await rows.nth(0).innerText(), "second-marker");
          await page.getByLabel("Command").fill("no-such-command-anywhere");
          await page.getByRole("button", { name: "Apply" }).click();
          await page.getByText("No session matches these filters.").waitFor();
          await page.getByRole("link", { name: "Clear" }).click();
          await waitUntil(async () => await rows.count() === 2, { what: "filters cleared" });
        },
      );

      await t.step("a session page shows the screen of the moment it is asked for", async () => {
        await page.getByRole("link", { name: /second-marker/ }).click();
        await page.locator(".player[data-ready]").waitFor();
        // `ls` runs 0.7 s after the second echo: its screen shows both lines.
        await page.locator(".event-list").getByText("ls /usr", { exact: true }).click();
        await waitUntil(async () => (await terminalText(page)).includes("second-marker"), {
          what: "the screen after the second echo",
        });
        assertStringIncludes(await terminalText(page), "first-marker");
        await screenshot(page, "session-replay");
      });

      await t.step("clicking an earlier event seeks the player back to it", async () => {
        await page.locator(".event-list").getByText("sleep 1", { exact: true }).click();
        // A seek repaints the screen: wait for the whole expected state, not a blank moment.
        await waitUntil(async () => {
          const text = await terminalText(page);
          return text.includes("first-marker") && !text.includes("second-marker");
        }, { what: "the screen before the second echo" });
        const clock = await page.locator(".clock").innerText();
        assertMatch(clock, /^0:00\.\d$/);
        // The timeline's ticks seek too (keyboard: they are buttons).
        const tick = page.locator(".timeline .tick.type-exec").last();
        await tick.focus();
        await page.keyboard.press("Enter");
        await waitUntil(async () => (await terminalText(page)).includes("second-marker"), {
          what: "the screen after the last exec",
        });
      });

      await t.step(
        "a log search opens the replay at the moment the line was on screen",
        async () => {
          await page.getByRole("link", { name: "Logs", exact: true }).click();
          await page.getByLabel("Search terminal output").fill("second-marker");
          await page.getByLabel("Search terminal output").press("Enter");
          const hit = page.locator("li.hit").first();
          await hit.waitFor();
          assertStringIncludes(await hit.innerText(), "root@");
          await screenshot(page, "logs");
          await hit.locator("a.hit-link").click();
          await page.waitForURL(new RegExp(`#/sessions/${failing}\\?t=`));
          await waitUntil(async () => (await terminalText(page)).includes("second-marker"), {
            what: "the player at the search hit",
          });
          assertMatch(page.url(), /\?t=\d/);
        },
      );

      await t.step("the events explorer narrows with the query bar and facets", async () => {
        await page.getByRole("link", { name: "Events", exact: true }).first().click();
        await page.locator(".histogram").waitFor();
        await page.getByLabel("Query").fill("executable:ls");
        await page.getByLabel("Query").press("Enter");
        await page.getByText("1 event, newest first").waitFor();
        const row = page.locator("table.grid tbody tr");
        assertEquals(await row.count(), 1);
        assertStringIncludes(await row.innerText(), "ls /usr");
        // A facet adds a term to the query.
        await page.getByLabel("Query").fill("");
        await page.getByLabel("Query").press("Enter");
        await page.locator(".facet button.link", { hasText: "coterm_audit" }).click();
        await page.waitForURL(/source%3Acoterm_audit/);
        await page.getByText("2 events, newest first").waitFor();
        await screenshot(page, "events");
        await page.getByRole("link", { name: "Audit trail" }).click();
        await page.getByText("session.view").first().waitFor();
        await screenshot(page, "audit");
      });

      await t.step("signing out returns to the sign-in form", async () => {
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.getByRole("heading", { name: "Sign in to ddcoterm" }).waitFor();
        await page.goto(`${fx.url}/#/sessions/${passing}`);
        await page.getByRole("heading", { name: "Sign in to ddcoterm" }).waitFor();
      });
      assertEquals(errors, []);
    } finally {
      await browser.close();
      await fx.close();
    }
  },
});

Deno.test({
  name: "the live view follows a running session within a second and shows late joiners the screen",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const fx = await startWebFixture();
    const browser = await launchBrowser();
    const page = browser.page;
    try {
      // A line every 200 ms, each with the wall-clock time it was printed (ms).
      const run = fx.recordInBackground(
        "bash",
        "-c",
        "echo live-banner-line; for i in $(seq 1 600); do echo tick $(date +%s%3N); sleep 0.2; done",
      );
      await signIn(page, fx.url, fx.apiKey);
      // Join late: after the banner line has scrolled into the recording.
      await waitUntil(async () => {
        const response = await fetch(`${fx.serverUrl}/api/v1/sessions?live=true`, {
          headers: { authorization: `Bearer ${fx.apiKey}` },
        });
        const { sessions } = await response.json();
        return sessions.length === 1 && sessions[0].castBytes > 400;
      }, { what: "a live session on the server", timeoutMs: 30_000 });
      await page.reload();
      const row = page.locator("table.grid tbody tr.live");
      await row.waitFor();
      assertStringIncludes(await row.innerText(), "live");
      await screenshot(page, "sessions-live");
      await row.getByRole("link").click();
      await page.getByText("Live: following the session").waitFor();
      // The late viewer sees what was already on screen.
      await waitUntil(async () => (await terminalText(page)).includes("live-banner-line"), {
        what: "the current screen for a late viewer",
      });
      // Within a second: the newest line shown was printed less than 1 s ago (sampled, as the
      // upload runs every 300 ms on a loaded machine).
      let best = Infinity;
      await waitUntil(async () => {
        const stamps = [...(await terminalText(page)).matchAll(/tick (\d{13})/g)].map((m) =>
          Number(m[1])
        );
        if (stamps.length) best = Math.min(best, Date.now() - Math.max(...stamps));
        return best < 1000;
      }, { what: "the live view within 1 s of the terminal", timeoutMs: 20_000, intervalMs: 100 });
      assert(best < 1000, `lag ${best} ms`);
      await screenshot(page, "session-live");
      await run.stop();
      await page.locator(".live-banner", { hasText: "Session ended" }).waitFor({ timeout: 30_000 });
      await screenshot(page, "session-live-ended");
    } finally {
      await browser.close();
      await fx.close();
    }
  },
});

Deno.test({
  name: "a large recording replays segment by segment from the seek point",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // Chunks of at most 256 KiB, so the server keeps a seek snapshot every chunk or two.
    const fx = await startWebFixture({ serverArgs: ["--max-chunk-bytes", "262144"] });
    const browser = await launchBrowser();
    const page = browser.page;
    try {
      const id = await fx.record("bash", "-c", "seq 1 200000; sleep 0.5; echo the-very-end");
      const casts: string[] = [];
      page.on("request", (request) => {
        if (request.url().includes(`/sessions/${id}/cast`)) casts.push(request.url());
      });
      await signIn(page, fx.url, fx.apiKey);
      const session = await (await fetch(`${fx.serverUrl}/api/v1/sessions/${id}`, {
        headers: { authorization: `Bearer ${fx.apiKey}` },
      })).json();
      await page.goto(`${fx.url}/#/sessions/${id}?load=segments&t=${session.lastEventTime}`);
      await page.getByText(/loading in \d+ segments/).waitFor();
      const status = await page.locator(".player-status").innerText();
      const segments = Number(/loading in (\d+) segments/.exec(status)![1]);
      assert(segments >= 2, status);
      await waitUntil(async () => (await terminalText(page)).includes("the-very-end"), {
        what: "the last screen",
      });
      assertStringIncludes(await terminalText(page), "200000");
      // Only the last segment was needed: fetched from a seek point, not from the start.
      assert(casts.some((url) => /[?&]from=/.test(url)), casts.join("\n"));
      assert(!casts.some((url) => /[?&]seq=0/.test(url)), casts.join("\n"));
      await screenshot(page, "session-segmented");
    } finally {
      await browser.close();
      await fx.close();
    }
  },
});
