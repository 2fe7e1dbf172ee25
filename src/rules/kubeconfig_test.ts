import { assertEquals } from "@ddcoterm/assert";
import { kubeconfigPaths, readKubeconfig } from "./kubeconfig.ts";
import { parseKubeconfig } from "./kubeconfig_parse.ts";

const KUBECONFIG_A = `apiVersion: v1
kind: Config
current-context: prod-eu
contexts:
  - name: prod-eu
    context: {cluster: eu, namespace: web}
  - name: minikube
    context: {cluster: local}
`;
const KUBECONFIG_B = `current-context: staging
contexts:
  - name: minikube
    context: {cluster: local, namespace: dev}
  - name: prod-eu
    context: {cluster: eu, namespace: other}
`;

Deno.test("parseKubeconfig reads current-context and the namespaces", () => {
  assertEquals(parseKubeconfig(KUBECONFIG_A), {
    currentContext: "prod-eu",
    namespaces: Object.assign(Object.create(null), { "prod-eu": "web" }),
  });
  assertEquals(parseKubeconfig("[not: yaml"), undefined);
  assertEquals(parseKubeconfig("just text")?.currentContext, undefined);
});

Deno.test("KUBECONFIG lists files with colons, else ~/.kube/config is used", () => {
  assertEquals(kubeconfigPaths({ KUBECONFIG: "/a::/b", HOME: "/h" }), ["/a", "/b"]);
  assertEquals(kubeconfigPaths({ HOME: "/h" }), ["/h/.kube/config"]);
  assertEquals(kubeconfigPaths({}), []);
});

Deno.test("the current context comes from the first file, namespaces from all files", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a`, KUBECONFIG_A);
  await Deno.writeTextFile(`${dir}/b`, KUBECONFIG_B);
  const info = await readKubeconfig({ KUBECONFIG: `${dir}/a:${dir}/b` });
  assertEquals(info.currentContext, "prod-eu");
  assertEquals({ ...info.namespaces }, { "prod-eu": "web", minikube: "dev" });
  const fromB = await readKubeconfig({ KUBECONFIG: `${dir}/b:${dir}/a` });
  assertEquals(fromB.currentContext, "staging");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a missing or unreadable kubeconfig gives no context", async () => {
  const dir = await Deno.makeTempDir();
  assertEquals((await readKubeconfig({ KUBECONFIG: `${dir}/missing` })).currentContext, undefined);
  await Deno.mkdir(`${dir}/.kube`);
  await Deno.writeTextFile(`${dir}/.kube/config`, "current-context: home-ctx\n");
  assertEquals((await readKubeconfig({ HOME: dir })).currentContext, "home-ctx");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("with a cache folder, a kubeconfig text is parsed once and then read from the cache", async () => {
  const dir = await Deno.makeTempDir();
  const cache = `${dir}/cache`;
  await Deno.writeTextFile(`${dir}/config`, KUBECONFIG_A);
  const env = { KUBECONFIG: `${dir}/config` };
  const fresh = await readKubeconfig(env, undefined, cache);
  assertEquals(fresh.currentContext, "prod-eu");
  assertEquals({ ...fresh.namespaces }, { "prod-eu": "web" });
  // The cache answers for the same text: an entry changed by hand is what comes back.
  const file = `${cache}/kubeconfig-contexts.json`;
  const stored = JSON.parse(await Deno.readTextFile(file));
  const [key] = Object.keys(stored);
  stored[key].currentContext = "from-cache";
  await Deno.writeTextFile(file, JSON.stringify(stored));
  assertEquals((await readKubeconfig(env, undefined, cache)).currentContext, "from-cache");
  // A changed file is parsed again (kubectl config use-context rewrites it).
  await Deno.writeTextFile(`${dir}/config`, KUBECONFIG_B);
  assertEquals((await readKubeconfig(env, undefined, cache)).currentContext, "staging");
  assertEquals(Object.keys(JSON.parse(await Deno.readTextFile(file))).length, 2);
  // A damaged cache only costs a parse.
  await Deno.writeTextFile(file, "{not json");
  assertEquals((await readKubeconfig(env, undefined, cache)).currentContext, "staging");
  await Deno.remove(dir, { recursive: true });
});
