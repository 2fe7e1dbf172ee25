export * from "./errors.ts";
export * from "./ids.ts";
export * from "./clock.ts";
export * from "./home.ts";
export * from "./version.ts";
export * from "./redaction_config.ts";
