/**
 * Browser tests: a real `ddcoterm server` with a temp data folder, real sessions recorded with
 * the real CLI and uploaded by the real client, and Debian's chromium driven by playwright-core
 * (never a downloaded browser).
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { ddcotermArgv, ROOT, runCommand, type TempHome, tempHome } from "./run.ts";
import { runServer } from "./server.ts";

export const CHROMIUM = Deno.env.get("DDCOTERM_CHROMIUM") ?? "/usr/bin/chromium";
export const SCREENSHOTS = `${ROOT}/test-results/screenshots`;

export function chromiumAvailable(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

const decoder = new TextDecoder();

/** A running server, an admin's API key, and a client home connected to it. */
export interface WebFixture {
  home: TempHome;
  /** The server itself. */
  serverUrl: string;
  /** Where the browser goes (the server itself). */
  url: string;
  apiKey: string;
  /** Runs `ddcoterm ARGS` as the connected client. */
  ddcoterm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Records `-- COMMAND` with the real CLI (uploads as it records) and returns its session id. */
  record(...command: string[]): Promise<string>;
  /** Starts a recording in the background; stop() ends it (SIGTERM) and waits. */
  recordInBackground(
    ...command: string[]
  ): { stop(): Promise<void>; done: Promise<Deno.CommandStatus> };
  close(): Promise<void>;
}

export async function startWebFixture(
  { serverArgs = [] }: { serverArgs?: string[] } = {},
): Promise<WebFixture> {
  const home = tempHome();
  const data = `${home.home}/server-data`;
  const env = home.env;
  const add = await runCommand(
    ddcotermArgv("server", "user", "add", "alice", "--role", "admin", "--json", "--data", data),
    { env },
  );
  if (add.code !== 0) throw new Error(`user add failed: ${add.stderr}`);
  const { apiKey } = JSON.parse(decoder.decode(add.stdout));
  const server = await runServer(env, ["--data", data, ...serverArgs]);
  const serverUrl = server.url;

  const ddcoterm = async (...args: string[]) => {
    const result = await runCommand(ddcotermArgv(...args), { env });
    return { code: result.code, stdout: decoder.decode(result.stdout), stderr: result.stderr };
  };
  const init = await ddcoterm("init", "--host", serverUrl, "--api-key", apiKey);
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);

  const sessionIds = () => {
    try {
      return [...Deno.readDirSync(`${env.DDCOTERM_HOME}/sessions`)].map((e) => e.name).sort();
    } catch {
      return [];
    }
  };
  const background: Deno.ChildProcess[] = [];

  return {
    home,
    serverUrl,
    url: serverUrl,
    apiKey,
    ddcoterm,
    async record(...command) {
      const before = new Set(sessionIds());
      const run = await ddcoterm("-q", "--", ...command);
      const id = sessionIds().find((name) => !before.has(name));
      if (!id) throw new Error(`No session recorded (exit ${run.code}): ${run.stderr}`);
      // The recorder uploads as it goes; upload --all makes sure the end is on the server.
      const upload = await ddcoterm("upload", "--all", "--json");
      if (upload.code !== 0) throw new Error(`upload failed: ${upload.stdout} ${upload.stderr}`);
      return id;
    },
    recordInBackground(...command) {
      const child = new Deno.Command(ddcotermArgv()[0], {
        args: ddcotermArgv("-q", "--", ...command).slice(1),
        env,
        clearEnv: true,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      background.push(child);
      return {
        done: child.status,
        async stop() {
          try {
            child.kill("SIGTERM");
          } catch {
            // Already ended.
          }
          await child.status;
        },
      };
    },
    async close() {
      for (const child of background) {
        try {
          child.kill("SIGKILL");
        } catch {
          // Already ended.
        }
        await child.status;
      }
      await server.stop();
      home.cleanup();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Debian's chromium, headless, with a fresh profile folder. */
export async function launchBrowser(): Promise<Browser> {
  const profile = Deno.makeTempDirSync({ prefix: "ddcoterm-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  // A loaded 2-core machine: be patient, but never sleep for correctness.
  page.setDefaultTimeout(20_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      Deno.removeSync(profile, { recursive: true });
    },
  };
}

/** Saves a screenshot under test-results/screenshots/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  Deno.mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the login form with an API key and waits for the sessions page. */
export async function signIn(page: Page, baseUrl: string, apiKey: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("API key", { exact: true }).fill(apiKey);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Sessions" }).waitFor();
}

/** The text the player's terminal shows now. */
export async function terminalText(page: Page): Promise<string> {
  return await page.locator(".player .ap-term").innerText();
}
