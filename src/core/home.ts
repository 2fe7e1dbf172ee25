/** Where ddcoterm keeps everything: $DDCOTERM_HOME, default ~/.ddcoterm. */
export function ddcotermHome(env: { get(name: string): string | undefined } = Deno.env): string {
  const explicit = env.get("DDCOTERM_HOME");
  if (explicit) return explicit;
  const home = env.get("HOME");
  if (!home) return ".ddcoterm";
  return `${home}/.ddcoterm`;
}

export function sessionsDir(home: string): string {
  return `${home}/sessions`;
}

/** Where derived data is kept between runs (see cache_file.ts). */
export function cacheDir(home: string): string {
  return `${home}/cache`;
}

/** Shortens a path under $HOME to ~/… for messages. */
export function displayPath(path: string, home = Deno.env.get("HOME")): string {
  return home && path.startsWith(home + "/") ? "~" + path.slice(home.length) : path;
}
