/**
 * Prints the closing line CI reads, "N passed, N failed", from Deno's JUnit report, with the
 * names of failed tests above it. Exits 1 when a test failed or none ran.
 */
const path = Deno.args[0];
let xml: string;
try {
  xml = Deno.readTextFileSync(path);
} catch {
  console.log("0 passed, 1 failed");
  console.error(`No test report at "${path}": the test run did not finish`);
  Deno.exit(1);
}

const decode = (s: string) =>
  s.replaceAll("&quot;", '"').replaceAll("&apos;", "'").replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">").replaceAll("&amp;", "&");

let passed = 0;
const failed: string[] = [];
let skipped = 0;
const testcase = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
for (const match of xml.matchAll(testcase)) {
  const name = decode(/\bname="([^"]*)"/.exec(match[1])?.[1] ?? "?");
  const classname = decode(/\bclassname="([^"]*)"/.exec(match[1])?.[1] ?? "");
  const body = match[3] ?? "";
  if (/<(failure|error)\b/.test(body)) failed.push(`${classname}: ${name}`);
  else if (/<skipped\b/.test(body)) skipped++;
  else passed++;
}
for (const name of failed) console.log(`FAILED ${name}`);
const skippedText = skipped > 0 ? `, ${skipped} skipped` : "";
console.log(`${passed} passed, ${failed.length} failed${skippedText}`);
Deno.exit(failed.length > 0 || passed === 0 ? 1 : 0);
