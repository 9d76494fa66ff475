// `--operator-key KEY|FILE`: keys given inline or in a file, and one clear usage line for anything else.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../src/cli/errors';
import { parseOperatorKeys } from '../../src/cli/operatorKeys';
import { generateIdentity } from '../../src/protocol/identity';

describe('--operator-key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'outpost-opkeys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const a = generateIdentity().publicKeyText;
  const b = generateIdentity().publicKeyText;
  const usage = (pattern: RegExp) => (e: unknown) =>
    e instanceof CliError && e.exitCode === 2 && pattern.test(e.message) && !e.message.includes('\n');

  it('is absent when not given: the relay decides who is an operator', () => {
    assert.equal(parseOperatorKeys([], dir), undefined);
  });

  it('takes keys inline and from a file (comments and blank lines ignored), each once', () => {
    writeFileSync(join(dir, 'operators.txt'), `# the lab\n${b}  # bea\n\n${a}\n`);
    assert.deepEqual(parseOperatorKeys([a, 'operators.txt'], dir), [a, b]);
  });

  it('refuses a value that is neither a key nor a file, a file line that is not a key, and an empty list', () => {
    assert.throws(() => parseOperatorKeys(['not-a-key'], dir), usage(/"not-a-key" is neither a public key/));
    writeFileSync(join(dir, 'bad.txt'), `${a}\nhello\n`);
    assert.throws(() => parseOperatorKeys(['bad.txt'], dir), usage(/bad\.txt:2 is not an operator public key/));
    writeFileSync(join(dir, 'empty.txt'), '# nobody\n');
    assert.throws(() => parseOperatorKeys(['empty.txt'], dir), usage(/would refuse every operator/));
  });
});
