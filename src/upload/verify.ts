/**
 * `ddcoterm verify`: recomputes the sha256 of every chunk from the session files and checks
 * the chain, first against the local log of sent chunks (upload-chain.jsonl), then against
 * the server's list of stored chunks. Any edit, loss or reordering of bytes breaks a link.
 */
import type { Connection } from "./connection.ts";
import { CHAIN_LOG, sha256Hex, STREAM_FILES, type StreamName } from "./uploader.ts";

export interface ChainCheck {
  chunks: number;
  bytes: number;
  problems: string[];
}

export interface VerifyReport {
  id: string;
  local: Record<StreamName, ChainCheck & { fileBytes: number }>;
  server?: Record<StreamName, ChainCheck & { complete: boolean }>;
  ok: boolean;
}

interface Link {
  seq: number;
  offset: number;
  size: number;
  sha256: string;
  prev: string;
}

async function readRange(file: Deno.FsFile, offset: number, size: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(size);
  let filled = 0;
  while (filled < size) {
    const n = await file.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/**
 * `allowGaps`: the local log may lack a chunk (the client died between the server's answer and
 * the log write); the links around a gap are then left to the server check.
 */
async function checkChain(
  path: string,
  links: Link[],
  where: string,
  allowGaps = false,
): Promise<ChainCheck> {
  const problems: string[] = [];
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    if (links.length > 0) problems.push(`${path} is missing`);
  }
  let expectedOffset = 0;
  let prev = "";
  let bytes = 0;
  for (const [i, link] of links.entries()) {
    if (allowGaps && link.seq !== (i > 0 ? links[i - 1].seq + 1 : 0)) {
      expectedOffset = link.offset;
      prev = link.prev;
    }
    if (!allowGaps && link.seq !== i) {
      problems.push(`${where}: chunk ${i} is missing (found ${link.seq})`);
    }
    if (link.offset !== expectedOffset) {
      problems.push(
        `${where}: chunk ${link.seq} starts at byte ${link.offset}, expected ${expectedOffset}`,
      );
    }
    if (link.prev !== prev) {
      problems.push(`${where}: chunk ${link.seq} does not link to chunk ${link.seq - 1}`);
    }
    if (file) {
      const body = await readRange(file, link.offset, link.size);
      if (body.length !== link.size) {
        problems.push(`${where}: chunk ${link.seq} is past the end of ${path}`);
      } else if (await sha256Hex(body) !== link.sha256) {
        problems.push(
          `${where}: chunk ${link.seq} (bytes ${link.offset}–${
            link.offset + link.size
          }) does not match ${path}`,
        );
      }
    }
    expectedOffset = link.offset + link.size;
    prev = link.sha256;
    bytes += link.size;
    if (problems.length > 20) break;
  }
  file?.close();
  return { chunks: links.length, bytes, problems };
}

function localLinks(dir: string): Record<StreamName, Link[]> {
  const links: Record<StreamName, Link[]> = { cast: [], events: [] };
  let text = "";
  try {
    text = Deno.readTextFileSync(`${dir}/${CHAIN_LOG}`);
  } catch {
    return links;
  }
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line);
      const key = `${entry.stream}:${entry.seq}`;
      if (seen.has(key) || !(entry.stream in links)) continue;
      seen.add(key);
      links[entry.stream as StreamName].push(entry);
    } catch {
      // A line cut by a crash: the server check still covers that chunk.
    }
  }
  for (const list of Object.values(links)) list.sort((a, b) => a.seq - b.seq);
  return links;
}

export async function verifySession(
  dir: string,
  connection?: Connection,
  fetchImpl: typeof fetch = fetch,
): Promise<VerifyReport> {
  const id = dir.slice(dir.lastIndexOf("/") + 1);
  const links = localLinks(dir);
  const report: VerifyReport = { id, local: {} as VerifyReport["local"], ok: true };
  for (const stream of ["cast", "events"] as const) {
    const path = `${dir}/${STREAM_FILES[stream]}`;
    const fileBytes = await Deno.stat(path).then((s) => s.size, () => 0);
    report.local[stream] = {
      ...(await checkChain(path, links[stream], "local log", true)),
      fileBytes,
    };
  }
  if (connection) {
    report.server = {} as NonNullable<VerifyReport["server"]>;
    for (const stream of ["cast", "events"] as const) {
      const response = await fetchImpl(
        `${connection.url}/api/v1/sessions/${id}/streams/${stream}/chunks`,
        {
          headers: { authorization: `Bearer ${connection.apiKey}` },
          signal: AbortSignal.timeout(30_000),
        },
      );
      const path = `${dir}/${STREAM_FILES[stream]}`;
      if (response.status === 404) {
        await response.body?.cancel();
        report.server[stream] = {
          chunks: 0,
          bytes: 0,
          problems: ["the server has no such session"],
          complete: false,
        };
        continue;
      }
      if (!response.ok) {
        throw new Error(`The server answered HTTP ${response.status} for the chunk list of ${id}`);
      }
      const { chunks } = await response.json() as {
        chunks: { seq: number; offset: number; size: number; sha256: string; prevSha256: string }[];
      };
      const check = await checkChain(
        path,
        chunks.map((c) => ({
          seq: c.seq,
          offset: c.offset,
          size: c.size,
          sha256: c.sha256,
          prev: c.prevSha256,
        })),
        "server",
      );
      report.server[stream] = {
        ...check,
        complete: check.bytes === report.local[stream].fileBytes,
      };
    }
  }
  for (const check of [...Object.values(report.local), ...Object.values(report.server ?? {})]) {
    if (check.problems.length > 0) report.ok = false;
  }
  return report;
}
