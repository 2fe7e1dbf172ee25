// The one place tests get assertions from: swap for @std/assert with an import-map change.
import nodeAssert from "node:assert/strict";

export function assert(value: unknown, message?: string): asserts value {
  nodeAssert.ok(value, message);
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

export function assertMatch(actual: string, expected: RegExp, message?: string): void {
  nodeAssert.match(actual, expected, message);
}

export function assertNotMatch(actual: string, expected: RegExp, message?: string): void {
  nodeAssert.doesNotMatch(actual, expected, message);
}

export function assertStringIncludes(actual: string, expected: string, message?: string): void {
  if (!actual.includes(expected)) {
    nodeAssert.fail(
      message ?? `Expected ${JSON.stringify(actual)} to include ${JSON.stringify(expected)}`,
    );
  }
}

export function assertThrows(
  fn: () => unknown,
  matcher?: RegExp | (new (...a: never[]) => Error),
): void {
  nodeAssert.throws(fn, matcher as RegExp);
}

export async function assertRejects(
  fn: () => Promise<unknown>,
  matcher?: RegExp | (new (...a: never[]) => Error),
): Promise<void> {
  await nodeAssert.rejects(fn, matcher as RegExp);
}
