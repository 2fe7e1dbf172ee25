// The sandbox's limits, apart from lua_engine.ts so that the subset evaluator can use them
// without importing the engine.

export interface LuaLimits {
  /** Bytes snippets may allocate on top of the sandbox itself. */
  memoryBytes: number;
  /** Upper bound of estimated matcher steps for one string pattern call. */
  patternSteps: number;
  /** Largest table table.sort accepts. */
  sortMax: number;
}

export const DEFAULT_LUA_LIMITS: LuaLimits = {
  memoryBytes: 8 * 1024 * 1024,
  // About 20 ms of Lua's C matcher here (it does roughly 2e8 steps per second).
  patternSteps: 4_000_000,
  sortMax: 100_000,
};
