/**
 * The events explorer's query bar, Datadog style: `source:coterm_process_info @user:alice
 * executable:kubectl "exact words" free text`. Terms are ANDed; `-key:value` excludes.
 * Pure: the store turns the result into parameterised SQL.
 */
import { InvalidInput } from "../http/errors.ts";

export type EventField = "source" | "type" | "user" | "host" | "executable" | "session";

export interface EventQuery {
  fields: { field: EventField; value: string; negate: boolean }[];
  text: string[];
}

const ALIASES: Record<string, EventField> = {
  source: "source",
  type: "type",
  user: "user",
  host: "host",
  executable: "executable",
  session: "session",
  service: "source", // `service:ddcoterm` matches everything: handled below.
};

/** Splits on spaces outside double quotes; quotes group words and are removed. */
function tokens(query: string): string[] {
  const out: string[] = [];
  const pattern = /(?:[^\s"]+|"[^"]*")+/g;
  for (const match of query.matchAll(pattern)) out.push(match[0]);
  return out;
}

function unquote(value: string): string {
  return value.replace(/"/g, "");
}

export function parseEventQuery(query: string): EventQuery {
  if (query.length > 2000) throw new InvalidInput('The query "q" is longer than 2000 characters');
  const parsed: EventQuery = { fields: [], text: [] };
  for (const token of tokens(query)) {
    const match = /^(-?)@?([a-z_]+):(.+)$/.exec(token);
    const field = match ? ALIASES[match[2]] : undefined;
    if (!match || !field) {
      const word = unquote(token);
      if (word) parsed.text.push(word);
      continue;
    }
    const value = unquote(match[3]);
    if (match[2] === "service") {
      if (value === "ddcoterm") continue;
      parsed.fields.push({ field: "source", value: "(no such source)", negate: match[1] === "-" });
      continue;
    }
    parsed.fields.push({ field, value, negate: match[1] === "-" });
  }
  return parsed;
}
