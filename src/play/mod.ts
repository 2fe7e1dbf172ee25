export { play, type PlayOptions, terminalKeys } from "./terminal_player.ts";
export * from "./playback.ts";
