/**
 * Where uploads go: `connection_config.host` (+ `port`) from config.yaml and the API key from
 * `DDCOTERM_API_KEY`, else $DDCOTERM_HOME/credentials (mode 0600, one line `api_key=KEY`),
 * else `connection_config.api_key`. CoTerm's default host (Datadog) means "no server".
 */
export interface Connection {
  /** Base URL, no trailing slash: http://127.0.0.1:8420 */
  url: string;
  apiKey: string;
}

const DATADOG_HOST = "https://app.datadoghq.com";

export function credentialsPath(home: string): string {
  return `${home}/credentials`;
}

export function readCredentials(home: string): string | undefined {
  try {
    for (const line of Deno.readTextFileSync(credentialsPath(home)).split("\n")) {
      const match = /^\s*api_key\s*=\s*(\S+)\s*$/.exec(line);
      if (match) return match[1];
    }
  } catch {
    // No credentials file.
  }
  return undefined;
}

/** Writes the credentials file with mode 0600 (atomically: a crash leaves old or new). */
export function writeCredentials(home: string, apiKey: string): string {
  Deno.mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = credentialsPath(home);
  const tmp = `${path}.${Deno.pid}.tmp`;
  Deno.writeTextFileSync(tmp, `# ddcoterm server API key (keep secret)\napi_key=${apiKey}\n`, {
    mode: 0o600,
  });
  Deno.chmodSync(tmp, 0o600);
  Deno.renameSync(tmp, path);
  return path;
}

/** host "http://h" + port 8420 → "http://h:8420"; a port already in the host URL wins. */
export function baseUrl(host: string, port: number | undefined): string {
  const url = new URL(host);
  const defaultPort = url.protocol === "https:" ? 443 : 80;
  if (url.port === "" && port !== undefined && port !== defaultPort) url.port = String(port);
  return url.origin + url.pathname.replace(/\/+$/, "");
}

export function resolveConnection(
  config: { host: string; port: number; apiKey?: string },
  home: string,
  env: { get(name: string): string | undefined } = Deno.env,
): Connection | null {
  if (!config.host || config.host.replace(/\/+$/, "") === DATADOG_HOST) return null;
  const apiKey = env.get("DDCOTERM_API_KEY") || readCredentials(home) || config.apiKey;
  if (!apiKey) return null;
  return { url: baseUrl(config.host, config.port), apiKey };
}

/** The web page of a session, for banners. */
export function sessionUrl(connection: Pick<Connection, "url">, id: string): string {
  return `${connection.url}/sessions/${id}`;
}
