import { LineCounter, parseDocument } from "yaml";
import { validateConfig, type ValidatedConfig, type ValidateOptions } from "./validate.ts";

/**
 * Parses and validates config.yaml text. Pure: `path` only appears in messages. Importing
 * this module loads the yaml package (about 30 ms): the facade's async parseConfig defers it.
 */
export function parseConfigSync(
  text: string,
  path: string,
  options: ValidateOptions = {},
): ValidatedConfig {
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a repeated key an error with its position.
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  return validateConfig({ document, lineCounter, text }, path, options);
}
