/** Drives a real terminal (tmux) as a person would: type, read the screen, resize. */
import { waitUntil } from "./run.ts";

let counter = 0;

export class Tmux {
  private constructor(readonly socket: string, readonly env: Record<string, string>) {}

  /** Starts a detached tmux running `command` (a shell string) in a cols×rows window. */
  static async start(
    command: string,
    { env, cols = 100, rows = 30 }: { env: Record<string, string>; cols?: number; rows?: number },
  ): Promise<Tmux> {
    const socket = `ddcoterm-test-${Deno.pid}-${counter++}`;
    const tmux = new Tmux(socket, env);
    await tmux.tmux(
      "new-session",
      "-d",
      "-x",
      String(cols),
      "-y",
      String(rows),
      "-s",
      "main",
      command,
    );
    await tmux.tmux("set-option", "-g", "remain-on-exit", "on");
    return tmux;
  }

  async tmux(...args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-L", this.socket, "-f", "/dev/null", ...args],
      env: this.env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  }

  /** Types text literally (no key-name interpretation). */
  async type(text: string): Promise<void> {
    await this.tmux("send-keys", "-t", "main", "-l", text);
  }

  /** Sends key names: "Enter", "C-c", "C-z", "q", "Escape". */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux("send-keys", "-t", "main", ...keys);
  }

  async screen(): Promise<string> {
    return await this.tmux("capture-pane", "-p", "-t", "main");
  }

  async waitForScreen(
    pattern: RegExp | string,
    timeoutMs = 20000,
  ): Promise<string> {
    let last = "";
    try {
      await waitUntil(async () => {
        last = await this.screen();
        return typeof pattern === "string" ? last.includes(pattern) : pattern.test(last);
      }, { timeoutMs, what: `screen to show ${pattern}` });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`);
    }
    return last;
  }

  async resize(cols: number, rows: number): Promise<void> {
    await this.tmux("resize-window", "-t", "main", "-x", String(cols), "-y", String(rows));
  }

  /** Whether the program in the pane has ended. */
  async paneDead(): Promise<boolean> {
    return (await this.tmux("display-message", "-p", "-t", "main", "#{pane_dead}")).trim() === "1";
  }

  async kill(): Promise<void> {
    try {
      await this.tmux("kill-server");
    } catch {
      // Already gone.
    }
  }
}
