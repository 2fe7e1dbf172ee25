import { configPath } from "../config/mod.ts";
import { UserError } from "../core/errors.ts";
import { ddcotermHome, displayPath } from "../core/home.ts";
import { baseUrl, writeCredentials } from "../upload/mod.ts";
import { parseArgs } from "./args.ts";
import { printOut, say } from "./output.ts";

const HELP = `Usage: ddcoterm init [--host URL --api-key KEY] [--no-check]

Connects this machine to a ddcoterm server: writes connection_config (host and port) into
$DDCOTERM_HOME/config.yaml, keeping its comments, and the API key into
$DDCOTERM_HOME/credentials (mode 0600). With no options, asks for both. The key is checked
against the server unless --no-check. DDCOTERM_API_KEY, when set, overrides the stored key.

Options:
      --host URL      The server, e.g. http://127.0.0.1:8420
      --api-key KEY   An API key from "ddcoterm server user add"
      --no-check      Do not contact the server
  -h, --help          Show this help

Examples:
  ddcoterm init
  ddcoterm init --host http://127.0.0.1:8420 --api-key ddc_...`;

function splitHost(text: string): { host: string; port: number; url: string } {
  let url: URL;
  try {
    url = new URL(text.includes("://") ? text : `http://${text}`);
  } catch {
    throw new UserError(`Option "--host" expects a URL like http://127.0.0.1:8420, got "${text}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserError(`Option "--host" must be an http or https URL, got "${text}"`);
  }
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const host = `${url.protocol}//${
    url.hostname.includes(":") ? `[${url.hostname}]` : url.hostname
  }`;
  return { host, port, url: baseUrl(host, port) };
}

async function checkKey(url: string, apiKey: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new UserError(
      `Cannot reach the server at ${url}: ${
        (error as Error).message
      } (use --no-check to save anyway)`,
      1,
    );
  }
  if (response.status === 401) {
    await response.body?.cancel();
    throw new UserError(`The server at ${url} does not accept this API key`, 1);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UserError(`The server at ${url} answered HTTP ${response.status}`, 1);
  }
  const { user } = await response.json();
  return `${user.name} (${user.role})`;
}

/** Sets connection_config.host/port in config.yaml through the yaml Document API (comments stay). */
async function writeConnection(path: string, host: string, port: number): Promise<void> {
  const { parseDocument } = await import("yaml");
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new UserError(`Cannot read "${path}": ${(error as Error).message}`, 1);
    }
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new UserError(`Cannot update "${path}": ${doc.errors[0].message.split("\n")[0]}`, 1);
  }
  doc.setIn(["connection_config", "host"], host);
  doc.setIn(["connection_config", "port"], port);
  const dir = path.slice(0, path.lastIndexOf("/"));
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, doc.toString(), { mode: 0o600 });
  await Deno.rename(tmp, path);
}

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "host", type: "string" },
    { name: "api-key", type: "string" },
    { name: "no-check", type: "boolean" },
  ], { context: "ddcoterm init" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UserError(`ddcoterm init takes no arguments, got "${positionals[0]}"`);
  }
  let hostText = options.host as string | undefined;
  let apiKey = options["api-key"] as string | undefined;
  if (hostText === undefined || apiKey === undefined) {
    if (!Deno.stdin.isTerminal()) {
      throw new UserError("ddcoterm init needs --host and --api-key when not run in a terminal");
    }
    hostText ??= prompt("Server URL [http://127.0.0.1:8420]:")?.trim() || "http://127.0.0.1:8420";
    apiKey ??= prompt("API key (from ddcoterm server user add):")?.trim() ?? "";
  }
  if (!/^[\x21-\x7e]{8,512}$/.test(apiKey)) {
    throw new UserError('Option "--api-key" expects a key like ddc_… (printable, no spaces)');
  }
  const { host, port, url } = splitHost(hostText);
  const who = options["no-check"] ? undefined : await checkKey(url, apiKey);
  const home = ddcotermHome();
  const config = configPath({ DDCOTERM_HOME: home, HOME: Deno.env.get("HOME") });
  await writeConnection(config, host, port);
  const credentials = writeCredentials(home, apiKey);
  say(`server ${url} saved in ${displayPath(config)}, API key in ${displayPath(credentials)}`);
  if (who) say(`signed in as ${who}; new sessions upload as they are recorded`);
  return 0;
}
