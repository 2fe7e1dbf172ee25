/**
 * Whether a chunk PUT may be stored: a pure decision over the stream's state, so the same rules
 * hold for every storage. The chain: each chunk names the sha256 of the chunk before it (the
 * empty string for seq 0), and the server accepts only the next seq whose `prev` matches.
 */
export interface StreamState {
  /** The seq the next new chunk must have (= chunks stored). */
  nextSeq: number;
  /** sha256 of the last stored chunk, "" when none. */
  lastSha256: string;
}

export interface ChunkClaim {
  seq: number;
  sha256: string;
  prevSha256: string;
}

export type ChunkDecision =
  | { kind: "append" }
  | { kind: "duplicate" }
  | { kind: "reject"; status: 400 | 409; message: string };

/** `stored` is the sha256 already stored at `claim.seq`, when there is one. */
export function decideChunk(
  state: StreamState,
  claim: ChunkClaim,
  stored: string | undefined,
): ChunkDecision {
  if (claim.seq < state.nextSeq) {
    if (stored === claim.sha256) return { kind: "duplicate" };
    return {
      kind: "reject",
      status: 409,
      message: `Chunk ${claim.seq} is already stored with a different body`,
    };
  }
  if (claim.seq > state.nextSeq) {
    return {
      kind: "reject",
      status: 409,
      message: `Chunk ${claim.seq} leaves a gap: the next chunk is ${state.nextSeq}`,
    };
  }
  if (claim.prevSha256 !== state.lastSha256) {
    return {
      kind: "reject",
      status: 409,
      message:
        `Chunk ${claim.seq} names previous hash "${claim.prevSha256}", expected "${state.lastSha256}"`,
    };
  }
  return { kind: "append" };
}
