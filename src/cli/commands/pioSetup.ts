// `outpost pio setup [--project DIR] [--env ENV]… [--device NAME]… [--tag k=v]…`: OTA uploads and Outpost tasks in PlatformIO.
import fs from 'node:fs';
import path from 'node:path';
import { PlatformioError } from '../../platformio/errors';
import { ProjectConfig } from '../../platformio/ini';
import { OUTPOST_TARGETS_SCRIPT, TARGETS_SCRIPT_FILE } from '../../platformio/outpostTargetsScript';
import { planPioSetup } from '../../platformio/pioSetup';
import { defineCommand } from '../command';
import { CliError, ExitCode, usageError } from '../errors';
import { unifiedDiff } from '../textDiff';
import { parseTags } from '../values';

/** Writes through a temporary file and a rename, so a reader sees the old file or the new one, never half of one. */
function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.outpost-${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { mode });
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export default defineCommand({
  name: 'pio setup',
  summary: 'set a PlatformIO project up for Outpost: `pio run -t upload` deploys over the air, Outpost tasks',
  details:
    'Adds to each environment (default: default_envs, else all): upload_protocol = custom, an upload_command that\n' +
    'runs `outpost deploy --pio-env $PIOENV --wait`, the targets as upload_flags, and outpost_targets.py in\n' +
    'extra_scripts ("Outpost: deploy OTA" and "Outpost: GDB tunnel" in the project tasks). Running it again\n' +
    'changes nothing; lines you wrote are kept (with a note). Shows the change as a diff and keeps\n' +
    'platformio.ini.bak.',
  options: {
    project: { type: 'string', value: 'DIR', description: 'the PlatformIO project (default: this folder)' },
    env: { type: 'string', multiple: true, value: 'ENV', description: 'environment to set up (repeatable)' },
    device: { type: 'string', multiple: true, value: 'NAME', description: 'deploy target device (repeatable)' },
    tag: { type: 'string', multiple: true, value: 'k=v', description: 'deploy to devices with this tag (repeatable)' },
    'dry-run': { type: 'boolean', description: 'show the change and write nothing' },
  },
  async run({ options }, io) {
    const projectDir = path.resolve(io.cwd, options.project ?? '.');
    for (const t of options.tag) parseTags([t]);
    const bad = options.device.find((d) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(d));
    if (bad !== undefined) throw usageError(`bad --device "${bad}": a device name (letters, digits, . _ -)`);
    const targets = [...options.device.map((d) => `--device ${d}`), ...options.tag.map((t) => `--tag ${t}`)];
    const iniFile = path.join(projectDir, 'platformio.ini');
    const scriptFile = path.join(projectDir, TARGETS_SCRIPT_FILE);
    try {
      const merged = ProjectConfig.load(projectDir);
      const defaults = merged.defaultEnvs();
      const envs = options.env.length > 0 ? options.env : defaults.length > 0 ? defaults : merged.envs();
      if (envs.length === 0) throw new PlatformioError('NO_ENVS', `${iniFile} has no [env:NAME] section; add one`);
      for (const env of envs) merged.requireEnv(env);
      const before = fs.readFileSync(iniFile, 'utf8');
      const plan = planPioSetup({ text: before, projectDir, envs, targets, merged });
      const script = fs.existsSync(scriptFile) ? fs.readFileSync(scriptFile, 'utf8') : undefined;
      const writeScript = script === undefined;
      if (script !== undefined && script !== OUTPOST_TARGETS_SCRIPT)
        plan.notes.push(
          `${TARGETS_SCRIPT_FILE} differs from the one this version writes; keeping yours (delete it and run setup again for the new one)`,
        );

      io.stdout.write(unifiedDiff(before, plan.text, 'platformio.ini'));
      if (writeScript) io.stdout.write(`+++ ${TARGETS_SCRIPT_FILE} (new: the Outpost project tasks)\n`);
      for (const note of plan.notes) io.stderr.write(`note: ${note}\n`);
      const changed = plan.text !== before || writeScript;
      if (!changed) {
        io.stdout.write(`${envs.join(', ')}: nothing to change\n`);
        return;
      }
      if (options['dry-run']) {
        io.stdout.write('dry run: nothing written\n');
        return;
      }
      let writing = scriptFile;
      try {
        if (writeScript) writeAtomic(scriptFile, OUTPOST_TARGETS_SCRIPT, 0o644);
        writing = iniFile;
        if (plan.text !== before) {
          const mode = fs.statSync(iniFile).mode & 0o777;
          fs.copyFileSync(iniFile, `${iniFile}.bak`);
          writeAtomic(iniFile, plan.text, mode);
          io.stdout.write(`platformio.ini updated (the previous version is platformio.ini.bak)\n`);
        }
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new CliError(`cannot write ${writing} (${e.code ?? e.message}); it is unchanged`);
      }
      const ota = plan.otaUploads.map((e) => `\`pio run -t upload -e ${e}\``).join(', ');
      io.stdout.write(
        `set up ${envs.join(', ')}: project tasks "Outpost: deploy OTA" and "Outpost: GDB tunnel"` +
          (ota ? `; ${ota} deploys over the air` : '') +
          '\n',
      );
    } catch (err) {
      if (!(err instanceof PlatformioError)) throw err;
      throw new CliError(err.message, err.code === 'UNKNOWN_ENV' ? ExitCode.USAGE : ExitCode.FAILED);
    }
  },
});
