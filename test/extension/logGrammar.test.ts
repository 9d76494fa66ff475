// The outpost-log TextMate grammar, tokenized by the engine VS Code uses (vscode-textmate + oniguruma).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const ROOT = join(__dirname, '../..');
const require_ = createRequire(__filename);

let grammar: textmate.IGrammar;

// The scopes of each token of one line, as [text, most specific scope].
function tokens(line: string): Array<[string, string]> {
  const result = grammar.tokenizeLine(line, textmate.INITIAL);
  return result.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
}

// The scope of the first token whose text is exactly `text`.
function scopeOf(line: string, text: string): string | undefined {
  return tokens(line).find(([t]) => t === text)?.[1];
}

describe('outpost-log grammar', () => {
  before(async () => {
    const wasm = readFileSync(join(require_.resolve('vscode-oniguruma'), '../onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName !== 'source.outpost-log') return null;
        const path = join(ROOT, 'syntaxes/outpost-log.tmLanguage.json');
        return textmate.parseRawGrammar(readFileSync(path, 'utf8'), path);
      },
    });
    const loaded = await registry.loadGrammar('source.outpost-log');
    assert.ok(loaded, 'the grammar loads');
    grammar = loaded;
  });

  it('is the grammar package.json contributes for the outpost-log language', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const entry = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'outpost-log');
    assert.equal(entry.scopeName, 'source.outpost-log');
    assert.equal(entry.path, './syntaxes/outpost-log.tmLanguage.json');
  });

  it('colors timestamps and the I:/W:/E: levels', () => {
    const line = '2025-06-01T12:00:03.125Z W: modem RSSI low';
    assert.equal(scopeOf(line, '2025-06-01T12:00:03.125Z'), 'constant.numeric.timestamp.iso.outpost-log');
    assert.equal(scopeOf(line, 'W:'), 'markup.changed.level.warning.outpost-log');
    assert.equal(scopeOf('[  12.004] I: sensor init', '[  12.004]'), 'constant.numeric.timestamp.uptime.outpost-log');
    assert.equal(scopeOf('[  12.004] I: sensor init', 'I:'), 'markup.inserted.level.info.outpost-log');
    assert.equal(scopeOf('E: flash write failed', 'E:'), 'markup.deleted.level.error.outpost-log');
    assert.equal(scopeOf('<err> net: socket closed', '<err>'), 'markup.deleted.level.error.outpost-log');
  });

  it('does not take a word ending in a colon for a level', () => {
    assert.equal(scopeOf('PWE: value', 'E:'), undefined);
    assert.equal(scopeOf('note I:x', 'I:'), undefined);
  });

  it('highlights fault lines and the fault status registers', () => {
    const line = 'E: HardFault: CFSR=0x00008200 HFSR=0x40000000 BFAR=0x2003fffc';
    assert.equal(scopeOf(line, 'HardFault'), 'invalid.illegal.fault.outpost-log');
    assert.equal(scopeOf(line, 'CFSR'), 'keyword.other.register.fault.outpost-log');
    assert.equal(scopeOf(line, '0x00008200'), 'constant.numeric.hex.outpost-log');
    assert.equal(scopeOf(line, 'BFAR'), 'keyword.other.register.fault.outpost-log');
    assert.equal(scopeOf('SecureFault in task net', 'SecureFault'), 'invalid.illegal.fault.outpost-log');
  });

  it('splits a hex dump into address, bytes and the ASCII column', () => {
    const line = '20000100: 6f 75 74 70 6f 73 74 00  |outpost.|';
    assert.equal(scopeOf(line, '20000100'), 'constant.numeric.address.outpost-log');
    assert.equal(scopeOf(line, ' 6f 75 74 70 6f 73 74 00'), 'constant.numeric.hex.dump.outpost-log');
    assert.equal(scopeOf(line, '|outpost.|'), 'string.unquoted.ascii.outpost-log');
    assert.equal(scopeOf('0x08000000: 00 00 04 20', '0x08000000'), 'constant.numeric.address.outpost-log');
  });

  it('marks the ready line a health check waits for', () => {
    assert.equal(scopeOf('I: app 1.5.0 ready', 'ready'), 'markup.bold.ready.outpost-log');
  });

  it('leaves plain text unscoped', () => {
    assert.deepEqual(tokens('hello from the field'), [['hello from the field', 'source.outpost-log']]);
  });
});
