import { assertEquals } from "@ddcoterm/assert";
import { didYouMean, editDistance } from "./suggest.ts";

Deno.test("didYouMean suggests the closest key for a typo", () => {
  assertEquals(didYouMean("comands", ["default_actions", "commands"]), "commands");
  assertEquals(didYouMean("recrod", ["record", "logs", "approval"]), "record");
});

Deno.test("didYouMean stays silent when nothing is close", () => {
  assertEquals(didYouMean("colour", ["record", "logs"]), undefined);
});

Deno.test("editDistance counts a transposition as one edit", () => {
  assertEquals(editDistance("reocrd", "record"), 1);
});
