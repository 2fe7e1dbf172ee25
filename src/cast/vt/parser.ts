/**
 * Splits terminal output into printable runs, control characters and escape sequences, after
 * the DEC/ECMA-48 state machine that xterm and VTE follow: controls inside a sequence still act,
 * CAN/SUB abort it, ESC restarts it, and string payloads (OSC, DCS, SOS, PM, APC) are skipped
 * whole, never printed. State survives between `parse` calls, so a sequence may be split
 * across output events.
 */

/** What the parser reports to; the terminal implements it. */
export interface VtHandler {
  /** A run of printable characters: `text` from `start` (inclusive) to `end` (exclusive). */
  print(text: string, start: number, end: number): void;
  /** A C0 control, or a C1 control (0x80..0x9f) that is not a sequence introducer. */
  execute(code: number): void;
  /** `ESC intermediates final`, e.g. ESC 7 or ESC # 8. */
  escape(final: number, intermediates: string): void;
  /**
   * `CSI marker params intermediates final`. `params[0..count)` hold the numbers, -1 where a
   * parameter was left out; `marker` is the private marker ("?", ">", "<", "=") or 0.
   */
  csi(
    final: number,
    params: Int32Array,
    count: number,
    marker: number,
    intermediates: string,
  ): void;
}

// Parser states, as plain numbers: the switch over them is the hot loop.
const State = {
  Ground: 0,
  Escape: 1,
  EscapeIntermediate: 2,
  CsiParam: 3,
  CsiIntermediate: 4,
  CsiIgnore: 5,
  /** OSC: ends with BEL or ST. */
  OscString: 6,
  /** DCS, SOS, PM, APC: end with ST only. */
  IgnoredString: 7,
} as const;
type State = typeof State[keyof typeof State];

const ESC = 0x1b;
const CAN = 0x18;
const SUB = 0x1a;
const BEL = 0x07;
const DEL = 0x7f;
const C1_DCS = 0x90;
const C1_SOS = 0x98;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
const C1_OSC = 0x9d;
const C1_PM = 0x9e;
const C1_APC = 0x9f;
const MAX_PARAMS = 16;
const MAX_PARAM_VALUE = 65535;

function isPrintable(code: number): boolean {
  return code >= 0x20 && code !== DEL && (code < 0x80 || code > 0x9f);
}

export class VtParser {
  #handler: VtHandler;
  #state: State = State.Ground;
  #intermediates = "";
  #params = new Int32Array(MAX_PARAMS);
  #paramCount = 0;
  #marker = 0;

  constructor(handler: VtHandler) {
    this.#handler = handler;
  }

  /** Forgets a sequence in progress (RIS, or a fresh start). */
  reset(): void {
    this.#state = State.Ground;
  }

  parse(text: string): void {
    const handler = this.#handler;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const code = text.charCodeAt(i);
      switch (this.#state) {
        case State.Ground: {
          if (isPrintable(code)) {
            let end = i + 1;
            while (end < n && isPrintable(text.charCodeAt(end))) end++;
            handler.print(text, i, end);
            i = end;
            continue;
          }
          this.#control(code);
          break;
        }
        case State.Escape:
        case State.EscapeIntermediate: {
          if (code < 0x20 || code >= 0x80) {
            if (!this.#controlInSequence(code)) continue;
          } else if (code <= 0x2f) {
            this.#intermediates += String.fromCharCode(code);
            this.#state = State.EscapeIntermediate;
          } else if (code === DEL) {
            // Ignored inside sequences, as on a VT100.
          } else if (this.#state === State.EscapeIntermediate) {
            this.#state = State.Ground;
            handler.escape(code, this.#intermediates);
          } else {
            this.#escapeFinal(code);
          }
          break;
        }
        case State.CsiParam: {
          if (code >= 0x30 && code <= 0x39) {
            const index = this.#paramCount - 1;
            const current = this.#params[index];
            this.#params[index] = Math.min(
              MAX_PARAM_VALUE,
              (current < 0 ? 0 : current * 10) + code - 0x30,
            );
          } else if (code === 0x3b || code === 0x3a) {
            // ":" separates sub-parameters (SGR colours); no command here needs them apart.
            if (this.#paramCount < MAX_PARAMS) this.#params[this.#paramCount++] = -1;
          } else if (code >= 0x3c && code <= 0x3f) {
            const atStart = this.#paramCount === 1 && this.#params[0] < 0 && this.#marker === 0;
            if (atStart) this.#marker = code;
            else this.#state = State.CsiIgnore;
          } else {
            this.#csiOther(code);
            if (code < 0x20 || code >= 0x80) {
              if (!this.#controlInSequence(code)) continue;
            }
          }
          break;
        }
        case State.CsiIntermediate: {
          if (code >= 0x30 && code <= 0x3f) this.#state = State.CsiIgnore;
          else {
            this.#csiOther(code);
            if (code < 0x20 || code >= 0x80) {
              if (!this.#controlInSequence(code)) continue;
            }
          }
          break;
        }
        case State.CsiIgnore: {
          if (code >= 0x40 && code <= 0x7e) this.#state = State.Ground;
          else if (code < 0x20 || code >= 0x80) {
            if (!this.#controlInSequence(code)) continue;
          }
          break;
        }
        case State.OscString:
        case State.IgnoredString: {
          // Skip the payload in one scan: only its terminators matter.
          const bellEnds = this.#state === State.OscString;
          let end = i;
          while (end < n) {
            const c = text.charCodeAt(end);
            if (c === ESC || c === CAN || c === SUB || c === C1_ST || (c === BEL && bellEnds)) {
              break;
            }
            end++;
          }
          if (end === n) return;
          const terminator = text.charCodeAt(end);
          // ESC starts the ST (ESC \), which then arrives as an ignored escape sequence.
          if (terminator === ESC) this.#enterEscape();
          else this.#state = State.Ground;
          i = end + 1;
          continue;
        }
      }
      i++;
    }
  }

  /** A control character met in the ground state. */
  #control(code: number): void {
    switch (code) {
      case ESC:
        this.#enterEscape();
        return;
      case C1_CSI:
        this.#enterCsi();
        return;
      case C1_OSC:
        this.#state = State.OscString;
        return;
      case C1_DCS:
      case C1_SOS:
      case C1_PM:
      case C1_APC:
        this.#state = State.IgnoredString;
        return;
      case C1_ST:
      case DEL:
      case CAN:
      case SUB:
        return;
      default:
        this.#handler.execute(code);
    }
  }

  /**
   * A control character or non-ASCII character met inside an escape or control sequence.
   * Returns false when the character must be read again in the ground state.
   */
  #controlInSequence(code: number): boolean {
    if (code > 0x9f) {
      // Not a C1 control: the sequence was broken; print from here.
      this.#state = State.Ground;
      return false;
    }
    if (code === CAN || code === SUB) {
      this.#state = State.Ground;
      return true;
    }
    if (code === ESC || code >= 0x80) {
      this.#state = State.Ground;
      this.#control(code);
      return true;
    }
    this.#handler.execute(code);
    return true;
  }

  /** In a CSI: an intermediate, the final byte, or something that is neither. */
  #csiOther(code: number): void {
    if (code >= 0x20 && code <= 0x2f) {
      this.#intermediates += String.fromCharCode(code);
      this.#state = State.CsiIntermediate;
    } else if (code >= 0x40 && code <= 0x7e) {
      this.#state = State.Ground;
      const count = this.#paramCount === 1 && this.#params[0] < 0 ? 0 : this.#paramCount;
      this.#handler.csi(code, this.#params, count, this.#marker, this.#intermediates);
    }
  }

  #escapeFinal(code: number): void {
    switch (code) {
      case 0x5b: // [
        this.#enterCsi();
        return;
      case 0x5d: // ]
        this.#state = State.OscString;
        return;
      case 0x50: // P
      case 0x58: // X
      case 0x5e: // ^
      case 0x5f: // _
        this.#state = State.IgnoredString;
        return;
      default:
        this.#state = State.Ground;
        this.#handler.escape(code, "");
    }
  }

  #enterEscape(): void {
    this.#state = State.Escape;
    this.#intermediates = "";
  }

  #enterCsi(): void {
    this.#state = State.CsiParam;
    this.#intermediates = "";
    this.#marker = 0;
    this.#params[0] = -1;
    this.#paramCount = 1;
  }
}
