import { assertEquals } from "@ddcoterm/assert";
import { Terminal } from "./terminal.ts";

const ESC = "\x1b";
const CSI = "\x1b[";

interface Run {
  terminal: Terminal;
  /** Lines that left the main screen, with the time of the write that pushed them out. */
  committed: [string, number][];
  /** The main screen's lines, trailing empty ones removed. */
  screen: string[];
}

/** Writes each string at times 1, 2, 3... on a small terminal. */
function run(writes: string | string[], cols = 10, rows = 4, maxLineLength?: number): Run {
  const committed: [string, number][] = [];
  const terminal = new Terminal({
    cols,
    rows,
    maxLineLength,
    onLine: (text, time) => committed.push([text, time]),
  });
  [writes].flat().forEach((text, i) => terminal.write(text, i + 1));
  return { terminal, committed, screen: visible(terminal) };
}

function visible(terminal: Terminal): string[] {
  const lines = terminal.screenLines();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

Deno.test("carriage return overwrites, so a progress bar leaves its last state", () => {
  assertEquals(run("\r 10%\r 20%").screen, [" 20%"]);
  assertEquals(run("loading 50%\rdone", 20).screen, ["doneing 50%"]);
});

Deno.test("backspace moves left and the next character overwrites", () => {
  assertEquals(run("abc\b\bX").screen, ["aXc"]);
  assertEquals(run("abc\b \b").screen, ["ab"]);
  assertEquals(run("\b\ba").screen, ["a"]);
});

Deno.test("erase in line clears to the end, to the start, or the whole line", () => {
  assertEquals(run(`abcdef${CSI}3D${CSI}K`).screen, ["abc"]);
  assertEquals(run(`abcdef${CSI}3D${CSI}1K`).screen, ["    ef"]);
  assertEquals(run(`abcdef${CSI}2Kxy`).screen, ["      xy"]);
});

Deno.test("erase in display clears below or above the cursor", () => {
  const lines = "one\r\ntwo\r\nthree\r\nfour";
  assertEquals(run(`${lines}${CSI}2;2H${CSI}J`).screen, ["one", "t"]);
  assertEquals(run(`${lines}${CSI}2;2H${CSI}1J`).screen, ["", "  o", "three", "four"]);
});

Deno.test("cursor addressing moves to rows and columns, clamped to the screen", () => {
  assertEquals(run(`${CSI}2;5HX${CSI}1;1HY${CSI}99;99HZ`).screen, ["Y", "    X", "", "         Z"]);
  assertEquals(run(`${CSI}3;3Ha${CSI}Ab${CSI}2Dc${CSI}Bd${CSI}3Ce`).screen, [
    "",
    "  cb",
    "  ad   e",
  ]);
  assertEquals(run(`${CSI}3;3Ha${CSI}7Gb${CSI}1dc${CSI}2Ed${CSI}Fe`).screen, [
    "       c",
    "e",
    "d a   b",
  ]);
  assertEquals(run(`abc${CSI}fX`).screen, ["Xbc"]);
  assertEquals(run(`${CSI}0;0HX`).screen, ["X"]);
});

Deno.test("save and restore cursor work with ESC 7/8 and CSI s/u", () => {
  assertEquals(run(`ab${ESC}7${CSI}3;1Hcd${ESC}8X`).screen, ["abX", "", "cd"]);
  assertEquals(run(`ab${CSI}s${CSI}3;1Hcd${CSI}uX`).screen, ["abX", "", "cd"]);
});

Deno.test("tabs stop every 8 columns and at tab stops set with HTS", () => {
  assertEquals(run("a\tb", 20).screen, ["a       b"]);
  assertEquals(run("a\t\t\tb", 20).screen, ["a" + " ".repeat(18) + "b"]);
  assertEquals(run(`${CSI}3G${ESC}H\ra\tb${CSI}3gc\r\td`, 20).screen, [
    "a bc" + " ".repeat(15) + "d",
  ]);
  assertEquals(run(`${CSI}2Ia${CSI}2Zb`, 20).screen, [" ".repeat(8) + "b" + " ".repeat(7) + "a"]);
});

Deno.test("lines scrolled off the top are committed with the time of the write that scrolled them", () => {
  const { committed, screen } = run(["one\r\ntwo\r\n", "three\r\nfour\r\n", "five\r\nsix"]);
  assertEquals(committed, [["one", 2], ["two", 3]]);
  assertEquals(screen, ["three", "four", "five", "six"]);
});

Deno.test("autowrap continues on the next row and the rows join into one logical line", () => {
  const long = "abcdefghijklmnopqrstuvwxy";
  const { committed, screen } = run([long + "\r\n", "1\r\n2\r\n3\r\n"]);
  assertEquals(committed, [[long, 2]]);
  assertEquals(screen, ["1", "2", "3"]);
  assertEquals(run(long).screen, [long]);
});

Deno.test("a line exactly as wide as the screen does not add an empty row (pending wrap)", () => {
  assertEquals(run("abcdefghij\r\nnext").screen, ["abcdefghij", "next"]);
  assertEquals(run("abcdefghij").terminal.cursor, { x: 9, y: 0 });
  assertEquals(run("abcdefghijk").terminal.cursor, { x: 1, y: 1 });
  // A cursor move cancels the pending wrap: the next character overwrites the last column.
  assertEquals(run(`abcdefghij${CSI}CX`).screen, ["abcdefghiX"]);
});

Deno.test("spaces printed across a wrap are kept inside the joined line", () => {
  assertEquals(run("abcdefgh    ijk").screen, ["abcdefgh    ijk"]);
});

Deno.test("erasing the end of a wrapped row ends its logical line", () => {
  assertEquals(run(`abcdefghijkl${CSI}A${CSI}5G${CSI}K`).screen, ["abcd", "kl"]);
});

Deno.test("autowrap can be turned off: the last column is overwritten", () => {
  assertEquals(run(`${CSI}?7labcdefghijklm`).screen, ["abcdefghim"]);
  assertEquals(run(`${CSI}?7l${CSI}?7habcdefghijk`).screen, ["abcdefghijk"]);
});

Deno.test("a logical line longer than the limit is committed in pieces", () => {
  const { committed } = run(["a".repeat(95) + "\r\n", "\r\n\r\n\r\n"], 10, 4, 30);
  const thirty = "a".repeat(30);
  assertEquals(committed, [[thirty, 1], [thirty, 1], [thirty, 1], ["aaaaa", 2]]);
});

Deno.test("the alternate screen is never committed and the main screen comes back after it", () => {
  const session = [
    "$ ls\r\nfile\r\n$ less file",
    `${CSI}?1049h${CSI}H${CSI}2Jpage 1\r\npage 2\r\npage 3\r\npage 4\r\npage 5\r\npage 6`,
    `${CSI}?1049l\r\n$ `,
  ];
  const { committed, screen, terminal } = run(session, 20, 4);
  assertEquals(committed, []);
  assertEquals(screen, ["$ ls", "file", "$ less file", "$"]);
  assertEquals(terminal.alternateScreenActive, false);
});

Deno.test("the main screen is shown by screenLines even while the alternate screen is up", () => {
  const { screen, terminal } = run(`main${CSI}?1049hvi screen`);
  assertEquals(screen, ["main"]);
  assertEquals(terminal.alternateScreenActive, true);
});

Deno.test("modes 47 and 1047 switch screens without saving the cursor", () => {
  assertEquals(run(`main${CSI}?47hALT${CSI}?47l!`).screen, ["main   !"]);
  const { terminal } = run(`main${CSI}?47hALT${CSI}?47l${CSI}?47h`);
  assertEquals(terminal.alternateScreenActive, true);
  const { screen, committed } = run([`m${CSI}?1047hALT\r\n\r\n\r\n\r\n`, `${CSI}?1047l!`]);
  // xterm shares the cursor between the screens for these modes (only 1049 saves it).
  assertEquals(screen, ["m", "", "", "!"]);
  assertEquals(committed, []);
});

Deno.test("mode 1048 saves and restores the cursor", () => {
  assertEquals(run(`ab${CSI}?1048h${CSI}3;3Hcd${CSI}?1048lX`).screen, ["abX", "", "  cd"]);
});

Deno.test("wide characters take two cells", () => {
  const { screen, terminal } = run("日本語ab");
  assertEquals(screen, ["日本語ab"]);
  assertEquals(terminal.cursor, { x: 8, y: 0 });
  assertEquals(run("😀x").terminal.cursor, { x: 3, y: 0 });
});

Deno.test("a wide character that does not fit at the end of a row wraps whole", () => {
  const { screen, terminal } = run("abcdefghi日x");
  assertEquals(screen, ["abcdefghi日x"]);
  assertEquals(terminal.cursor, { x: 3, y: 1 });
});

Deno.test("overwriting half of a wide character blanks its other half", () => {
  assertEquals(run(`日本${CSI}2GX`).screen, [" X本"]);
  assertEquals(run(`日本\rX`).screen, ["X 本"]);
  assertEquals(run(`ab日c${CSI}4G${CSI}P`).screen, ["ab c"]);
});

Deno.test("combining marks attach to the previous character", () => {
  const { screen, terminal } = run("e\u0301a\u0300\u0323!");
  assertEquals(screen, ["e\u0301a\u0300\u0323!"]);
  assertEquals(terminal.cursor, { x: 3, y: 0 });
  assertEquals(run("日\u0301x").screen, ["日\u0301x"]);
  assertEquals(run("👍🏽").terminal.cursor, { x: 2, y: 0 });
});

Deno.test("escaped bytes from undecodable output show as replacement characters", () => {
  assertEquals(run("a\udcffb\ud800").screen, ["a\ufffdb\ufffd"]);
});

Deno.test("OSC sequences such as the window title are not printed", () => {
  assertEquals(run(`${ESC}]0;user@host: ~\x07$ ls`).screen, ["$ ls"]);
  assertEquals(run(`${ESC}]2;title${ESC}\\ok`).screen, ["ok"]);
  assertEquals(run([`${ESC}]8;;http://exa`, `mple.com\x07link${ESC}]8;;\x07`]).screen, ["link"]);
  assertEquals(run(`\u009d0;c1 title\u009cok`).screen, ["ok"]);
});

Deno.test("DCS, APC, PM and SOS strings are skipped", () => {
  assertEquals(run(`a${ESC}Pq#0;2;0;0;0#0!10~${ESC}\\b`).screen, ["ab"]);
  assertEquals(run(`a${ESC}_Gf=100;AAAA\x07still${ESC}\\b`).screen, ["ab"]);
  assertEquals(run(`a${ESC}^pm${ESC}\\b${ESC}Xsos${ESC}\\c`).screen, ["abc"]);
});

Deno.test("SGR colours and other unknown sequences are stripped", () => {
  assertEquals(run(`${CSI}1;31mred${CSI}0m ${CSI}38:2::255:0:0mrgb${CSI}m`).screen, ["red rgb"]);
  assertEquals(
    run(`${CSI}>4;1m${CSI}?2004h${CSI}6n${CSI}?u${CSI}=5uok${ESC}(0${ESC})B${ESC}=`).screen,
    ["ok"],
  );
});

Deno.test("sequences split across writes are still understood", () => {
  assertEquals(run([`${ESC}`, "[3", "1mred", `${ESC}[`, "2J", "x"]).screen, ["   x"]);
});

Deno.test("controls inside a sequence act, and CAN aborts a sequence", () => {
  assertEquals(run(`abc${CSI}2\rCX`).screen, ["abX"]);
  assertEquals(run(`a${CSI}31\x18b`).screen, ["ab"]);
  assertEquals(run(`a${ESC}${CSI}Cb`).screen, ["a b"]);
});

Deno.test("clear (CSI H CSI 2J CSI 3J) keeps the cleared lines in the transcript", () => {
  const { committed, screen } = run(["$ ls\r\na  b\r\n$ clear\r\n", `${CSI}H${CSI}2J${CSI}3J$ `]);
  assertEquals(committed, [["$ ls", 2], ["a  b", 2], ["$ clear", 2]]);
  assertEquals(screen, ["$"]);
});

Deno.test("a full reset (RIS) keeps the screen in the transcript and starts afresh", () => {
  const { committed, screen, terminal } = run([`x${CSI}?1049h${CSI}4h${CSI}2;3r`, `${ESC}cabc`]);
  assertEquals(committed, [["x", 2]]);
  assertEquals(screen, ["abc"]);
  assertEquals(terminal.alternateScreenActive, false);
});

Deno.test("insert and delete characters shift the rest of the row", () => {
  assertEquals(run(`abcdef${CSI}4G${CSI}2@XY`).screen, ["abcXYdef"]);
  assertEquals(run(`abcdef${CSI}2G${CSI}2P`).screen, ["adef"]);
  assertEquals(run(`abcdef${CSI}2G${CSI}3X`).screen, ["a   ef"]);
  assertEquals(run(`abcdefghij${CSI}1G${CSI}3@`).screen, ["   abcdefg"]);
});

Deno.test("insert mode pushes the row right as characters are typed", () => {
  assertEquals(run(`world${CSI}1G${CSI}4hhello ${CSI}4l`).screen, ["hello worl"]);
});

Deno.test("insert and delete lines work inside the scroll region", () => {
  const lines = "1\r\n2\r\n3\r\n4";
  assertEquals(run(`${lines}${CSI}2;1H${CSI}L`).screen, ["1", "", "2", "3"]);
  assertEquals(run(`${lines}${CSI}2;1H${CSI}2M`).screen, ["1", "4"]);
  assertEquals(run(`${lines}${CSI}1;3r${CSI}1;1H${CSI}L`).screen, ["", "1", "2", "4"]);
});

Deno.test("scroll up and down move the region without the cursor", () => {
  const { committed, screen } = run(["1\r\n2\r\n3\r\n4", `${CSI}2S`]);
  assertEquals(committed, [["1", 2], ["2", 2]]);
  assertEquals(screen, ["3", "4"]);
  assertEquals(run(`1\r\n2\r\n3\r\n4${CSI}T`).screen, ["", "1", "2", "3"]);
});

Deno.test("a scroll region scrolls only its rows, and only a region at the top commits lines", () => {
  // Rows 2-3 scroll; the title and status rows stay put.
  const inner = run(`title${CSI}4;1Hstatus${CSI}2;3r${CSI}3;1Ha\r\nb\r\nc`);
  assertEquals(inner.screen, ["title", "b", "c", "status"]);
  assertEquals(inner.committed, []);
  // apt's progress line: the region is every row but the last, so output above it commits.
  const apt = run(`${CSI}1;3r${CSI}4;1HProgress${CSI}3;1Ha\r\nb\r\nc\r\nd`);
  assertEquals(apt.committed, [["", 1], ["", 1], ["a", 1]]);
  assertEquals(apt.screen, ["b", "c", "d", "Progress"]);
});

Deno.test("index and reverse index scroll at the region's edges", () => {
  assertEquals(run(`1\r\n2\r\n3\r\n4${CSI}H${ESC}M0`).screen, ["0", "1", "2", "3"]);
  assertEquals(run(`1\r\n2\r\n3\r\n4${ESC}D5${ESC}Ex`).screen, ["3", "4", " 5", "x"]);
  assertEquals(run(`${CSI}2;3r${CSI}2;1Ha${CSI}3;1Hb${CSI}2;1H${ESC}Mc`).screen, ["", "c", "a"]);
});

Deno.test("origin mode addresses rows from the top of the scroll region", () => {
  assertEquals(run(`${CSI}2;3r${CSI}?6h${CSI}1;1HA${CSI}9;1HB`).screen, ["", "A", "B"]);
});

Deno.test("REP repeats the last printed character", () => {
  assertEquals(run(`-${CSI}5b|`).screen, ["------|"]);
});

Deno.test("DECALN fills the screen with E", () => {
  assertEquals(run(`${ESC}#8`, 3, 2).screen, ["EEE", "EEE"]);
});

Deno.test("shrinking the screen commits the rows pushed off the top", () => {
  const terminal = run("1\r\n2\r\n3\r\n4").terminal;
  const committed: string[] = [];
  const watched = new Terminal({ cols: 10, rows: 4, onLine: (text) => committed.push(text) });
  watched.write("1\r\n2\r\n3\r\n4");
  watched.resize(10, 2, 5);
  assertEquals(committed, ["1", "2"]);
  assertEquals(visible(watched), ["3", "4"]);
  assertEquals(watched.cursor, { x: 1, y: 1 });
  terminal.resize(10, 6);
  assertEquals(terminal.screenLines(), ["1", "2", "3", "4", "", ""]);
});

Deno.test("shrinking the screen drops blank rows below the cursor first", () => {
  const { terminal, committed } = run("1\r\n2");
  terminal.resize(10, 2);
  assertEquals(committed, []);
  assertEquals(visible(terminal), ["1", "2"]);
});

Deno.test("narrowing the screen cuts rows without reflowing them, as xterm does", () => {
  const { terminal } = run("abcdefgh\r\n日本語x");
  terminal.resize(5, 4);
  assertEquals(visible(terminal), ["abcde", "日本"]);
  terminal.write("\r\n123456");
  assertEquals(visible(terminal), ["abcde", "日本", "123456"]);
});

Deno.test("finish commits the main screen down to its last line with text", () => {
  const { terminal, committed } = run(["a\r\n\r\nb\r\n", `${CSI}?1049hfull screen`]);
  terminal.finish(9);
  assertEquals(committed, [["a", 9], ["", 9], ["b", 9]]);
  terminal.finish(10);
  assertEquals(committed.length, 3);
});

Deno.test("memory stays bounded: a huge write leaves a screen-sized grid", () => {
  const committed: string[] = [];
  const terminal = new Terminal({
    cols: 80,
    rows: 24,
    onLine: (text) => committed.length < 2 && committed.push(text),
  });
  const line = "x".repeat(79) + "\r\n";
  for (let i = 0; i < 200; i++) terminal.write(line.repeat(100));
  assertEquals(terminal.screenLines().length, 24);
  assertEquals(committed, ["x".repeat(79), "x".repeat(79)]);
});

Deno.test("absurd sizes are clamped", () => {
  const terminal = new Terminal({ cols: 1e9, rows: -5 });
  assertEquals([terminal.cols, terminal.rows], [2048, 1]);
});

Deno.test("random output and resizes never break the terminal", () => {
  const pieces = [
    "a",
    "xyz",
    " ",
    "\r",
    "\n",
    "\b",
    "\t",
    "\x1b",
    "[",
    "]",
    "?",
    ";",
    "0",
    "1",
    "5",
    "9",
    "25",
    "1049",
    "47",
    "h",
    "l",
    "A",
    "B",
    "C",
    "D",
    "H",
    "J",
    "K",
    "L",
    "M",
    "P",
    "S",
    "T",
    "X",
    "@",
    "r",
    "s",
    "u",
    "b",
    "7",
    "8",
    "D",
    "E",
    "c",
    "\x07",
    "\x18",
    "日",
    "😀",
    "\u0301",
    "\udcff",
    "\u009b",
    "\u009d",
    "\u009c",
    "#",
    "(",
    "\ud83d",
  ];
  let seed = 7;
  const pick = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 8) % n;
  };
  for (let round = 0; round < 40; round++) {
    let lines = 0;
    const terminal = new Terminal({
      cols: 1 + pick(12),
      rows: 1 + pick(6),
      maxLineLength: 50,
      onLine: () => lines++,
    });
    for (let write = 0; write < 60; write++) {
      if (pick(20) === 0) terminal.resize(1 + pick(12), 1 + pick(6));
      let text = "";
      for (let k = pick(30); k > 0; k--) text += pieces[pick(pieces.length)];
      terminal.write(text);
      const { x, y } = terminal.cursor;
      if (x < 0 || x >= terminal.cols || y < 0 || y >= terminal.rows) {
        throw new Error(
          `cursor ${x},${y} outside ${terminal.cols}x${terminal.rows} after ${
            JSON.stringify(text)
          }`,
        );
      }
      assertEquals(
        terminal.screenLines().every((line) => line.length <= 4 * terminal.cols * terminal.rows),
        true,
      );
    }
    terminal.finish();
  }
});
