import { assertEquals } from "@ddcoterm/assert";
import { parseEventQuery } from "./query.ts";

Deno.test("the query bar reads fields, negations, quoted values and free text", () => {
  assertEquals(
    parseEventQuery('source:coterm_process_info @user:alice -executable:ls "get pods" error'),
    {
      fields: [
        { field: "source", value: "coterm_process_info", negate: false },
        { field: "user", value: "alice", negate: false },
        { field: "executable", value: "ls", negate: true },
      ],
      text: ["get pods", "error"],
    },
  );
});

Deno.test("the query bar keeps unknown keys as free text and ignores service:ddcoterm", () => {
  assertEquals(parseEventQuery("service:ddcoterm foo:bar"), { fields: [], text: ["foo:bar"] });
});
