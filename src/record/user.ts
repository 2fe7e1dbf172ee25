/** The user's login name: from the password database by uid, else the environment. */
export function currentUser(env: Record<string, string | undefined> = Deno.env.toObject()): string {
  const uid = Deno.uid();
  if (uid !== null) {
    try {
      for (const line of Deno.readTextFileSync("/etc/passwd").split("\n")) {
        const fields = line.split(":");
        if (fields[2] === String(uid)) return fields[0];
      }
    } catch {
      // No passwd file (some containers): fall back to the environment.
    }
  }
  return env.USER ?? env.LOGNAME ?? String(uid ?? "unknown");
}
