/** Fan-out of "a session changed" notices to this instance's live viewers, by session id. */
import type { ChangeNotice } from "./storage/store.ts";
import { TopicHub } from "./topic_hub.ts";

export type NoticeListener = (notice: ChangeNotice) => void;

export class LiveHub extends TopicHub<ChangeNotice> {
  get viewers(): number {
    return this.listeners;
  }
}
