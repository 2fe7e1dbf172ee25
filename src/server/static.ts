import { resolveAsset } from "../web/assets.ts";

/** Files of the web UI; paths are resolved inside the folder only. */
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  woff2: "font/woff2",
  map: "application/json",
};

/**
 * The UI file for `path` (pages from `dir`, the player's files from `dir/vendor` or, in a
 * checkout, from the npm package), streamed with a strict content security policy:
 * 'wasm-unsafe-eval' because the player's terminal runs WebAssembly.
 */
export async function serveStatic(dir: string, path: string): Promise<Response | undefined> {
  const file = await resolveAsset(path, { webDir: dir });
  if (!file) return undefined;
  const extension = file.slice(file.lastIndexOf(".") + 1);
  const body = await Deno.open(file, { read: true });
  return new Response(body.readable, {
    headers: {
      "content-type": TYPES[extension] ?? "application/octet-stream",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
        "img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      "x-frame-options": "DENY",
    },
  });
}

/** The web UI folder beside this module when it has an index.html. */
export function defaultWebDir(): string | undefined {
  try {
    const dir = new URL("../web", import.meta.url).pathname;
    Deno.statSync(`${dir}/index.html`);
    return dir;
  } catch {
    return undefined;
  }
}
