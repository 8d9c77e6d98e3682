import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { EnvironmentVariables } from './env.schema';

// The configuration docs cannot drift: env.schema.ts (doc comment + default per variable) is the source, and the
// README's "Configuration" table and .env.example must list exactly its variables.
const ROOT = join(__dirname, '..', '..');

interface Documented {
  name: string;
  default: unknown;
  description: string;
}

/** Each property of EnvironmentVariables with its `/** … *\/` comment, in declaration order, and its default. */
function schemaVariables(): Documented[] {
  const file = join(__dirname, 'env.schema.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const defaults = new EnvironmentVariables() as unknown as Record<string, unknown>;
  const found: Documented[] = [];
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || node.name?.text !== 'EnvironmentVariables') return;
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
      const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
      const description = docs
        .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
      found.push({ name: member.name.text, default: defaults[member.name.text], description });
    }
  });
  return found;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const renderDefault = (v: unknown) => (v === undefined ? '—' : v === '' ? '(empty)' : `\`${String(v)}\``);

function renderTable(vars: Documented[]): string {
  return [
    '| Variable | Default | Description |',
    '| --- | --- | --- |',
    ...vars.map((v) => `| \`${v.name}\` | ${cell(renderDefault(v.default))} | ${cell(v.description)} |`),
  ].join('\n');
}

function readmeSection(title: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('configuration docs', () => {
  const vars = schemaVariables();

  it('every variable in env.schema.ts has a one-line description', () => {
    expect(vars.length).toBeGreaterThan(30);
    for (const v of vars)
      expect({ name: v.name, description: v.description }).toEqual({
        name: v.name,
        description: expect.stringMatching(/\S{3,}/),
      });
    // The parse saw the same class the app validates with.
    expect(vars.map((v) => v.name).sort()).toEqual(
      Object.keys(new EnvironmentVariables())
        .concat(vars.filter((v) => v.default === undefined).map((v) => v.name))
        .sort(),
    );
  });

  it("README's Configuration table is exactly env.schema.ts: names, defaults and descriptions, in order", () => {
    const section = readmeSection('Configuration');
    const rows = section.split('\n').filter((l) => /^\| `[A-Z0-9_]+` \|/.test(l));
    const expected = renderTable(vars);
    // On failure, the message holds the table to paste into README.md.
    expect(['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n')).toBe(expected);
  });

  it('.env.example names exactly the same variables, and its uncommented values are the defaults', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const lines = [...example.matchAll(/^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({
      commented: !!m[1],
      name: m[2],
      value: m[3].trim(),
    }));
    expect([...new Set(lines.map((l) => l.name))].sort()).toEqual(vars.map((v) => v.name).sort());
    const defaults = new Map(vars.map((v) => [v.name, v.default]));
    for (const l of lines.filter((x) => !x.commented))
      expect({ name: l.name, value: l.value }).toEqual({ name: l.name, value: String(defaults.get(l.name) ?? '') });
  });
});
