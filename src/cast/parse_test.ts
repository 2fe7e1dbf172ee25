import { assert, assertEquals, assertThrows } from "@ddcoterm/assert";
import { bytesToCastText } from "./bytes.ts";
import { CastParseError } from "./errors.ts";
import { parseCast } from "./parse.ts";
import type { Cast, CastEvent } from "./types.ts";
import { encodeV2 } from "./v2.ts";
import { encodeV3 } from "./v3.ts";

const V3_HEADER = '{"version":3,"term":{"cols":80,"rows":24}}';
const V2_HEADER = '{"version":2,"width":80,"height":24}';

function randomEvents(seed: number, count: number): CastEvent[] {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return (x >> 8) % n;
  };
  const codes = ["o", "i", "r", "m"];
  const events: CastEvent[] = [];
  let micros = 0;
  for (let i = 0; i < count; i++) {
    micros += next(3) === 0 ? next(5_000_000) : next(2000);
    const bytes = Uint8Array.from({ length: next(40) }, () => next(256));
    events.push({ time: micros / 1_000_000, code: codes[next(4)], data: bytesToCastText(bytes) });
  }
  return events;
}

function parseError(text: string): CastParseError {
  try {
    parseCast(text);
  } catch (error) {
    assert(error instanceof CastParseError, `expected a CastParseError, got ${error}`);
    return error;
  }
  throw new Error("expected parseCast to fail");
}

Deno.test("a v3 cast with random binary events survives encode and parse", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const cast: Cast = {
      header: {
        version: 3,
        cols: 100,
        rows: 30,
        termType: "xterm-256color",
        timestamp: 1700000000,
      },
      events: [...randomEvents(seed, 200), { time: 1000.5, code: "x", data: "0" }],
    };
    assertEquals(parseCast(encodeV3(cast)), { ...cast, truncatedTail: false });
  }
});

Deno.test("a v2 cast with random binary events survives encode and parse", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const cast: Cast = {
      header: {
        version: 2,
        cols: 132,
        rows: 43,
        termType: "screen",
        idleTimeLimit: 2.5,
        command: "bash -l",
        title: "démo",
        env: { TERM: "screen", SHELL: "/bin/zsh" },
      },
      events: randomEvents(seed, 200),
    };
    assertEquals(parseCast(encodeV2(cast)), { ...cast, truncatedTail: false });
  }
});

Deno.test("v3 intervals become absolute times without drift", () => {
  const lines = [V3_HEADER];
  for (let i = 0; i < 100_000; i++) lines.push('[0.1, "o", "."]');
  const { events } = parseCast(lines.join("\n") + "\n");
  assertEquals(events[events.length - 1].time, 10_000);
});

Deno.test("v2 times are read as absolute times", () => {
  const cast = parseCast(`${V2_HEADER}\n[0.5, "o", "a"]\n[2.25, "o", "b"]\n`);
  assertEquals(cast.events.map((e) => e.time), [0.5, 2.25]);
});

Deno.test("header fields of v3 and v2 map to the same model", () => {
  const v3 = parseCast(
    '{"version":3,"term":{"cols":90,"rows":30,"type":"xterm","version":"VTE"},"timestamp":17,' +
      '"idle_time_limit":1.5,"command":"sh","title":"T","env":{"SHELL":"/bin/sh"},"theme":{}}\n',
  );
  assertEquals(v3.header, {
    version: 3,
    cols: 90,
    rows: 30,
    termType: "xterm",
    timestamp: 17,
    idleTimeLimit: 1.5,
    command: "sh",
    title: "T",
    env: { SHELL: "/bin/sh" },
  });
  const v2 = parseCast(
    '{"version":2,"width":90,"height":30,"title":null,"env":{"TERM":"xterm","SHELL":null}}\n',
  );
  assertEquals(v2.header, {
    version: 2,
    cols: 90,
    rows: 30,
    termType: "xterm",
    env: { TERM: "xterm" },
  });
});

Deno.test("blank lines, CRLF line ends and v3 comments are skipped", () => {
  const text = `${V3_HEADER}\r\n# a comment\r\n\r\n[0.5, "o", "a"]\r\n   \n[0.5, "m", ""]`;
  const cast = parseCast(text);
  assertEquals(cast.events, [{ time: 0.5, code: "o", data: "a" }, {
    time: 1,
    code: "m",
    data: "",
  }]);
  assertEquals(cast.truncatedTail, false);
});

Deno.test("a byte order mark before the header is tolerated", () => {
  assertEquals(parseCast(`\ufeff${V2_HEADER}\n`).header.cols, 80);
});

Deno.test("unknown event codes are kept", () => {
  const cast = parseCast(`${V3_HEADER}\n[0.5, "z", "future"]\n`);
  assertEquals(cast.events, [{ time: 0.5, code: "z", data: "future" }]);
});

Deno.test("a truncated last line is ignored and reported", () => {
  const cast = parseCast(`${V3_HEADER}\n[0.5, "o", "complete"]\n[0.25, "o", "cut in the mid`);
  assertEquals(cast.events, [{ time: 0.5, code: "o", data: "complete" }]);
  assertEquals(cast.truncatedTail, true);
});

Deno.test("a complete last line without a newline is kept", () => {
  const cast = parseCast(`${V3_HEADER}\n[0.5, "o", "complete"]`);
  assertEquals(cast.events.length, 1);
  assertEquals(cast.truncatedTail, false);
});

Deno.test("a malformed line before the last one is an error naming the line", () => {
  const error = parseError(`${V3_HEADER}\n[0.5, "o", "a"]\n[0.5, "o", "cut\n[0.5, "o", "b"]\n`);
  assertEquals(error.message, "Cannot read cast: line 3: not valid JSON");
  assertEquals(error.line, 3);
});

Deno.test("a malformed last line that ends with a newline is an error, not a truncation", () => {
  const error = parseError(`${V3_HEADER}\n[0.5, "o", "a"]\n[0.5, "o", "cut\n`);
  assertEquals(error.message, "Cannot read cast: line 3: not valid JSON");
});

Deno.test("events of the wrong shape are errors that say what was expected", () => {
  const cases: [string, string][] = [
    ['{"t": 1}', "line 2: expected an array of [time, code, data]"],
    ['[0.5, "o"]', "line 2: expected an array of [time, code, data]"],
    ['[-1, "o", "a"]', "line 2: expected an interval of at least 0 seconds, got -1"],
    ['["1", "o", "a"]', 'line 2: expected an interval of at least 0 seconds, got "1"'],
    ['[1, 5, "a"]', "line 2: expected the event code to be a non-empty string, got 5"],
    ['[1, "o", {"a": 1}]', 'line 2: expected the event data to be a string, got {"a":1}'],
  ];
  for (const [line, reason] of cases) {
    assertEquals(parseError(`${V3_HEADER}\n${line}\n`).message, `Cannot read cast: ${reason}`);
  }
  assertEquals(
    parseError(`${V2_HEADER}\n[-1, "o", "a"]\n`).message,
    "Cannot read cast: line 2: expected a time of at least 0 seconds, got -1",
  );
});

Deno.test("a bad header is an error on line 1", () => {
  const cases: [string, string][] = [
    ["", "Cannot read cast: the file is empty"],
    ["hello\n", "Cannot read cast: line 1: expected a JSON header object"],
    ['{"version":3,"term":{"cols', "Cannot read cast: line 1: the header is cut off"],
    ["[1]\n", "Cannot read cast: line 1: expected a JSON header object"],
    ['{"width":80}\n', 'Cannot read cast: line 1: the header has no "version"'],
    [
      '{"version":1}\n',
      "Cannot read cast: line 1: unsupported asciicast version 1 (expected 2 or 3)",
    ],
    ['{"version":3}\n', 'Cannot read cast: line 1: expected "term" to be an object, got nothing'],
    [
      '{"version":3,"term":{"cols":"80","rows":24}}\n',
      'Cannot read cast: line 1: expected "term.cols" to be a positive integer, got "80"',
    ],
    [
      '{"version":2,"width":80,"height":0}\n',
      'Cannot read cast: line 1: expected "height" to be a positive integer, got 0',
    ],
    [
      `{"version":2,"width":80,"height":24,"idle_time_limit":"2"}\n`,
      'Cannot read cast: line 1: expected "idle_time_limit" to be a number, got "2"',
    ],
  ];
  for (const [text, message] of cases) assertEquals(parseError(text).message, message);
});

Deno.test("the source of the cast is named in errors when given", () => {
  assertThrows(
    () => parseCast(`${V3_HEADER}\n[1]\n[1, "o", ""]\n`, { source: "demo.cast" }),
    /^CastParseError: Cannot read cast "demo.cast": line 2: expected an array/,
  );
});

Deno.test("a cast parse error is a user error with an exit code", () => {
  const error = parseError("nope\n");
  assertEquals(error.exitCode, 1);
  assertEquals(error.reason, "expected a JSON header object");
});
