// `pnpm bench [name...]`: runs every bench/*.ts (or the named ones) one after another with tsx (Node 20
// cannot run TypeScript itself). Each bench writes bench/results/<name>.json; a failing bench fails the run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const benchDir = path.join(root, 'bench');
const wanted = process.argv.slice(2);
const available = readdirSync(benchDir).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3)).sort();
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`bench: no bench named ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
const failed = [];
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`bench: ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, `${name}.ts`)], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`bench: failed: ${failed.join(', ')}`);
  process.exit(1);
}
