/** Mixed terminal output for throughput measurements; the lead's benches can reuse it. */
import { benignTranscripts } from "./benign.ts";
import { B64, Gen, HEX } from "./gen.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"];

/**
 * About `bytes` bytes of ls -l, git log, base64 and ANSI-coloured log lines, with a few of the
 * keyword-dense benign transcripts mixed in. Deterministic for a seed.
 */
export function benchInput(bytes: number, seed = 1): Uint8Array {
  const g = new Gen(seed);
  const tricky = Object.values(benignTranscripts(g));
  const parts: string[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    let s: string;
    switch (i % 20) {
      case 0:
      case 1:
      case 2:
      case 3:
        s = `-rw-r--r--  1 dev  staff  ${g.int(999999)} ${g.pick(MONTHS)} ${1 + g.int(28)} 1${
          g.int(9)
        }:${10 + g.int(49)} ${g.str("abcdefghijklmnopqrstuvwxyz_", 4 + g.int(12))}.${
          g.pick(["ts", "go", "md", "json"])
        }\r\n`;
        break;
      case 4:
      case 5:
        s =
          `\x1b[33mcommit ${g.str(HEX, 40)}\x1b[m\r\nAuthor: Dev ${
            g.alnum(6)
          } <d@example.com>\r\n` +
          `Date:   Mon Jan ${1 + g.int(28)} 10:00:00 2024 +0000\r\n\r\n    Update ${
            g.str("abcdefghijklmnop", 8)
          } handling\r\n\r\n`;
        break;
      case 6:
        s = `${Array.from({ length: 4 }, () => g.str(B64, 76)).join("\r\n")}\r\n`;
        break;
      case 7:
        s = i % 100 === 7
          ? tricky[(i / 20 | 0) % tricky.length]
          : `${g.str(HEX, 64)}  dist/app.tgz\r\n`;
        break;
      default:
        s =
          `\x1b[32m2024-01-01T10:00:${
            String(i % 60).padStart(2, "0")
          }Z\x1b[0m \x1b[1;34mINFO\x1b[0m ` +
          `GET /api/v1/items/${g.int(9999)} status=200 dur=${g.int(99)}ms\r\n`;
    }
    parts.push(s);
    total += s.length;
  }
  return new TextEncoder().encode(parts.join(""));
}
