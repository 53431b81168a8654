/**
 * `npm run eval:rca -- <folder> [--methods default,riskloc,adtributor] [--limit N]`: recognises the dataset
 * layout of the folder (or of each of its subfolders) and prints one JSON line per case and method, then one
 * summary line per dataset/setting and method. Unreadable cases become lines with an "error" field.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';

const program = new Command()
  .name('eval-rca')
  .argument('<folder>', 'a dataset folder (e.g. shared/datasets/squeeze-B0), one setting of it, or a folder of datasets')
  .option('--methods <names>', 'localizers to run, comma-separated', 'default,riskloc,adtributor')
  .option('--limit <n>', 'at most this many cases per setting', (v) => Number.parseInt(v, 10))
  .action(async (folderArg: string, opts: { methods: string; limit?: number }) => {
    const folder = resolve(folderArg);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder; pass a dataset folder`);
    // loaded lazily like every library the tools use (bench.ts does the same)
    const { createLocalizerRegistry } = await import('@kinsight/rca');
    const { DATASET_ADAPTERS, findAdapter } = await import('@kinsight/rca/eval');
    const registry = createLocalizerRegistry();
    const localizers = opts.methods.split(',').map((n) => registry.get(n.trim()));
    const direct = findAdapter(folder);
    const targets = direct
      ? [{ folder, adapter: direct }]
      : readdirSync(folder)
          .sort()
          .map((name) => join(folder, name))
          .filter((path) => statSync(path).isDirectory())
          .flatMap((path) => {
            const adapter = findAdapter(path);
            return adapter ? [{ folder: path, adapter }] : [];
          });
    if (targets.length === 0) {
      throw new Error(`no known dataset layout in ${folder} or its subfolders; known: ${DATASET_ADAPTERS.map((a) => a.name).join(', ')}`);
    }
    for (const target of targets) {
      for await (const line of target.adapter.run(target.folder, { localizers, ...(opts.limit === undefined ? {} : { limit: opts.limit }) })) {
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
    }
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`eval:rca: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
