/**
 * Where a Worker module lives: beside the module creating it when running from source (`.ts`),
 * in `workers/NAME.js` beside the chunk when running the bundled app (the installer bundles
 * every `src/*\/*_worker.ts` there).
 */
export function workerModuleUrl(creatorUrl: string, name: string): URL {
  return creatorUrl.endsWith(".ts")
    ? new URL(`./${name}.ts`, creatorUrl)
    : new URL(`./workers/${name}.js`, creatorUrl);
}
