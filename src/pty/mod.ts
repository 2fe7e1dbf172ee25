export * from "./pty.ts";
export { PtyWriter } from "./writer.ts";
export { execReplacingProcess, raiseSignalOnSelf } from "./process.ts";
