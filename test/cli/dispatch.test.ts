// Unit tests of the CLI's command table dispatch, argument parsing and help, with a throwaway command table.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { defineCommand, type CliIo, type Command } from '../../src/cli/command';
import { runCli } from '../../src/cli/dispatch';
import { CliError, ExitCode, toCliError } from '../../src/cli/errors';
import {
  parseDuration,
  parseListen,
  parseName,
  parsePositiveInt,
  parsePublicKey,
  parseTags,
  parseTrustKeys,
} from '../../src/cli/values';
import { generateIdentity } from '../../src/protocol/identity';
import { ConfigError } from '../../src/common/config';

function io(): CliIo & { out(): string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return {
    stdin: new PassThrough(),
    stdout,
    stderr: new PassThrough(),
    env: {},
    cwd: '/',
    signal: new AbortController().signal,
    out: () => text,
  };
}

const calls: unknown[] = [];
const table: Command[] = [
  defineCommand({
    name: 'thing add',
    summary: 'adds a thing',
    args: 'NAME',
    positionals: { min: 1, max: 1 },
    options: {
      tag: { type: 'string', multiple: true, value: 'k=v', description: 'a tag' },
      json: { type: 'boolean', description: 'json out' },
      out: { type: 'string', value: 'FILE', description: 'where' },
    },
    async run(args) {
      calls.push(args);
      return 3;
    },
  }),
  defineCommand({
    name: 'thing',
    summary: 'lists things',
    options: {},
    async run() {
      calls.push('list');
    },
  }),
  defineCommand({
    name: 'exec',
    summary: 'runs',
    args: 'DEV -- CMD…',
    positionals: { min: 1, max: 1 },
    acceptsRest: true,
    options: {},
    async run(args) {
      calls.push(args);
    },
  }),
];

describe('CLI dispatch', () => {
  beforeEach(() => (calls.length = 0));

  it('picks the longest matching command name and returns its exit code', async () => {
    assert.equal(await runCli(table, ['thing', 'add', 'x', '--tag', 'a=1', '--tag', 'b=2', '--json'], io()), 3);
    assert.deepEqual(calls[0], {
      options: { tag: ['a=1', 'b=2'], json: true, out: undefined },
      positionals: ['x'],
      rest: [],
    });
    assert.equal(await runCli(table, ['thing'], io()), 0);
    assert.equal(calls[1], 'list');
  });

  it('fills absent options: false for flags, [] for repeatables', async () => {
    await runCli(table, ['thing', 'add', 'x'], io());
    assert.deepEqual(calls[0], { options: { tag: [], json: false, out: undefined }, positionals: ['x'], rest: [] });
  });

  it('takes the word after a string option as its value even when it starts with a dash', async () => {
    await runCli(table, ['thing', 'add', 'x', '--out', '-Kf3_key', '--tag', '--a=b'], io());
    assert.deepEqual(calls[0], {
      options: { tag: ['--a=b'], json: false, out: '-Kf3_key' },
      positionals: ['x'],
      rest: [],
    });
  });

  it('passes words after -- untouched to commands that take them', async () => {
    await runCli(table, ['exec', 'dev', '--', 'reboot', '--now'], io());
    assert.deepEqual(calls[0], { options: {}, positionals: ['dev'], rest: ['reboot', '--now'] });
  });

  const usage = async (argv: string[], pattern: RegExp): Promise<void> => {
    await assert.rejects(runCli(table, argv, io()), (e: CliError) => {
      assert.equal(e.exitCode, ExitCode.USAGE);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  };

  it('refuses bad command lines with one usage line', async () => {
    await usage(['nope'], /unknown command "nope"/);
    await usage(['thing', 'add'], /missing argument: outpost thing add NAME/);
    await usage(['thing', 'add', 'x', 'y'], /unexpected argument "y"/);
    await usage(['thing', 'add', 'x', '--bogus'], /unknown option --bogus; see: outpost thing add --help/);
    await usage(['thing', 'add', 'x', '--out'], /option --out needs a value/);
    await usage(['thing', 'add', 'x', '--', 'y'], /takes nothing after --/);
    assert.equal(calls.length, 0);
  });

  it('prints help for the program, a group and a command without running anything', async () => {
    const all = io();
    assert.equal(await runCli(table, ['--help'], all), 0);
    assert.match(all.out(), /thing add +adds a thing/);
    const one = io();
    assert.equal(await runCli(table, ['thing', 'add', '--help'], one), 0);
    assert.match(one.out(), /usage: outpost thing add NAME \[options\]/);
    assert.match(one.out(), /--tag k=v +a tag \(repeatable\)/);
    const viaHelp = io();
    assert.equal(await runCli(table, ['help', 'exec'], viaHelp), 0);
    assert.match(viaHelp.out(), /usage: outpost exec DEV -- CMD…/);
    assert.equal(await runCli(table, [], io()), ExitCode.USAGE);
    assert.equal(calls.length, 0);
  });

  it('reports errors of other modules as their own line and anything else as internal', () => {
    assert.equal(toCliError(new ConfigError('config.json is not valid JSON')).message, 'config.json is not valid JSON');
    assert.equal(toCliError(new TypeError('boom\nstack')).message, 'internal error: boom');
    assert.equal(toCliError(new CliError('x', 7)).exitCode, 7);
  });
});

describe('CLI option values', () => {
  it('parses tags, durations, counts and listen addresses', () => {
    assert.deepEqual(parseTags(['site=lab', 'note=a=b']), { site: 'lab', note: 'a=b' });
    assert.throws(() => parseTags(['nokey']), /bad --tag "nokey": write it as key=value/);
    assert.equal(parseDuration('ttl', '1h'), 3600);
    assert.equal(parseDuration('ttl', '90'), 90);
    assert.equal(parseDuration('ttl', '7d'), 604800);
    assert.throws(() => parseDuration('ttl', '1 week'), /bad --ttl/);
    assert.throws(() => parseDuration('ttl', '0s'), /bad --ttl/);
    assert.equal(parsePositiveInt('uses', '5'), 5);
    assert.throws(() => parsePositiveInt('uses', '0'), /at least 1/);
    assert.throws(() => parsePositiveInt('uses', '2.5'), /whole number/);
    assert.deepEqual(parseListen('listen', '0.0.0.0:7600'), { host: '0.0.0.0', port: 7600 });
    assert.deepEqual(parseListen('listen', '[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListen('listen', '7600'), { host: '127.0.0.1', port: 7600 });
    assert.throws(() => parseListen('listen', 'localhost'), /use HOST:PORT/);
    assert.throws(() => parseListen('listen', 'h:70000'), /use HOST:PORT/);
  });

  it('parses public keys, trusted signers and names, saying which value is wrong', () => {
    const key = generateIdentity().publicKeyText;
    assert.equal(parsePublicKey(` ${key}\n`), key);
    assert.throws(() => parsePublicKey(undefined), /^CliError: missing --pubkey KEY/);
    assert.throws(() => parsePublicKey('abc'), /--pubkey is not a public key/);
    assert.deepEqual(parseTrustKeys([` ${key}`]), [key]);
    assert.deepEqual(parseTrustKeys([]), []);
    assert.throws(() => parseTrustKeys([key, 'nope']), /--trust "nope" is not a public key/);
    assert.equal(parseName('name', 'sensor-01'), 'sensor-01');
    assert.throws(() => parseName('device', 'a b'), /bad --device "a b": letters, digits/);
  });
});
