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

export async function serveStatic(dir: string, path: string): Promise<Response | undefined> {
  const relative = path === "/" ? "index.html" : decodeURIComponent(path.slice(1));
  if (relative.split("/").some((part) => part === ".." || part.startsWith("."))) return undefined;
  let file: string;
  try {
    file = await Deno.realPath(`${dir}/${relative}`);
    const root = await Deno.realPath(dir);
    if (!file.startsWith(root + "/")) return undefined;
    if (!(await Deno.stat(file)).isFile) return undefined;
  } catch {
    return undefined;
  }
  const extension = file.slice(file.lastIndexOf(".") + 1);
  const body = await Deno.open(file, { read: true });
  return new Response(body.readable, {
    headers: {
      "content-type": TYPES[extension] ?? "application/octet-stream",
      "x-content-type-options": "nosniff",
      "content-security-policy":
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
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
