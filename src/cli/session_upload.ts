import { type Config, DEFAULT_HOST } from "../config/mod.ts";
import type { SessionInfo } from "../record/mod.ts";

export interface SessionUpload {
  url(id: string): string;
  /** The session folder exists: start sending it while it is recorded. */
  begin(info: SessionInfo): void;
  /** Its files grew. */
  poke(): void;
  /** Tries to send the rest for a few seconds; false when something is left for later. */
  end(): Promise<boolean>;
}

/** How long the end of a session waits for its upload before leaving it to the next run. */
const FINISH_GRACE_MS = 3000;

/**
 * With a server configured: upload the session live, and catch up on what earlier sessions
 * left in the spool (in the background, never delaying the terminal). Null without a server.
 */
export async function startUpload(home: string, config: Config): Promise<SessionUpload | null> {
  // No server set up (CoTerm's default host): skip loading the uploader at all.
  if (config.connectionConfig.host.replace(/\/+$/, "") === DEFAULT_HOST) return null;
  const upload = await import("../upload/mod.ts");
  const connection = upload.resolveConnection(config.connectionConfig, home);
  if (!connection) return null;
  upload.uploadPending(home, connection, { perSessionTimeoutMs: 20_000 }).catch(() => {});
  let live: ReturnType<typeof upload.startLiveUpload> | null = null;
  return {
    url: (id) => upload.sessionUrl(connection, id),
    begin: (info) => {
      live = upload.startLiveUpload(info.dir, connection);
    },
    poke: () => live?.poke(),
    end: async () => {
      if (!live) return true;
      const { complete } = await live.finish(FINISH_GRACE_MS);
      return complete;
    },
  };
}
