/**
 * The marked PATH block in shell start-up files, the same one install-ddcoterm.sh writes:
 * `bin`, then `overrides`, before the rest of PATH. Written once; never duplicated.
 */
export const BLOCK_BEGIN = "# >>> ddcoterm >>>";
export const BLOCK_END = "# <<< ddcoterm <<<";

export function posixBlock(home: string): string {
  const bin = `${home}/bin`;
  const overrides = `${home}/overrides`;
  return [
    BLOCK_BEGIN,
    "# Added by install-ddcoterm.sh: ddcoterm's bin, then its command shims, before the rest.",
    `case ":$PATH:" in`,
    `  *":${bin}:${overrides}:"*) ;;`,
    `  *) export PATH="${bin}:${overrides}:$PATH" ;;`,
    "esac",
    BLOCK_END,
  ].join("\n");
}

export function hasBlock(path: string): boolean {
  try {
    return Deno.readTextFileSync(path).split("\n").includes(BLOCK_BEGIN);
  } catch {
    return false;
  }
}

/** Adds the block to each rc file that lacks it; returns the files changed. */
export function ensurePathBlock(ddcotermHome: string, userHome: string): string[] {
  const changed: string[] = [];
  for (const rc of [`${userHome}/.bashrc`, `${userHome}/.zshrc`]) {
    if (hasBlock(rc)) continue;
    let current = "";
    try {
      current = Deno.readTextFileSync(rc);
    } catch {
      // A missing rc file is created.
    }
    const separator = current.length > 0 && !current.endsWith("\n") ? "\n" : "";
    Deno.writeTextFileSync(rc, current + separator + posixBlock(ddcotermHome) + "\n");
    changed.push(rc);
  }
  return changed;
}
