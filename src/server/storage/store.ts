/**
 * Everything the server keeps, over either database: users and keys, sessions, chunks (the
 * bytes, stored as uploaded), the transcript lines and events indexed from them, and the audit
 * trail. One implementation; the few dialect differences are marked where they occur.
 */
import { Terminal } from "../../cast/vt/terminal.ts";
import { decideChunk } from "../index/chunk_rules.ts";
import { decodeCastChunk } from "../index/cast_chunk.ts";
import { decodeEventsChunk } from "../index/events_chunk.ts";
import { type SessionFields, validateMeta } from "../index/meta.ts";
import type { EventQuery } from "../index/query.ts";
import {
  captureScreen,
  type IndexState,
  initialState,
  restoreTerminal,
  type ScreenState,
} from "../index/screen.ts";
import { HttpError, InvalidInput } from "../http/errors.ts";
import { ApprovalStore, type IndexedAudit } from "./approvals.ts";
import type { Db, Row, SqlValue } from "./db.ts";
import {
  type AuditRecord,
  type ChunkInfo,
  type EventRecord,
  type LineHit,
  type Role,
  seesAll,
  type SessionDetail,
  type SessionFilter,
  type SessionSummary,
  type StreamInfo,
  type StreamName,
  type User,
  type Viewer,
} from "./types.ts";

/** A cast chunk stores a seek snapshot once this many bytes have passed since the last one. */
const SNAPSHOT_EVERY_BYTES = 256 * 1024;
/** A session with no end and no upload for this long is no longer shown as live. */
const LIVE_WINDOW_MS = 90_000;
const MAX_CACHED_TERMINALS = 500;

export interface ChangeNotice {
  session: string;
  kind: "cast" | "events" | "meta";
  seq?: number;
}

interface CachedIndexer {
  state: IndexState;
  terminal: Terminal;
  sink: { lines: { text: string; time: number }[] };
}

interface SessionRow extends Row {
  id: string;
  owner_id: number;
  owner_name?: string;
  user_name: string;
  host: string;
  command: string;
  title: string | null;
  start_ms: number;
  end_ms: number | null;
  duration: number | null;
  exit_code: number | null;
  redactions: number;
  actions: string;
  break_glass: number;
  meta: string | null;
  header: string | null;
  cast_seq: number;
  cast_sha: string;
  cast_bytes: number;
  cast_t: number;
  events_seq: number;
  events_sha: string;
  events_bytes: number;
  event_count: number;
  line_count: number;
  index_state: string | null;
  updated_at: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function iso(ms: number | null): string | null {
  return ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
}

function likePattern(text: string): string {
  return "%" + text.replace(/[\\%_]/g, (c) => "\\" + c) + "%";
}

export class Store {
  #indexers = new Map<string, CachedIndexer>();
  readonly #now: () => number;
  /** Approvals, incidents and the break-glass queue. */
  readonly approvals: ApprovalStore;
  /** Told after a commit that indexed break-glass runs or linked approved requests. */
  onAuditIndexed?: (found: IndexedAudit) => void;

  constructor(readonly db: Db, { now = Date.now }: { now?: () => number } = {}) {
    this.#now = now;
    this.approvals = new ApprovalStore(db, now);
  }

  get dialect(): "sqlite" | "postgres" {
    return this.db.dialect;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // ---- users, keys, web sessions ----

  async createUser(name: string, role: Role): Promise<User> {
    const existing = await this.db.get("SELECT id FROM users WHERE name = ?", [name]);
    if (existing) throw new HttpError(409, `A user named "${name}" already exists`);
    await this.db.run("INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)", [
      name,
      role,
      this.#now(),
    ]);
    return (await this.userByName(name))!;
  }

  async userByName(name: string): Promise<User | undefined> {
    const row = await this.db.get("SELECT * FROM users WHERE name = ?", [name]);
    return row ? toUser(row) : undefined;
  }

  async userById(id: number): Promise<User | undefined> {
    const row = await this.db.get("SELECT * FROM users WHERE id = ?", [id]);
    return row ? toUser(row) : undefined;
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.all("SELECT * FROM users ORDER BY name")).map(toUser);
  }

  async countUsers(): Promise<number> {
    const row = await this.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM users");
    return Number(row?.n ?? 0);
  }

  async updateUser(
    id: number,
    changes: { role?: Role; disabled?: boolean; passwordHash?: string | null },
  ): Promise<User> {
    if (changes.role !== undefined) {
      await this.db.run("UPDATE users SET role = ? WHERE id = ?", [changes.role, id]);
    }
    if (changes.disabled !== undefined) {
      await this.db.run("UPDATE users SET disabled = ? WHERE id = ?", [changes.disabled, id]);
      if (changes.disabled) {
        await this.db.run("DELETE FROM web_sessions WHERE user_id = ?", [id]);
      }
    }
    if (changes.passwordHash !== undefined) {
      await this.db.run("UPDATE users SET password_hash = ? WHERE id = ?", [
        changes.passwordHash,
        id,
      ]);
    }
    const user = await this.userById(id);
    if (!user) throw new HttpError(404, `No user with id ${id}`);
    return user;
  }

  async passwordHash(userId: number): Promise<string | null> {
    const row = await this.db.get<{ password_hash: string | null }>(
      "SELECT password_hash FROM users WHERE id = ?",
      [userId],
    );
    return row?.password_hash ?? null;
  }

  async addApiKey(userId: number, keyHash: string, prefix: string): Promise<void> {
    await this.db.run(
      "INSERT INTO api_keys (user_id, key_hash, prefix, created_at) VALUES (?, ?, ?, ?)",
      [userId, keyHash, prefix, this.#now()],
    );
  }

  async listApiKeys(userId: number): Promise<{ id: number; prefix: string; createdAt: string }[]> {
    const rows = await this.db.all<{ id: number; prefix: string; created_at: number }>(
      "SELECT id, prefix, created_at FROM api_keys WHERE user_id = ? ORDER BY id",
      [userId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      prefix: r.prefix,
      createdAt: iso(r.created_at)!,
    }));
  }

  async deleteApiKey(userId: number, keyId: number): Promise<boolean> {
    return (await this.db.run("DELETE FROM api_keys WHERE id = ? AND user_id = ?", [
      keyId,
      userId,
    ])) > 0;
  }

  async userByKeyHash(keyHash: string): Promise<User | undefined> {
    const row = await this.db.get(
      "SELECT u.* FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?",
      [keyHash],
    );
    return row ? toUser(row) : undefined;
  }

  async createWebSession(
    tokenHash: string,
    userId: number,
    csrf: string,
    ttlMs: number,
  ): Promise<void> {
    const now = this.#now();
    await this.db.run("DELETE FROM web_sessions WHERE expires_at < ?", [now]);
    await this.db.run(
      "INSERT INTO web_sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      [tokenHash, userId, csrf, now, now + ttlMs],
    );
  }

  async webSession(tokenHash: string): Promise<{ user: User; csrf: string } | undefined> {
    const row = await this.db.get<Row & { csrf: string }>(
      "SELECT u.*, w.csrf FROM web_sessions w JOIN users u ON u.id = w.user_id WHERE w.token_hash = ? AND w.expires_at > ?",
      [tokenHash, this.#now()],
    );
    return row ? { user: toUser(row), csrf: row.csrf } : undefined;
  }

  async deleteWebSession(tokenHash: string): Promise<void> {
    await this.db.run("DELETE FROM web_sessions WHERE token_hash = ?", [tokenHash]);
  }

  // ---- audit ----

  async audit(
    viewer: Viewer | null,
    action: string,
    sessionId: string | null,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.db.run(
      "INSERT INTO audit (at, user_id, user_name, action, session_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
      [
        this.#now(),
        viewer?.id ?? null,
        viewer?.name ?? "",
        action,
        sessionId,
        JSON.stringify(detail),
      ],
    );
  }

  async listAudit(
    { sessionId, user, limit, beforeId }: {
      sessionId?: string;
      user?: string;
      limit: number;
      beforeId?: number;
    },
  ): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (sessionId) (where.push("session_id = ?"), params.push(sessionId));
    if (user) (where.push("user_name = ?"), params.push(user));
    if (beforeId) (where.push("id < ?"), params.push(beforeId));
    params.push(limit);
    const rows = await this.db.all<Row>(
      `SELECT * FROM audit ${
        where.length ? "WHERE " + where.join(" AND ") : ""
      } ORDER BY id DESC LIMIT ?`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: iso(r.at as number)!,
      user: r.user_name as string,
      action: r.action as string,
      sessionId: (r.session_id as string | null) ?? null,
      detail: JSON.parse(r.detail as string),
    }));
  }

  // ---- sessions ----

  async #sessionRow(id: string, lock: boolean, db: Db = this.db): Promise<SessionRow | undefined> {
    const forUpdate = lock && this.dialect === "postgres" ? " FOR UPDATE" : "";
    return await db.get<SessionRow>(`SELECT * FROM sessions WHERE id = ?${forUpdate}`, [id]);
  }

  /** The session row for an upload, created on first contact; 403 when another user owns it. */
  async #ownedRow(tx: Db, owner: Viewer, id: string, startMs: number): Promise<SessionRow> {
    let row = await this.#sessionRow(id, true, tx);
    if (!row) {
      const now = this.#now();
      await tx.run(
        `INSERT INTO sessions (id, owner_id, user_name, start_ms, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [id, owner.id, owner.name, startMs, now, now],
      );
      row = await this.#sessionRow(id, true, tx);
    }
    if (Number(row!.owner_id) !== owner.id) {
      throw new HttpError(403, `Session ${id} belongs to another user`);
    }
    return row!;
  }

  async putMeta(owner: Viewer, id: string, meta: unknown, startMs: number): Promise<void> {
    const fields: SessionFields = validateMeta(meta, id);
    const text = JSON.stringify(meta);
    if (text.length > 64 * 1024) throw new InvalidInput("meta.json is larger than 64 KiB");
    await this.db.transaction(async (tx) => {
      await this.#ownedRow(tx, owner, id, startMs);
      await tx.run(
        `UPDATE sessions SET user_name = ?, host = ?, command = ?, title = ?, start_ms = ?,
         end_ms = ?, duration = ?, exit_code = ?, redactions = ?, actions = ?, meta = ?,
         updated_at = ? WHERE id = ?`,
        [
          fields.user,
          fields.host,
          fields.command,
          fields.title,
          fields.startMs,
          fields.endMs,
          fields.duration,
          fields.exitCode,
          fields.redactions,
          JSON.stringify(fields.actions),
          text,
          this.#now(),
          id,
        ],
      );
    });
    await this.db.notify(JSON.stringify({ session: id, kind: "meta" } satisfies ChangeNotice));
  }

  async streams(id: string): Promise<Record<StreamName, StreamInfo> | undefined> {
    const row = await this.#sessionRow(id, false);
    return row ? streamsOf(row) : undefined;
  }

  async ownerOf(id: string): Promise<number | undefined> {
    const row = await this.db.get<{ owner_id: number }>(
      "SELECT owner_id FROM sessions WHERE id = ?",
      [id],
    );
    return row ? Number(row.owner_id) : undefined;
  }

  /** The session if `viewer` may see it; undefined when it does not exist or is not theirs. */
  async session(viewer: Viewer, id: string): Promise<SessionDetail | undefined> {
    const row = await this.db.get<SessionRow>(
      "SELECT s.*, u.name AS owner_name FROM sessions s JOIN users u ON u.id = s.owner_id WHERE s.id = ?",
      [id],
    );
    if (!row || (!seesAll(viewer) && Number(row.owner_id) !== viewer.id)) return undefined;
    return {
      ...this.#summary(row),
      meta: row.meta ? JSON.parse(row.meta) : null,
      streams: streamsOf(row),
    };
  }

  #summary(row: SessionRow): SessionSummary {
    return {
      id: row.id,
      owner: row.owner_name ?? "",
      user: row.user_name,
      host: row.host,
      command: row.command,
      title: row.title ?? null,
      start: iso(row.start_ms)!,
      end: iso(row.end_ms),
      durationSeconds: row.duration ?? null,
      exitCode: row.exit_code === null ? null : Number(row.exit_code),
      redactions: Number(row.redactions),
      actions: JSON.parse(row.actions),
      breakGlass: Number(row.break_glass) === 1,
      live: row.end_ms === null && Number(row.updated_at) > this.#now() - LIVE_WINDOW_MS,
      castBytes: Number(row.cast_bytes),
      eventCount: Number(row.event_count),
      lastEventTime: Number(row.cast_t),
    };
  }

  async listSessions(
    viewer: Viewer,
    filter: SessionFilter,
  ): Promise<{ sessions: SessionSummary[]; total: number }> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (clause: string, ...values: SqlValue[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (!seesAll(viewer)) add("s.owner_id = ?", viewer.id);
    if (filter.user) add("(s.user_name = ? OR u.name = ?)", filter.user, filter.user);
    if (filter.host) add("s.host = ?", filter.host);
    if (filter.command) add("s.command LIKE ? ESCAPE '\\'", likePattern(filter.command));
    if (filter.fromMs !== undefined) add("s.start_ms >= ?", filter.fromMs);
    if (filter.toMs !== undefined) add("s.start_ms < ?", filter.toMs);
    if (filter.exit === "success") add("s.exit_code = 0");
    else if (filter.exit === "failure") add("s.exit_code <> 0");
    else if (filter.exit === "running") add("s.end_ms IS NULL");
    else if (typeof filter.exit === "number") add("s.exit_code = ?", filter.exit);
    if (filter.action) add("s.actions LIKE ? ESCAPE '\\'", likePattern(`"${filter.action}"`));
    if (filter.breakGlass !== undefined) add("s.break_glass = ?", filter.breakGlass ? 1 : 0);
    if (filter.live !== undefined) {
      if (filter.live) add("(s.end_ms IS NULL AND s.updated_at > ?)", this.#now() - LIVE_WINDOW_MS);
      else add("NOT (s.end_ms IS NULL AND s.updated_at > ?)", this.#now() - LIVE_WINDOW_MS);
    }
    const order = {
      "start": "s.start_ms ASC",
      "-start": "s.start_ms DESC",
      "duration": "s.duration ASC",
      "-duration": "s.duration DESC",
      "user": "s.user_name ASC, s.start_ms DESC",
      "host": "s.host ASC, s.start_ms DESC",
    }[filter.sort ?? "-start"];
    const from = "FROM sessions s JOIN users u ON u.id = s.owner_id" +
      (where.length ? " WHERE " + where.join(" AND ") : "");
    const rows = await this.db.all<SessionRow>(
      `SELECT s.*, u.name AS owner_name ${from} ORDER BY ${order}, s.id DESC LIMIT ? OFFSET ?`,
      [...params, filter.limit, filter.offset],
    );
    const total = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, params);
    return { sessions: rows.map((r) => this.#summary(r)), total: Number(total?.n ?? 0) };
  }

  // ---- chunks ----

  /**
   * Stores chunk `seq` of a stream and indexes it, in one transaction: a rejected chunk
   * changes nothing. Returns "created", or "duplicate" for the same chunk sent again.
   */
  async putChunk(
    owner: Viewer,
    id: string,
    stream: StreamName,
    claim: { seq: number; sha256: string; prevSha256: string },
    body: Uint8Array,
    startMs: number,
  ): Promise<{ result: "created" | "duplicate"; streams: Record<StreamName, StreamInfo> }> {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      throw new InvalidInput(`The ${stream} chunk is not valid UTF-8`);
    }
    if (text.includes("\u0000")) throw new InvalidInput(`The ${stream} chunk holds a NUL byte`);
    let outcome: "created" | "duplicate" = "created";
    let streams: Record<StreamName, StreamInfo>;
    let indexed: IndexedAudit | undefined;
    try {
      streams = await this.db.transaction(async (tx) => {
        const row = await this.#ownedRow(tx, owner, id, startMs);
        const state = stream === "cast"
          ? { nextSeq: Number(row.cast_seq), lastSha256: row.cast_sha }
          : { nextSeq: Number(row.events_seq), lastSha256: row.events_sha };
        let stored: string | undefined;
        if (claim.seq < state.nextSeq) {
          stored = (await tx.get<{ sha256: string }>(
            "SELECT sha256 FROM chunks WHERE session_id = ? AND stream = ? AND seq = ?",
            [id, stream, claim.seq],
          ))?.sha256;
        }
        const decision = decideChunk(state, claim, stored);
        if (decision.kind === "reject") throw new HttpError(decision.status, decision.message);
        if (decision.kind === "duplicate") {
          outcome = "duplicate";
          return streamsOf(row);
        }
        if (stream === "cast") await this.#appendCast(tx, row, claim, body, text);
        else indexed = await this.#appendEvents(tx, owner, row, claim, body, text);
        return streamsOf((await this.#sessionRow(id, false, tx))!);
      });
    } catch (error) {
      this.#indexers.delete(id); // Its terminal may hold half of a rolled-back chunk.
      throw error;
    }
    if (outcome === "created") {
      await this.db.notify(
        JSON.stringify({ session: id, kind: stream, seq: claim.seq } satisfies ChangeNotice),
      );
    }
    if (indexed && (indexed.breakGlass.length > 0 || indexed.linkedApprovals.length > 0)) {
      this.onAuditIndexed?.(indexed);
    }
    return { result: outcome, streams };
  }

  #indexer(row: SessionRow, header: { cols: number; rows: number }): CachedIndexer {
    const expected = Number(row.cast_seq) - 1;
    const cached = this.#indexers.get(row.id);
    if (cached && cached.state.seq === expected) {
      // Refresh its place in the insertion order (least recently used goes first).
      this.#indexers.delete(row.id);
      this.#indexers.set(row.id, cached);
      return cached;
    }
    const state: IndexState = row.index_state
      ? JSON.parse(row.index_state)
      : initialState(header.cols, header.rows);
    const sink = { lines: [] as { text: string; time: number }[] };
    const terminal = restoreTerminal(state.screen, (text, time) => sink.lines.push({ text, time }));
    const indexer = { state, terminal, sink };
    this.#indexers.set(row.id, indexer);
    while (this.#indexers.size > MAX_CACHED_TERMINALS) {
      this.#indexers.delete(this.#indexers.keys().next().value!);
    }
    return indexer;
  }

  async #appendCast(
    tx: Db,
    row: SessionRow,
    claim: { seq: number; sha256: string; prevSha256: string },
    body: Uint8Array,
    text: string,
  ): Promise<void> {
    const decoded = decodeCastChunk(text, row.header, Number(row.cast_t));
    const indexer = this.#indexer(row, decoded.header);
    const before = indexer.state;
    const snapshot = claim.seq === 0 || before.bytesSinceSnapshot >= SNAPSHOT_EVERY_BYTES
      ? JSON.stringify(before.screen)
      : null;
    const terminal = indexer.terminal;
    indexer.sink.lines = [];
    let finished = before.finished;
    for (const event of decoded.events) {
      if (event.code === "o") terminal.write(event.data, event.time);
      else if (event.code === "r") {
        const size = /^(\d+)x(\d+)$/.exec(event.data);
        if (size) terminal.resize(Number(size[1]), Number(size[2]), event.time);
      } else if (event.code === "x" && !finished) {
        terminal.finish(event.time);
        finished = true;
      }
    }
    const lines = indexer.sink.lines;
    indexer.sink.lines = [];
    const state: IndexState = {
      seq: claim.seq,
      time: decoded.lastTime,
      lineNo: before.lineNo + lines.length,
      bytesSinceSnapshot: snapshot !== null ? body.length : before.bytesSinceSnapshot + body.length,
      finished,
      screen: captureScreen(terminal),
    };
    const first = decoded.events[0]?.time ?? null;
    const last = decoded.events.length ? decoded.lastTime : null;
    await tx.run(
      `INSERT INTO chunks (session_id, stream, seq, offset_bytes, size, sha256, prev_sha256,
       t_before, t_first, t_last, snapshot, body, created_at)
       VALUES (?, 'cast', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        claim.seq,
        Number(row.cast_bytes),
        body.length,
        claim.sha256,
        claim.prevSha256,
        Number(row.cast_t),
        first,
        last,
        snapshot,
        body,
        this.#now(),
      ],
    );
    await insertLines(tx, row.id, before.lineNo, lines);
    await tx.run(
      `UPDATE sessions SET cast_seq = ?, cast_sha = ?, cast_bytes = ?, cast_t = ?, header = ?,
       index_state = ?, line_count = ?, updated_at = ? WHERE id = ?`,
      [
        claim.seq + 1,
        claim.sha256,
        Number(row.cast_bytes) + body.length,
        decoded.lastTime,
        row.header ?? decoded.headerLine!,
        JSON.stringify(state),
        state.lineNo,
        this.#now(),
        row.id,
      ],
    );
    indexer.state = state;
  }

  /** `owner` is the row's owner (checked by #ownedRow). */
  async #appendEvents(
    tx: Db,
    owner: Viewer,
    row: SessionRow,
    claim: { seq: number; sha256: string; prevSha256: string },
    body: Uint8Array,
    text: string,
  ): Promise<IndexedAudit> {
    const events = decodeEventsChunk(text, Number(row.event_count), {
      user: row.user_name,
      host: row.host,
      startMs: Number(row.start_ms),
    });
    await tx.run(
      `INSERT INTO chunks (session_id, stream, seq, offset_bytes, size, sha256, prev_sha256,
       t_before, t_first, t_last, snapshot, body, created_at)
       VALUES (?, 'events', ?, ?, ?, ?, ?, 0, ?, ?, NULL, ?, ?)`,
      [
        row.id,
        claim.seq,
        Number(row.events_bytes),
        body.length,
        claim.sha256,
        claim.prevSha256,
        events[0]?.t ?? null,
        events.at(-1)?.t ?? null,
        body,
        this.#now(),
      ],
    );
    for (let i = 0; i < events.length; i += 200) {
      const batch = events.slice(i, i + 200);
      await tx.run(
        `INSERT INTO events (session_id, line_no, t, time_ms, type, source, user_name, host,
         executable, data) VALUES ${batch.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
        batch.flatMap((e) => [
          row.id,
          e.lineNo,
          e.t,
          e.timeMs,
          e.type,
          e.source,
          e.user,
          e.host,
          e.executable,
          e.data,
        ]),
      );
    }
    const breakGlass = events.some((e) => e.type === "break_glass") ? 1 : Number(row.break_glass);
    await tx.run(
      `UPDATE sessions SET events_seq = ?, events_sha = ?, events_bytes = ?, event_count = ?,
       break_glass = ?, updated_at = ? WHERE id = ?`,
      [
        claim.seq + 1,
        claim.sha256,
        Number(row.events_bytes) + body.length,
        Number(row.event_count) + events.length,
        breakGlass,
        this.#now(),
        row.id,
      ],
    );
    return await this.approvals.indexEvents(tx, {
      id: row.id,
      ownerId: owner.id,
      ownerName: owner.name,
      user: row.user_name,
      host: row.host,
    }, events);
  }

  async listChunks(id: string, stream: StreamName): Promise<ChunkInfo[]> {
    const rows = await this.db.all<Row>(
      `SELECT seq, offset_bytes, size, sha256, prev_sha256, t_first, t_last,
       (snapshot IS NOT NULL) AS seekable FROM chunks WHERE session_id = ? AND stream = ?
       ORDER BY seq`,
      [id, stream],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      offset: Number(r.offset_bytes),
      size: Number(r.size),
      sha256: r.sha256 as string,
      prevSha256: r.prev_sha256 as string,
      tFirst: r.t_first === null ? null : Number(r.t_first),
      tLast: r.t_last === null ? null : Number(r.t_last),
      seekable: r.seekable === true || Number(r.seekable) === 1,
    }));
  }

  /** Chunk bodies from `fromSeq` on, one query per chunk, so memory holds one at a time. */
  async *chunkBodies(
    id: string,
    stream: StreamName,
    fromSeq: number,
    maxBytes = Infinity,
  ): AsyncGenerator<{ seq: number; body: Uint8Array }> {
    let sent = 0;
    for (let seq = fromSeq;; seq++) {
      const row = await this.db.get<{ body: Uint8Array }>(
        "SELECT body FROM chunks WHERE session_id = ? AND stream = ? AND seq = ?",
        [id, stream, seq],
      );
      if (!row) return;
      yield { seq, body: row.body };
      sent += row.body.length;
      if (sent >= maxBytes) return;
    }
  }

  /**
   * Where a replay starting at `time` begins: the last chunk with a seek snapshot whose
   * preceding event is at or before `time`, the screen just before it, and the stored header.
   */
  async seekPoint(
    id: string,
    time: number,
  ): Promise<{ seq: number; tBefore: number; screen: ScreenState; header: string } | undefined> {
    const row = await this.db.get<{ seq: number; t_before: number; snapshot: string }>(
      `SELECT seq, t_before, snapshot FROM chunks WHERE session_id = ? AND stream = 'cast'
       AND snapshot IS NOT NULL AND t_before <= ? ORDER BY seq DESC LIMIT 1`,
      [id, time],
    );
    const session = await this.db.get<{ header: string | null }>(
      "SELECT header FROM sessions WHERE id = ?",
      [id],
    );
    if (!row || !session?.header) return undefined;
    return {
      seq: Number(row.seq),
      tBefore: Number(row.t_before),
      screen: JSON.parse(row.snapshot),
      header: session.header,
    };
  }

  /** The screen after the last stored cast chunk, for a live viewer who joins late. */
  async liveState(
    id: string,
  ): Promise<{ header: string | null; state: IndexState | null; ended: boolean }> {
    const row = await this.db.get<
      { header: string | null; index_state: string | null; end_ms: number | null }
    >(
      "SELECT header, index_state, end_ms FROM sessions WHERE id = ?",
      [id],
    );
    return {
      header: row?.header ?? null,
      state: row?.index_state ? JSON.parse(row.index_state) : null,
      ended: row?.end_ms !== null && row?.end_ms !== undefined,
    };
  }

  // ---- search ----

  async searchLines(
    viewer: Viewer,
    { query, limit, beforeId, sessionId, context = 2 }: {
      query: string;
      limit: number;
      beforeId?: number;
      sessionId?: string;
      context?: number;
    },
  ): Promise<LineHit[]> {
    const words = query.split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) throw new InvalidInput('The search query "q" is empty');
    const where: string[] = [];
    const params: SqlValue[] = [];
    let sql: string;
    if (this.dialect === "sqlite") {
      // Every word a quoted phrase: user text never reaches FTS5's query syntax.
      params.push(words.map((w) => `"${w.replaceAll('"', '""')}"`).join(" "));
      sql = `SELECT l.id, l.session_id, l.line_no, l.t, l.text, s.user_name, s.host, s.start_ms
        FROM lines_fts f JOIN lines l ON l.id = f.rowid JOIN sessions s ON s.id = l.session_id
        WHERE lines_fts MATCH ?`;
    } else {
      params.push(words.join(" "));
      sql = `SELECT l.id, l.session_id, l.line_no, l.t, l.text, s.user_name, s.host, s.start_ms
        FROM lines l JOIN sessions s ON s.id = l.session_id
        WHERE l.tsv @@ plainto_tsquery('simple', ?)`;
    }
    if (!seesAll(viewer)) (where.push("s.owner_id = ?"), params.push(viewer.id));
    // On SQLite the rowid of lines_fts: FTS5 then walks its doclists newest first and stops at
    // LIMIT, instead of sorting every match of a common word.
    const id = this.dialect === "sqlite" ? "f.rowid" : "l.id";
    if (beforeId) (where.push(`${id} < ?`), params.push(beforeId));
    if (sessionId) (where.push("l.session_id = ?"), params.push(sessionId));
    const filtered = `${sql}${where.map((w) => " AND " + w).join("")}`;
    const ranges = this.dialect === "sqlite" && !seesAll(viewer) && !sessionId
      ? await this.#ownLineRanges(viewer.id)
      : undefined;
    let rows: Row[] = [];
    if (ranges) {
      // Only the id ranges of the viewer's sessions: FTS5 skips others' newer matches.
      for (const [lo, hi] of ranges) {
        if (rows.length >= limit) break;
        rows = rows.concat(
          await this.db.all<Row>(
            `${filtered} AND f.rowid BETWEEN ? AND ? ORDER BY f.rowid DESC LIMIT ?`,
            [...params, lo, hi, limit - rows.length],
          ),
        );
      }
    } else {
      rows = await this.db.all<Row>(`${filtered} ORDER BY ${id} DESC LIMIT ?`, [
        ...params,
        limit,
      ]);
    }
    const hits: LineHit[] = [];
    for (const r of rows) {
      const lineNo = Number(r.line_no);
      const around = context > 0
        ? await this.db.all<{ line_no: number; t: number; text: string }>(
          `SELECT line_no, t, text FROM lines WHERE session_id = ? AND line_no BETWEEN ? AND ?
           ORDER BY line_no`,
          [r.session_id as string, lineNo - context, lineNo + context],
        )
        : [];
      hits.push({
        id: Number(r.id),
        sessionId: r.session_id as string,
        lineNo,
        t: Number(r.t),
        text: r.text as string,
        user: r.user_name as string,
        host: r.host as string,
        time: iso(Number(r.start_ms) + Number(r.t) * 1000)!,
        context: around.map((c) => ({ lineNo: Number(c.line_no), t: Number(c.t), text: c.text })),
      });
    }
    return hits;
  }

  /**
   * The line id ranges of an owner's sessions, merged, newest first; undefined when there are
   * too many to query one by one. SQLite gives a session's lines increasing ids in line order
   * (one writer, AUTOINCREMENT), so its first and last lines bound them.
   */
  async #ownLineRanges(ownerId: number): Promise<[number, number][] | undefined> {
    const rows = await this.db.all<{ lo: number | null; hi: number | null }>(
      `SELECT (SELECT id FROM lines WHERE session_id = s.id ORDER BY line_no LIMIT 1) AS lo,
       (SELECT id FROM lines WHERE session_id = s.id ORDER BY line_no DESC LIMIT 1) AS hi
       FROM sessions s WHERE s.owner_id = ?`,
      [ownerId],
    );
    const ranges = rows.filter((r) => r.lo !== null && r.hi !== null)
      .map((r): [number, number] => [Number(r.lo), Number(r.hi)])
      .sort((a, b) => b[1] - a[1]);
    const merged: [number, number][] = [];
    for (const [lo, hi] of ranges) {
      const last = merged.at(-1);
      if (last && hi >= last[0]) last[0] = Math.min(last[0], lo);
      else merged.push([lo, hi]);
    }
    return merged.length <= 200 ? merged : undefined;
  }

  // ---- events ----

  #eventWhere(
    viewer: Viewer,
    query: EventQuery,
    range: { fromMs?: number; toMs?: number },
  ): { sql: string; params: SqlValue[] } {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (!seesAll(viewer)) {
      where.push("e.session_id IN (SELECT id FROM sessions WHERE owner_id = ?)");
      params.push(viewer.id);
    }
    const columns = {
      source: "e.source",
      type: "e.type",
      user: "e.user_name",
      host: "e.host",
      executable: "e.executable",
      session: "e.session_id",
    };
    for (const term of query.fields) {
      const column = columns[term.field];
      where.push(term.negate ? `(${column} IS NULL OR ${column} <> ?)` : `${column} = ?`);
      params.push(term.value);
    }
    for (const word of query.text) {
      where.push("e.data LIKE ? ESCAPE '\\'");
      params.push(likePattern(word));
    }
    if (range.fromMs !== undefined) (where.push("e.time_ms >= ?"), params.push(range.fromMs));
    if (range.toMs !== undefined) (where.push("e.time_ms < ?"), params.push(range.toMs));
    return { sql: where.length ? " WHERE " + where.join(" AND ") : "", params };
  }

  async queryEvents(
    viewer: Viewer,
    query: EventQuery,
    options: {
      fromMs?: number;
      toMs?: number;
      limit: number;
      beforeId?: number;
      facets: boolean;
      buckets: number;
    },
  ): Promise<{
    events: EventRecord[];
    total: number;
    facets: Record<string, { value: string; count: number }[]>;
    histogram: { start: string; count: number }[];
    bucketMs: number;
  }> {
    const { sql, params } = this.#eventWhere(viewer, query, options);
    const page = options.beforeId ? `${sql ? sql + " AND" : " WHERE"} e.id < ?` : sql;
    const pageParams = options.beforeId ? [...params, options.beforeId] : params;
    const rows = await this.db.all<Row>(
      `SELECT * FROM events e${page} ORDER BY e.time_ms DESC, e.id DESC LIMIT ?`,
      [...pageParams, options.limit],
    );
    const total = Number(
      (await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM events e${sql}`, params))?.n ??
        0,
    );
    const facets: Record<string, { value: string; count: number }[]> = {};
    let histogram: { start: string; count: number }[] = [];
    let bucketMs = 0;
    if (options.facets && total > 0) {
      for (
        const [name, column] of Object.entries({
          source: "e.source",
          type: "e.type",
          user: "e.user_name",
          host: "e.host",
          executable: "e.executable",
        })
      ) {
        const counts = await this.db.all<{ value: string | null; n: number }>(
          `SELECT ${column} AS value, COUNT(*) AS n FROM events e${sql} GROUP BY ${column}
           ORDER BY n DESC LIMIT 20`,
          params,
        );
        facets[name] = counts.filter((c) => c.value !== null).map((c) => ({
          value: c.value!,
          count: Number(c.n),
        }));
      }
      const span = await this.db.get<{ lo: number; hi: number }>(
        `SELECT MIN(e.time_ms) AS lo, MAX(e.time_ms) AS hi FROM events e${sql}`,
        params,
      );
      const lo = options.fromMs ?? Number(span!.lo);
      const hi = options.toMs ?? Number(span!.hi) + 1;
      bucketMs = Math.max(1000, Math.ceil((hi - lo) / options.buckets));
      const bucket = this.dialect === "sqlite"
        ? "CAST((e.time_ms - ?) / ? AS INTEGER)"
        : "FLOOR((e.time_ms - ?) / ?)";
      const counts = await this.db.all<{ b: number; n: number }>(
        `SELECT ${bucket} AS b, COUNT(*) AS n FROM events e${sql} GROUP BY b ORDER BY b`,
        [lo, bucketMs, ...params],
      );
      histogram = counts.map((c) => ({
        start: iso(lo + Number(c.b) * bucketMs)!,
        count: Number(c.n),
      }));
    }
    return {
      events: rows.map((r) => ({
        id: Number(r.id),
        sessionId: r.session_id as string,
        t: Number(r.t),
        time: iso(Number(r.time_ms))!,
        type: r.type as string,
        source: r.source as string,
        user: r.user_name as string,
        host: r.host as string,
        executable: (r.executable as string | null) ?? null,
        data: JSON.parse(r.data as string),
      })),
      total,
      facets,
      histogram,
      bucketMs,
    };
  }
}

async function insertLines(
  tx: Db,
  sessionId: string,
  firstLineNo: number,
  lines: { text: string; time: number }[],
): Promise<void> {
  for (let i = 0; i < lines.length; i += 250) {
    const batch = lines.slice(i, i + 250);
    await tx.run(
      `INSERT INTO lines (session_id, line_no, t, text) VALUES ${
        batch.map(() => "(?, ?, ?, ?)").join(", ")
      }`,
      batch.flatMap((line, j) => [sessionId, firstLineNo + i + j, line.time, line.text]),
    );
  }
}

function toUser(row: Row): User {
  return {
    id: Number(row.id),
    name: row.name as string,
    role: row.role as Role,
    disabled: Number(row.disabled) === 1,
    hasPassword: row.password_hash !== null && row.password_hash !== undefined,
    createdAt: iso(row.created_at as number)!,
  };
}

function streamsOf(row: SessionRow): Record<StreamName, StreamInfo> {
  return {
    cast: {
      nextSeq: Number(row.cast_seq),
      lastSha256: row.cast_sha,
      bytes: Number(row.cast_bytes),
    },
    events: {
      nextSeq: Number(row.events_seq),
      lastSha256: row.events_sha,
      bytes: Number(row.events_bytes),
    },
  };
}
