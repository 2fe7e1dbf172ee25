/**
 * Where the web UI's files are on disk: the pages and scripts in this folder, and the
 * asciinema-player bundle, looked for in this folder's `vendor/` first (where an installed
 * copy sits beside the bundled app) and then in the npm package (a checkout).
 */

/** The player's files: URL path → file name in the npm package's dist/bundle folder. */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  "/vendor/asciinema-player.min.js": "asciinema-player.min.js",
  "/vendor/asciinema-player.css": "asciinema-player.css",
};

export interface AssetDirs {
  /** The web UI folder (default: the folder of this module). */
  webDir?: string;
  /** The npm package's bundle folder (default: node_modules of this checkout). */
  playerDir?: string;
}

export function defaultWebDir(): string {
  return new URL(".", import.meta.url).pathname.replace(/\/$/, "");
}

export function defaultPlayerDir(): string {
  return new URL("../../node_modules/asciinema-player/dist/bundle", import.meta.url).pathname;
}

async function existingFile(path: string, root: string): Promise<string | undefined> {
  try {
    const real = await Deno.realPath(path);
    const realRoot = await Deno.realPath(root);
    if (!real.startsWith(realRoot + "/")) return undefined;
    return (await Deno.stat(real)).isFile ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file that answers a GET of `urlPath`, or undefined (then: 404). "/" is index.html;
 * paths with "..", hidden names or TypeScript sources are never served.
 *
 * @example
 * ```ts
 * const file = await resolveAsset("/vendor/asciinema-player.min.js");
 * // ".../src/web/vendor/asciinema-player.min.js" when present, else the npm package's copy
 * ```
 */
export async function resolveAsset(
  urlPath: string,
  dirs: AssetDirs = {},
): Promise<string | undefined> {
  const webDir = dirs.webDir ?? defaultWebDir();
  let relative: string;
  try {
    relative = urlPath === "/" ? "index.html" : decodeURIComponent(urlPath.replace(/^\/+/, ""));
  } catch {
    return undefined;
  }
  const parts = relative.split("/");
  if (parts.some((part) => part === "" || part === ".." || part.startsWith("."))) return undefined;
  // The server-side module itself (and any TypeScript) is not part of the UI.
  if (/\.tsx?$/.test(relative)) return undefined;
  const local = await existingFile(`${webDir}/${relative}`, webDir);
  if (local) return local;
  const vendor = VENDOR_FILES[`/${relative}`];
  if (!vendor) return undefined;
  const playerDir = dirs.playerDir ?? defaultPlayerDir();
  return await existingFile(`${playerDir}/${vendor}`, playerDir);
}
