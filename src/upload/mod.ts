/**
 * The client side of the server: resumable, hash-chained upload of session folders.
 *
 * - `startLiveUpload(dir, connection)` while recording (poke after flushes, finish at the end)
 * - `uploadPending(home, connection, {all, onProgress})` for `ddcoterm upload` and catch-up
 * - `resolveConnection(config.connectionConfig, home)` and `sessionUrl(connection, id)`
 * - `verifySession(dir, connection?)` for `ddcoterm verify`
 */
export {
  baseUrl,
  type Connection,
  credentialsPath,
  readCredentials,
  resolveConnection,
  sessionUrl,
  writeCredentials,
} from "./connection.ts";
export { type LiveUpload, startLiveUpload } from "./live.ts";
export { type PendingProgress, type PendingResult, uploadPending } from "./pending.ts";
export {
  CHAIN_LOG,
  readUploadState,
  SessionUploader,
  UPLOAD_STATE,
  type UploadFile,
  UploadRejected,
} from "./uploader.ts";
export { type VerifyReport, verifySession } from "./verify.ts";
