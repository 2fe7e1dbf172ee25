import { assert, assertEquals } from "@ddcoterm/assert";
import { DEFAULT_REDACTION_CONFIG } from "../core/redaction_config.ts";
import { Engine, type EngineTables } from "./engine.ts";
import { Gen } from "./gen.ts";
import { cacheTablesIn, createRedactor } from "./mod.ts";
import { StreamRedactor } from "./stream.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function redactWith(engine: Engine, text: string): { output: string; rules: string[] } {
  const r = new StreamRedactor(engine, () => 0);
  const a = r.push(encoder.encode(text));
  const b = r.flush();
  return {
    output: decoder.decode(a.output) + decoder.decode(b.output),
    rules: [...a.findings, ...b.findings].map((f) => f.ruleId),
  };
}

Deno.test("an engine from cached tables redacts as one that built them", () => {
  const fresh = new Engine(DEFAULT_REDACTION_CONFIG);
  const tables: EngineTables = JSON.parse(JSON.stringify(fresh.tables()));
  const cached = new Engine(DEFAULT_REDACTION_CONFIG, tables);
  assert(cached.tablesCached);
  assert(!fresh.tablesCached);
  assertEquals(cached.keywords, fresh.keywords);
  assertEquals([...cached.keywordNeeds], [...fresh.keywordNeeds]);
  assertEquals(cached.grams.layout, fresh.grams.layout);
  assertEquals(cached.grams.grams().sort(), fresh.grams.grams().sort());
  const g = new Gen(7);
  const text = [
    `$ export GITHUB_TOKEN=ghp_${g.crcToken()}`,
    `password: ${g.password(16)}`,
    "curl https://user:hunter2hunter2@example.com/x",
    "nothing to see here",
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "-----END RSA PRIVATE KEY-----",
    "",
  ].join("\r\n");
  const a = redactWith(fresh, text);
  assertEquals(redactWith(cached, text), a);
  assert(a.rules.length >= 3);
});

Deno.test("cached tables of another rule set are ignored", () => {
  const other = new Engine({ ...DEFAULT_REDACTION_CONFIG, disable: ["github-pat"] }).tables();
  const engine = new Engine(DEFAULT_REDACTION_CONFIG, other);
  assert(!engine.tablesCached);
  assertEquals(engine.keywords, new Engine(DEFAULT_REDACTION_CONFIG).keywords);
});

Deno.test("cacheTablesIn writes the tables where the next process reads them", () => {
  const dir = Deno.makeTempDirSync();
  try {
    cacheTablesIn(`${dir}/cache`);
    const config = { ...DEFAULT_REDACTION_CONFIG, disable: ["table-cache-test"] };
    createRedactor(config);
    const files = [...Deno.readDirSync(`${dir}/cache`)].map((e) => e.name);
    assertEquals(files.length, 1);
    const tables: EngineTables = JSON.parse(Deno.readTextFileSync(`${dir}/cache/${files[0]}`));
    assert(new Engine(config, tables).tablesCached);
  } finally {
    cacheTablesIn(undefined);
    Deno.removeSync(dir, { recursive: true });
  }
});
