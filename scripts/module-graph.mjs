// Prints which src/ folder imports which (the module graph), and fails on a cycle between files or between folders.
import madge from 'madge';

const result = await madge('src', { fileExtensions: ['ts'], excludeRegExp: [/\.spec\.ts$/] });
// The entity registry (database/entities.ts) lists every module's entities for the data source: it composes the
// application like app.module.ts, so it counts as the root, not as database/.
const folderOf = (file) => (file.includes('/') && file !== 'database/entities.ts' ? file.split('/')[0] : '(root)');
const edges = new Map();
for (const [file, deps] of Object.entries(result.obj())) {
  const from = folderOf(file);
  for (const dep of deps) {
    const to = folderOf(dep);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from).add(to);
  }
}
for (const from of [...edges.keys()].sort())
  console.log(`${from.padEnd(13)} → ${[...edges.get(from)].sort().join(', ')}`);

const fileCycles = result.circular();
const folderCycles = [];
const visit = (node, path) => {
  for (const next of edges.get(node) ?? []) {
    if (next === '(root)') continue;
    const at = path.indexOf(next);
    if (at >= 0) folderCycles.push([...path.slice(at), next].join(' → '));
    else visit(next, [...path, next]);
  }
};
for (const start of edges.keys()) if (start !== '(root)') visit(start, [start]);
const unique = [...new Set(folderCycles)];
console.log(`\nfile cycles: ${fileCycles.length}, folder cycles: ${unique.length}`);
for (const c of fileCycles) console.log(`  file cycle: ${c.join(' → ')}`);
for (const c of unique) console.log(`  folder cycle: ${c}`);
process.exit(fileCycles.length || unique.length ? 1 : 0);
