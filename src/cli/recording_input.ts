import { type CastEventReader, readCastEvents } from "../cast/mod.ts";
import { UserError } from "../core/errors.ts";
import { ddcotermHome, sessionsDir } from "../core/home.ts";
import { resolveRecording } from "../record/store.ts";

/** Opens a recording named by a session id prefix or a file path, streaming its events. */
export async function openRecording(
  arg: string,
): Promise<{ reader: CastEventReader; path: string }> {
  const { castPath } = resolveRecording(sessionsDir(ddcotermHome()), arg);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(castPath);
  } catch (error) {
    throw new UserError(`Cannot open "${castPath}": ${(error as Error).message}`, 1);
  }
  return { reader: await readCastEvents(file.readable, { source: castPath }), path: castPath };
}
