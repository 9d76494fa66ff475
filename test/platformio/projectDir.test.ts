// Finding the PlatformIO project of a source file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectDir } from '../../src/platformio/projectDir';

describe('project folder', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'outpost-proj-'));
    mkdirSync(join(root, 'fw/src/drivers'), { recursive: true });
    writeFileSync(join(root, 'fw/platformio.ini'), '[env:a]\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('walks up from a source folder to the folder with platformio.ini', () => {
    assert.equal(findProjectDir(join(root, 'fw/src/drivers')), join(root, 'fw'));
    assert.equal(findProjectDir(join(root, 'fw')), join(root, 'fw'));
  });

  it('does not leave the workspace folder it is given', () => {
    mkdirSync(join(root, 'fw/other'), { recursive: true });
    assert.equal(findProjectDir(join(root, 'fw/src/drivers'), join(root, 'fw/src')), undefined);
    assert.equal(findProjectDir(root, root), undefined);
  });
});
