export * from "./shims.ts";
export * from "./path_block.ts";
export { findExecutable, isExecutableFile, realPathOrSelf } from "./which.ts";
