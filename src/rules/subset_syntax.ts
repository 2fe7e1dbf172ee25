/**
 * Tokenizer and parser for the subset of Lua 5.4 that subset_eval.ts decides without loading
 * Lua: `local`, `if`/`elseif`/`else`, `return` and `;` statements; literals, names, field and
 * index reads, calls, method calls, `not # -`, comparisons, `..`, `and`, `or`.
 *
 * A snippet is read as Lua's `load` reads it in prelude_lua.ts: `return <source>` first, the
 * plain chunk only if that is a syntax error. So the parser tells two failures apart: a
 * definite syntax error (Lua rejects the text too; only then is the chunk form tried) and
 * "unsupported" (valid or not, Lua must decide). Whatever it accepts, Lua accepts the same way.
 */

/** Lua must decide: outside the subset, or text whose meaning is not reproduced exactly. */
export class Unsupported {
  private readonly unsupported = true;
}
/** Lua rejects the text; thrown only where Lua's own parser would stop with an error. */
class LuaSyntaxError {
  private readonly syntax = true;
}
export const UNSUPPORTED = new Unsupported();
const SYNTAX = new LuaSyntaxError();

export type Expr =
  | { k: "const"; v: undefined | boolean | number | string }
  | { k: "local"; slot: number }
  | { k: "global"; name: string }
  | { k: "index"; obj: Expr; key: Expr }
  | { k: "call"; fn: Expr; args: Expr[] }
  | { k: "method"; obj: Expr; name: string; args: Expr[] }
  | { k: "paren" | "not" | "len" | "neg"; e: Expr }
  | { k: BinaryKind; a: Expr; b: Expr };

type BinaryKind = "and" | "or" | "concat" | "==" | "~=" | "<" | "<=" | ">" | ">=";

export type Stat =
  | { k: "local"; slots: number[]; values: Expr[] }
  | { k: "if"; tests: { cond: Expr; body: Stat[] }[]; orelse: Stat[] }
  | { k: "return"; values: Expr[] };

export interface Chunk {
  body: Stat[];
  /** Local variable slots the body uses. */
  slots: number;
}

// Limits far below Lua's (200 locals, 255 registers, 200 C levels), so that whatever is
// accepted here compiles in Lua too.
const MAX_SOURCE = 16_384;
const MAX_DEPTH = 40;
const MAX_LOCALS = 100;
const MAX_REGISTERS = 180;

enum T {
  Name,
  Keyword,
  String,
  Number,
  Symbol,
  Eof,
}

interface Tokens {
  types: T[];
  values: (string | number)[];
}

const KEYWORDS = new Set([
  "and",
  "break",
  "do",
  "else",
  "elseif",
  "end",
  "false",
  "for",
  "function",
  "goto",
  "if",
  "in",
  "local",
  "nil",
  "not",
  "or",
  "repeat",
  "return",
  "then",
  "true",
  "until",
  "while",
]);

const ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** Character classes of Lua's lexer in the C locale (other characters are Unsupported). */
const SPACE = 1;
const NAME = 2;
const DIGIT = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c === 32 || (c >= 9 && c <= 13)) CLASS[c] = SPACE;
  else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) CLASS[c] = NAME;
  else if (c >= 48 && c <= 57) CLASS[c] = NAME | DIGIT;
}
const classOf = (c: number) => (c < 128 ? CLASS[c] : 0);
const isDigit = (c: number) => (classOf(c) & DIGIT) !== 0;
const isSpace = (c: number) => (classOf(c) & SPACE) !== 0;

/** Two-character symbols, by their first character. */
const PAIRS: Record<string, string[]> = {
  "=": ["=="],
  "~": ["~="],
  "<": ["<=", "<<"],
  ">": [">=", ">>"],
  "/": ["//"],
  ":": ["::"],
};
const SINGLE = "+-*/%^#&~|<>=(){}[];:,.";

/** Every token of the source; anything the subset does not read exactly is Unsupported. */
function tokenize(src: string): Tokens {
  const types: T[] = [];
  const values: (string | number)[] = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    const cls = classOf(c);
    if (cls & SPACE) {
      i++;
    } else if (cls & DIGIT) {
      // Decimal integers only; floats, hex and malformed numerals ("1..2", "3x") go to Lua.
      let j = i + 1;
      while (isDigit(src.charCodeAt(j))) j++;
      const next = src.charCodeAt(j);
      if (classOf(next) & NAME || next === 46) throw UNSUPPORTED;
      const value = Number(src.slice(i, j));
      if (!Number.isSafeInteger(value)) throw UNSUPPORTED;
      types.push(T.Number);
      values.push(value);
      i = j;
    } else if (cls & NAME) {
      let j = i + 1;
      while (classOf(src.charCodeAt(j)) & NAME) j++;
      const word = src.slice(i, j);
      types.push(KEYWORDS.has(word) ? T.Keyword : T.Name);
      values.push(word);
      i = j;
    } else if (c === 34 || c === 39) {
      i = readString(src, i, types, values);
    } else if (c === 45 && src.charCodeAt(i + 1) === 45) { // "--"
      // Long comments (--[[ ]], --[==[ ]==]) are left to Lua.
      let j = i + 2;
      if (src.charCodeAt(j) === 91) {
        j++;
        while (src.charCodeAt(j) === 61) j++;
        if (src.charCodeAt(j) === 91) throw UNSUPPORTED;
      }
      while (i < n && src.charCodeAt(i) !== 10 && src.charCodeAt(i) !== 13) i++;
    } else if (c === 46) { // "."
      const d = src.charCodeAt(i + 1);
      if (isDigit(d)) throw UNSUPPORTED; // ".5" is a float
      const dots = d !== 46 ? "." : src.charCodeAt(i + 2) === 46 ? "..." : "..";
      types.push(T.Symbol);
      values.push(dots);
      i += dots.length;
    } else {
      const ch = src[i];
      // "[[" and "[=" open long strings (or are malformed ones).
      if (c === 91 && (src[i + 1] === "[" || src[i + 1] === "=")) throw UNSUPPORTED;
      const two = Object.hasOwn(PAIRS, ch) ? PAIRS[ch].find((p) => p[1] === src[i + 1]) : undefined;
      const symbol = two ?? (SINGLE.includes(ch) ? ch : undefined);
      if (symbol === undefined) throw UNSUPPORTED; // Lua: unexpected symbol
      types.push(T.Symbol);
      values.push(symbol);
      i += symbol.length;
    }
  }
  types.push(T.Eof);
  values.push("<eof>");
  return { types, values };
}

/** A short string with Lua's escapes, limited to text that is valid UTF-8. */
function readString(src: string, start: number, types: T[], values: (string | number)[]): number {
  const quote = src[start];
  let out = "";
  let i = start + 1;
  for (;;) {
    const ch = src[i];
    if (ch === undefined || ch === "\n" || ch === "\r") throw UNSUPPORTED; // unfinished string
    if (ch === quote) break;
    if (ch !== "\\") {
      // Copy a run of plain characters at once.
      let j = i + 1;
      while (j < src.length) {
        const d = src[j];
        if (d === quote || d === "\\" || d === "\n" || d === "\r") break;
        j++;
      }
      out += src.slice(i, j);
      i = j;
      continue;
    }
    const e = src[i + 1];
    if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
      out += ESCAPES[e];
      i += 2;
    } else if (e === "\n" || e === "\r") {
      // A backslash-newline is a newline; \r\n and \n\r count as one.
      out += "\n";
      i += 2;
      const f = src[i];
      if ((f === "\n" || f === "\r") && f !== e) i++;
    } else if (e === "x") {
      const hex = src.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw UNSUPPORTED;
      const code = parseInt(hex, 16);
      if (code > 0x7f) throw UNSUPPORTED; // a raw byte: not reproduced as text
      out += String.fromCharCode(code);
      i += 4;
    } else if (e === "z") {
      i += 2;
      while (i < src.length && isSpace(src.charCodeAt(i))) i++;
    } else if (e !== undefined && isDigit(e.charCodeAt(0))) {
      let j = i + 1;
      while (j < i + 4 && isDigit(src.charCodeAt(j))) j++;
      const code = Number(src.slice(i + 1, j));
      if (code > 0x7f) throw UNSUPPORTED;
      out += String.fromCharCode(code);
      i = j;
    } else if (e === "u") {
      const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(src.slice(i + 2, i + 10));
      if (!m) throw UNSUPPORTED;
      const code = parseInt(m[1], 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw UNSUPPORTED;
      out += String.fromCodePoint(code);
      i += 2 + m[0].length;
    } else {
      throw UNSUPPORTED; // invalid escape sequence
    }
  }
  types.push(T.String);
  values.push(out);
  return i + 1;
}

/** [left, right] priorities of Lua's binary operators (lparser.c). */
const BINARY: Record<string, readonly [number, number]> = {
  "or": [1, 1],
  "and": [2, 2],
  "<": [3, 3],
  ">": [3, 3],
  "<=": [3, 3],
  ">=": [3, 3],
  "~=": [3, 3],
  "==": [3, 3],
  "|": [4, 4],
  "~": [5, 5],
  "&": [6, 6],
  "<<": [7, 7],
  ">>": [7, 7],
  "..": [9, 8],
  "+": [10, 10],
  "-": [10, 10],
  "*": [11, 11],
  "/": [11, 11],
  "//": [11, 11],
  "%": [11, 11],
  "^": [14, 13],
};
const EXPRESSION_KEYWORDS = new Set(["nil", "true", "false", "not", "function"]);
const SUPPORTED_BINARY = new Set(["or", "and", "<", ">", "<=", ">=", "~=", "==", ".."]);
const UNARY_PRIORITY = 12;

class Parser {
  private pos = 0;
  private depth = 0;
  private slots = 0;
  private scopes: Map<string, number>[] = [new Map()];
  private active = 0;

  constructor(private readonly tokens: Tokens) {}

  /** `return <source>`: Lua's first try. */
  expressionForm(): Chunk {
    let values: Expr[] = [];
    if (!this.atEof() && !this.isSymbol(";")) {
      if (this.blockFollows()) throw SYNTAX;
      values = this.exprList();
    }
    this.acceptSymbol(";");
    if (!this.atEof()) throw SYNTAX; // Lua: '<eof>' expected
    this.checkRegisters(values);
    return { body: [{ k: "return", values }], slots: this.slots };
  }

  /** The source as a chunk of statements. */
  chunkForm(): Chunk {
    const body = this.statements();
    if (!this.atEof()) throw SYNTAX;
    return { body, slots: this.slots };
  }

  private type(): T {
    return this.tokens.types[this.pos];
  }
  private value(): string | number {
    return this.tokens.values[this.pos];
  }
  private atEof(): boolean {
    return this.type() === T.Eof;
  }
  private isSymbol(s: string): boolean {
    return this.type() === T.Symbol && this.value() === s;
  }
  private isKeyword(s: string): boolean {
    return this.type() === T.Keyword && this.value() === s;
  }
  private acceptSymbol(s: string): boolean {
    if (!this.isSymbol(s)) return false;
    this.pos++;
    return true;
  }
  private expectSymbol(s: string): void {
    if (!this.acceptSymbol(s)) throw SYNTAX;
  }
  private expectKeyword(s: string): void {
    if (!this.isKeyword(s)) throw SYNTAX;
    this.pos++;
  }
  private name(): string {
    if (this.type() !== T.Name) throw SYNTAX;
    const name = this.value() as string;
    // _ENV is the environment itself, not a global.
    if (name === "_ENV") throw UNSUPPORTED;
    this.pos++;
    return name;
  }
  private blockFollows(): boolean {
    if (this.atEof()) return true;
    if (this.type() !== T.Keyword) return false;
    const v = this.value();
    return v === "else" || v === "elseif" || v === "end" || v === "until";
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw UNSUPPORTED;
  }

  private statements(): Stat[] {
    this.enter();
    this.scopes.push(new Map());
    const activeBefore = this.active;
    const out: Stat[] = [];
    while (!this.blockFollows()) {
      if (this.isKeyword("return")) {
        this.pos++;
        const values = this.blockFollows() || this.isSymbol(";") ? [] : this.exprList();
        this.acceptSymbol(";");
        this.checkRegisters(values);
        out.push({ k: "return", values });
        break; // the block must end here; the caller checks its terminator
      }
      if (this.acceptSymbol(";")) continue;
      if (this.isKeyword("if")) out.push(this.ifStatement());
      else if (this.isKeyword("local")) out.push(this.localStatement());
      else throw UNSUPPORTED;
    }
    this.scopes.pop();
    this.active = activeBefore;
    this.depth--;
    return out;
  }

  private ifStatement(): Stat {
    const tests: { cond: Expr; body: Stat[] }[] = [];
    let orelse: Stat[] = [];
    do {
      this.pos++; // "if" or "elseif"
      const cond = this.expr(0);
      this.checkRegisters([cond]);
      this.expectKeyword("then");
      tests.push({ cond, body: this.statements() });
    } while (this.isKeyword("elseif"));
    if (this.isKeyword("else")) {
      this.pos++;
      orelse = this.statements();
    }
    this.expectKeyword("end");
    return { k: "if", tests, orelse };
  }

  private localStatement(): Stat {
    this.pos++;
    if (this.isKeyword("function")) throw UNSUPPORTED;
    const names: string[] = [];
    do {
      names.push(this.name());
      if (this.isSymbol("<")) throw UNSUPPORTED; // <const>, <close>
    } while (this.acceptSymbol(","));
    const values = this.acceptSymbol("=") ? this.exprList() : [];
    this.checkRegisters(values);
    // The new locals are visible only after the statement.
    const scope = this.scopes[this.scopes.length - 1];
    const slots = names.map((name) => {
      const slot = this.slots++;
      scope.set(name, slot);
      return slot;
    });
    this.active += names.length;
    if (this.slots > MAX_LOCALS) throw UNSUPPORTED;
    return { k: "local", slots, values };
  }

  private exprList(): Expr[] {
    const list = [this.expr(0)];
    while (this.acceptSymbol(",")) list.push(this.expr(0));
    return list;
  }

  /** Lua's subexpr: operators bind by the priorities of lparser.c. */
  private expr(limit: number): Expr {
    this.enter();
    let left: Expr;
    const t = this.type();
    const v = this.value();
    if (t === T.Keyword && v === "not") {
      this.pos++;
      left = { k: "not", e: this.expr(UNARY_PRIORITY) };
    } else if (t === T.Symbol && v === "#") {
      this.pos++;
      left = { k: "len", e: this.expr(UNARY_PRIORITY) };
    } else if (t === T.Symbol && v === "-") {
      this.pos++;
      left = { k: "neg", e: this.expr(UNARY_PRIORITY) };
    } else if (t === T.Symbol && v === "~") {
      throw UNSUPPORTED;
    } else {
      left = this.simpleExpr();
    }
    for (;;) {
      const op = this.binaryOperator();
      if (op === undefined) break;
      const [lp, rp] = BINARY[op];
      if (lp <= limit) break;
      if (!SUPPORTED_BINARY.has(op)) throw UNSUPPORTED;
      this.pos++;
      const right = this.expr(rp);
      left = { k: (op === ".." ? "concat" : op) as BinaryKind, a: left, b: right };
    }
    this.depth--;
    return left;
  }

  private binaryOperator(): string | undefined {
    const t = this.type();
    if (t !== T.Symbol && t !== T.Keyword) return undefined;
    const v = this.value() as string;
    return Object.hasOwn(BINARY, v) ? v : undefined;
  }

  private simpleExpr(): Expr {
    const t = this.type();
    const v = this.value();
    if (t === T.Number || t === T.String) {
      this.pos++;
      return { k: "const", v };
    }
    if (t === T.Keyword) {
      if (v === "nil" || v === "true" || v === "false") {
        this.pos++;
        return { k: "const", v: v === "nil" ? undefined : v === "true" };
      }
      if (v === "function") throw UNSUPPORTED;
      throw SYNTAX; // other keywords cannot start an expression
    }
    if (t === T.Symbol && (v === "..." || v === "{")) throw UNSUPPORTED;
    return this.suffixedExpr();
  }

  private suffixedExpr(): Expr {
    let e: Expr;
    if (this.type() === T.Name) {
      e = this.resolve(this.name());
    } else if (this.acceptSymbol("(")) {
      e = { k: "paren", e: this.expr(0) };
      this.expectSymbol(")");
    } else {
      throw SYNTAX; // unexpected symbol
    }
    for (;;) {
      if (this.acceptSymbol(".")) {
        e = { k: "index", obj: e, key: { k: "const", v: this.name() } };
      } else if (this.acceptSymbol("[")) {
        const key = this.expr(0);
        this.expectSymbol("]");
        e = { k: "index", obj: e, key };
      } else if (this.acceptSymbol(":")) {
        const name = this.name();
        e = { k: "method", obj: e, name, args: this.callArgs() };
      } else if (this.isSymbol("(") || this.isSymbol("{") || this.type() === T.String) {
        e = { k: "call", fn: e, args: this.callArgs() };
      } else {
        return e;
      }
    }
  }

  private callArgs(): Expr[] {
    if (this.type() === T.String) {
      const v = this.value();
      this.pos++;
      return [{ k: "const", v }];
    }
    if (this.isSymbol("{")) throw UNSUPPORTED;
    this.expectSymbol("("); // Lua: function arguments expected
    if (this.acceptSymbol(")")) return [];
    const args = this.exprList();
    this.expectSymbol(")");
    return args;
  }

  private resolve(name: string): Expr {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const slot = this.scopes[i].get(name);
      if (slot !== undefined) return { k: "local", slot };
    }
    return { k: "global", name };
  }

  /** Refuses expressions that could exceed Lua's 255 registers (see `registers`). */
  private checkRegisters(values: Expr[]): void {
    let total = this.active;
    for (const e of values) total += registers(e);
    if (total > MAX_REGISTERS) throw UNSUPPORTED;
  }
}

/** An upper bound of the registers Lua's code generator uses for an expression. */
function registers(e: Expr): number {
  switch (e.k) {
    case "const":
    case "local":
    case "global":
      return 1;
    case "index":
      return registers(e.obj) + registers(e.key);
    case "call":
      return 1 + registers(e.fn) + e.args.reduce((sum, a) => sum + registers(a), 0);
    case "method":
      return 2 + registers(e.obj) + e.args.reduce((sum, a) => sum + registers(a), 0);
    case "paren":
    case "not":
    case "len":
    case "neg":
      return 1 + registers(e.e);
    default:
      return 1 + registers(e.a) + registers(e.b);
  }
}

/** True when `text` reaches Lua as the same characters (UTF-8 without loss: no lone surrogate). */
export function isWellFormed(text: string): boolean {
  return text.isWellFormed();
}

/**
 * Parses a snippet as Lua would load it, or returns undefined when Lua must decide
 * (outside the subset, or a syntax error: Lua then reports it).
 */
export function parseSnippet(source: string): Chunk | undefined {
  // wasmoon passes the source as a C string: a NUL would cut it, lone surrogates garble it.
  if (source.length > MAX_SOURCE || source.includes("\0") || !isWellFormed(source)) {
    return undefined;
  }
  try {
    const tokens = tokenize(source);
    // A statement keyword first (`local`, `if`, `return`) cannot start an expression: the
    // expression form is a syntax error, so go straight to the chunk.
    const first = tokens.types[0] === T.Keyword ? tokens.values[0] : undefined;
    if (first === undefined || EXPRESSION_KEYWORDS.has(first as string)) {
      try {
        return new Parser(tokens).expressionForm();
      } catch (error) {
        if (error !== SYNTAX) throw error;
      }
    }
    return new Parser(tokens).chunkForm();
  } catch (error) {
    if (error === SYNTAX || error === UNSUPPORTED) return undefined;
    throw error;
  }
}
