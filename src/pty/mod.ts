export * from "./pty.ts";
export { PtyWriter } from "./writer.ts";
export { PtyProxy, type PtyProxyHandlers, setNonBlocking } from "./proxy.ts";
export { execReplacingProcess, raiseSignalOnSelf } from "./process.ts";
export { ProxyWorker } from "./threaded_proxy.ts";
export { copyPipes, PIPE_CHUNK_BYTES, type PipeStream } from "./pipe_copier.ts";
