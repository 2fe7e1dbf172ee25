/**
 * A byte stream transform in front of every sink (the redactor). Output of push…flush is the
 * filtered stream; `deadline` tells when held-back bytes must be released by `tick`. An output
 * may be a view that the filter's next call reuses, and an input need only be valid during the
 * call: the recorder hands both on at once.
 */
export interface FilterFinding {
  ruleId: string;
  offset: number;
  length: number;
}

export interface FilterResult {
  output: Uint8Array;
  findings: FilterFinding[];
}

export interface StreamFilter {
  push(chunk: Uint8Array): FilterResult;
  flush(): FilterResult;
  deadline(): number | null;
  tick(): FilterResult;
}

/** Passes everything through: used when redaction is turned off. */
export class PassThroughFilter implements StreamFilter {
  push(chunk: Uint8Array): FilterResult {
    return { output: chunk, findings: [] };
  }
  flush(): FilterResult {
    return { output: new Uint8Array(), findings: [] };
  }
  deadline(): null {
    return null;
  }
  tick(): FilterResult {
    return this.flush();
  }
}
