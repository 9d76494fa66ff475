// Which build folders an ELF built elsewhere names, and where the same files are in the local project.
import { strict as assert } from 'node:assert';
import { inferSourceRules } from '../../../src/debug/session/sourceMap';

describe('source rules for an ELF built on another machine', () => {
  const local = new Set(['/home/ana/fw/src/main.c', '/home/ana/fw/src/sensor.c', '/home/ana/fw/lib/fmt/fmt.c']);
  const exists = (f: string): boolean => local.has(f) || f.startsWith('/usr/');

  it('maps the CI checkout onto the project folder from the files both have', () => {
    const rules = inferSourceRules(
      ['/builds/42/fw/src/main.c', '/builds/42/fw/src/sensor.c', '/builds/42/fw/lib/fmt/fmt.c'],
      '/home/ana/fw',
      exists,
    );
    assert.deepEqual(rules, [{ from: '/builds/42/fw', to: '/home/ana/fw' }]);
  });

  it('needs no rule when the ELF was built in the project folder, and ignores files that exist as named', () => {
    assert.deepEqual(
      inferSourceRules(['/home/ana/fw/src/main.c', '/usr/include/stdint.h'], '/home/ana/fw', exists),
      [],
    );
  });

  it('does not map on a bare file name, nor files the project does not have', () => {
    assert.deepEqual(inferSourceRules(['/other/main.c', '/builds/42/fw/src/gone.c'], '/home/ana/fw', exists), []);
  });

  it('orders rules by how many files they explain', () => {
    const rules = inferSourceRules(
      ['/a/src/main.c', '/b/fw/src/sensor.c', '/b/fw/lib/fmt/fmt.c', 'relative/x.c'],
      '/home/ana/fw',
      exists,
    );
    assert.deepEqual(
      rules.map((r) => r.from),
      ['/b/fw', '/a'],
    );
  });
});
