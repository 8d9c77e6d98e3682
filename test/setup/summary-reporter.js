// Prints what ran per jest project (so a run shows the e2e suite covered SQLite and PostgreSQL), then the plain
// summary line "N passed, M failed" last, and keeps it in test-output/summary.txt for .ci/run.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.projects = new Map();
    this.failedToLoad = 0;
    // JEST_SUMMARY_APPEND=1 (scripts/test.sh's last step, the secrets hygiene run): add to the previous run's counts.
    this.previous = { projects: [], passed: 0, failed: 0, skipped: 0 };
    const state = path.join(this.rootDir, 'test-output', 'summary.json');
    if (process.env.JEST_SUMMARY_APPEND === '1' && fs.existsSync(state))
      this.previous = JSON.parse(fs.readFileSync(state, 'utf8'));
    for (const [name, p] of this.previous.projects) this.projects.set(name, p);
  }

  onTestResult(test, result) {
    const dn = test.context.config.displayName;
    const name = (dn && (dn.name || dn)) || 'default';
    const p = this.projects.get(name) || { files: 0, passed: 0, failed: 0, skipped: 0 };
    p.files += 1;
    p.passed += result.numPassingTests;
    p.failed += result.numFailingTests;
    p.skipped += result.numPendingTests + result.numTodoTests;
    if (result.testExecError || (result.failureMessage && result.numPassingTests + result.numFailingTests === 0)) {
      p.failed += 1;
      this.failedToLoad += 1;
    }
    this.projects.set(name, p);
  }

  onRunComplete(_contexts, results) {
    const lines = ['', 'Test summary by project:'];
    for (const [name, p] of [...this.projects].sort()) {
      lines.push(
        `  ${name.padEnd(14)} ${String(p.files).padStart(3)} files  ${p.passed} passed, ${p.failed} failed${p.skipped ? `, ${p.skipped} skipped` : ''}`,
      );
    }
    const passed = this.previous.passed + results.numPassedTests;
    const failed = this.previous.failed + results.numFailedTests + this.failedToLoad;
    const skipped = this.previous.skipped + results.numPendingTests + results.numTodoTests;
    const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    const out = path.join(this.rootDir, 'test-output');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'summary.txt'), line + '\n');
    fs.writeFileSync(
      path.join(out, 'summary.json'),
      JSON.stringify({ projects: [...this.projects], passed, failed, skipped }),
    );
    process.stdout.write(lines.join('\n') + '\n' + line + '\n');
  }
}

module.exports = SummaryReporter;
