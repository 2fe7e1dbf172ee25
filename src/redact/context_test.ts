import { assert, assertEquals } from "@ddcoterm/assert";
import { Gen } from "./gen.ts";
import { bytesOf, leakedPiece, runBytewise, runSplit, runWhole } from "./testing.ts";

const g = new Gen(11);

/** Output of `text` whole, split at every byte and byte by byte; they must all agree. */
function allModes(text: string): string {
  const input = bytesOf(text);
  const whole = runWhole(input).output;
  for (let cut = 1; cut < input.length; cut++) {
    assertEquals(runSplit(input, [cut]).output, whole, `split at ${cut}`);
  }
  assertEquals(runBytewise(input).output, whole, "byte by byte");
  return whole;
}

function assertMasked(out: string, secrets: string[]): void {
  for (const s of secrets) {
    assertEquals(leakedPiece(out, s), null, `${s} in ${JSON.stringify(out)}`);
  }
}

Deno.test("netrc entries on one line, on separate lines and several per line are masked", () => {
  const [a, b, c, d] = [g.password(16), g.alnum(24), g.password(12), g.alnum(30)];
  const text = `$ cat ~/.netrc\r\nmachine api.github.com login octo password ${a}\r\n` +
    `machine git.example.com\r\n  login deploy\r\n  password ${b}\r\n` +
    `machine a.example.com login x password ${c} machine b.example.com login y password ${d}\r\n` +
    `default login anonymous password ${a}\r\n`;
  const out = allModes(text);
  assertMasked(out, [a, b, c, d]);
  assert(out.includes("machine api.github.com login octo password "));
  assert(out.includes("machine b.example.com login y password "));
});

Deno.test("netrc-like prose passes", () => {
  const text = "password reset link sent\r\nlogin: ok, password accepted\r\n";
  assertEquals(allModes(text), text);
});

function secretYaml(kind: string, values: string[], kindFirst = false): string {
  const data = `data:\n${values.map((v, i) => `  key${i}: ${v}\n`).join("")}`;
  const head = kindFirst
    ? `apiVersion: v1\nkind: ${kind}\n${data}`
    : `apiVersion: v1\n${data}kind: ${kind}\n`;
  return `${head}metadata:\n  name: app\n  namespace: default\n`;
}

Deno.test("Kubernetes data values are masked under kind: Secret, wherever the kind line is", () => {
  const values = [btoa(g.password(16)), btoa(g.alnum(32))];
  for (const kindFirst of [false, true]) {
    const text = `$ kubectl get secret app -o yaml\r\n${secretYaml("Secret", values, kindFirst)}$ `;
    assertMasked(allModes(text), values);
  }
});

Deno.test("Kubernetes ConfigMap data that looks like base64 passes", () => {
  const values = [btoa(g.alnum(12)), "Q29uZmlnVmFsdWU="];
  for (const kindFirst of [false, true]) {
    const text = `$ kubectl get cm app -o yaml\r\n${secretYaml("ConfigMap", values, kindFirst)}$ `;
    assertEquals(allModes(text), text);
  }
});

Deno.test("Kubernetes Secret and ConfigMap in one list are told apart", () => {
  const s = btoa(g.password(20));
  const c = btoa(g.alnum(16));
  const text = `$ kubectl get secret,cm -o yaml\napiVersion: v1\nitems:\n` +
    `- apiVersion: v1\n  data:\n    token: ${s}\n  kind: Secret\n  metadata:\n    name: a\n` +
    `- apiVersion: v1\n  data:\n    blob: ${c}\n  kind: ConfigMap\n  metadata:\n    name: b\n` +
    `kind: List\n`;
  const out = allModes(text);
  assertMasked(out, [s]);
  assert(out.includes(`blob: ${c}\n`));
});

Deno.test("Kubernetes JSON output is told apart by its kind too", () => {
  const s = btoa(g.password(20));
  const json = (kind: string, v: string) =>
    `{\n    "apiVersion": "v1",\n    "data": {\n        "k": "${v}"\n    },\n    "kind": "${kind}"\n}\n`;
  assertMasked(allModes(json("Secret", s)), [s]);
  assertEquals(allModes(json("ConfigMap", s)), json("ConfigMap", s));
});

Deno.test("a data block without any kind is still treated as a Secret", () => {
  const s = btoa(g.password(20));
  const text = `$ kubectl get secret app -o yaml | grep -A1 data\ndata:\n  password: ${s}\n$ ls\n`;
  assertMasked(allModes(text), [s]);
});
