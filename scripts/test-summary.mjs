// Reads jest's --json output: per-project counts (so a run shows it covered SQLite and PostgreSQL), then the plain line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!existsSync(file)) {
  console.log('jest produced no results file');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const byProject = new Map();
for (const suite of r.testResults) {
  const name = suite.displayName?.name ?? suite.displayName ?? 'default';
  const p = byProject.get(name) ?? { passed: 0, failed: 0, skipped: 0, files: 0 };
  p.files += 1;
  for (const t of suite.assertionResults) {
    if (t.status === 'passed') p.passed += 1;
    else if (t.status === 'failed') p.failed += 1;
    else p.skipped += 1;
  }
  if (suite.status === 'failed' && suite.assertionResults.length === 0) p.failed += 1; // a file that did not load
  byProject.set(name, p);
}
console.log('\nTest summary by project:');
for (const [name, p] of [...byProject].sort()) console.log(`  ${name.padEnd(14)} ${String(p.files).padStart(3)} files  ${p.passed} passed, ${p.failed} failed${p.skipped ? `, ${p.skipped} skipped` : ''}`);
const suitesFailedToLoad = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
const failed = r.numFailedTests + suitesFailedToLoad;
const skipped = r.numPendingTests + r.numTodoTests;
const line = `${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
mkdirSync('test-output', { recursive: true });
writeFileSync('test-output/summary.txt', line + '\n');
console.log(line);
process.exit(failed > 0 || r.numPassedTests === 0 ? 1 : 0);
