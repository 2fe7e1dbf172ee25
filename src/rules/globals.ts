import { type FlagTable, parseFlags } from "./flags.ts";
import type { KubeconfigInfo } from "./kubeconfig.ts";
import type { Invocation } from "./types.ts";

/** The values a snippet sees as globals (functions such as has_arg are added in Lua). */
export interface LuaGlobals {
  executable: string;
  args: string[];
  flags: FlagTable;
  short_flags: FlagTable;
  env: Record<string, string>;
  user: string;
  hostname: string;
  cwd: string;
  is_interactive: boolean;
  k8s_current_context?: string;
  k8s_context?: string;
  k8s_namespace?: string;
}

/** The basename of an executable path: rules and `command:` entries use it. */
export function commandName(executable: string): string {
  const parts = executable.split("/");
  return parts[parts.length - 1] || executable;
}

/** Builds the globals from the invocation and what was read from kubeconfig. Pure. */
export function buildGlobals(invocation: Invocation, kube: KubeconfigInfo | undefined): LuaGlobals {
  const { flags, shortFlags } = parseFlags(invocation.args);
  const globals: LuaGlobals = {
    executable: commandName(invocation.executable),
    args: [...invocation.args],
    flags,
    short_flags: shortFlags,
    env: { ...invocation.env },
    user: invocation.user,
    hostname: invocation.hostname,
    cwd: invocation.cwd,
    is_interactive: invocation.isInteractive,
  };
  const current = kube?.currentContext;
  if (current !== undefined) globals.k8s_current_context = current;
  // A bare `--context` (true) is not a context name, so only a string counts.
  const context = stringOrUndefined(flags.context) ?? current;
  if (context !== undefined) globals.k8s_context = context;
  const namespace = stringOrUndefined(flags.namespace) ??
    stringOrUndefined(shortFlags.n) ??
    (context !== undefined ? kube?.namespaces[context] : undefined);
  if (namespace !== undefined) globals.k8s_namespace = namespace;
  return globals;
}

function stringOrUndefined(value: string | true | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
