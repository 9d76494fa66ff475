// What `outpost pio setup` changes in platformio.ini: OTA uploads and the Outpost tasks per environment, as a pure plan.
import { PlatformioError } from './errors';
import { ProjectConfig, walkSections } from './ini';
import { addOption, appendListItem } from './iniEdit';
import { parseIni, parseMultiValues } from './iniSyntax';
import { namesTargetsScript, TARGETS_SCRIPT_ITEM } from './outpostTargetsScript';

/** What `pio run -t upload` runs for an environment set up for Outpost; PlatformIO fills in $PIOENV and $UPLOAD_FLAGS. */
export const OTA_UPLOAD_COMMAND = 'outpost deploy --pio-env $PIOENV --wait $UPLOAD_FLAGS';

/** The options the plan reads and writes. */
const OPTIONS = ['upload_protocol', 'upload_command', 'upload_flags', 'extra_scripts', 'custom_outpost_targets'];

/** What to set up. */
export interface SetupRequest {
  /** platformio.ini as it is now. */
  text: string;
  projectDir: string;
  /** Environments to set up (names without `env:`). */
  envs: readonly string[];
  /** `outpost deploy` target options, one per item: `--device NAME`, `--tag k=v`; empty = keep what is there. */
  targets: readonly string[];
  /** The project as PlatformIO reads it, extra_configs files included: options that live there are not edited. */
  merged?: ProjectConfig;
}

/** The new text (the same string when nothing changes), what changed and what the user should know. */
export interface SetupPlan {
  text: string;
  changes: string[];
  notes: string[];
  /** Environments whose `pio run -t upload` now deploys over the air. */
  otaUploads: string[];
}

/**
 * Plans the edits for each environment, in order, each on the text the previous one produced: `upload_protocol =
 * custom` and `upload_command = OTA_UPLOAD_COMMAND` (so `pio run -t upload -e ENV` deploys over the air), the
 * targets as `upload_flags`, and the targets script in `extra_scripts`. Never changes a line the user wrote: a
 * different uploader set in the environment's own section is kept (with a note, and the targets go to
 * `custom_outpost_targets` so the Outpost tasks still work); one inherited from `[env]` or through `extends` is
 * overridden in the environment's section. `extra_scripts` gains the script where its value is defined (adding
 * one would hide inherited scripts). Running the plan on its own output changes nothing. Throws PlatformioError
 * (UNKNOWN_ENV, NOT_EDITABLE) for environments or options this file does not hold.
 */
export function planPioSetup(req: SetupRequest): SetupPlan {
  const plan: SetupPlan = { text: req.text, changes: [], notes: [], otaUploads: [] };
  const file = 'platformio.ini';
  for (const env of req.envs) {
    const section = `env:${env}`;
    if (!parseIni(plan.text, file).sections.has(section)) {
      const elsewhere = req.merged?.envs().includes(env);
      throw new PlatformioError(
        elsewhere ? 'NOT_EDITABLE' : 'UNKNOWN_ENV',
        elsewhere
          ? `[${section}] is in a file named by extra_configs, not platformio.ini: set it up there by hand (see docs/platformio.md)`
          : `${file} has no [${section}]`,
        env,
      );
    }
    if (req.merged) {
      const own = ProjectConfig.fromText(plan.text, { projectDir: req.projectDir });
      const moved = OPTIONS.find((o) => req.merged!.envOption(env, o) !== own.envOption(env, o));
      if (moved)
        throw new PlatformioError(
          'NOT_EDITABLE',
          `${moved} of [${section}] comes from a file named by extra_configs: set it up there by hand (see docs/platformio.md)`,
          env,
        );
    }
    setUpEnv(plan, req, env);
  }
  return plan;
}

// The effective value of an option of an environment and the section it is written in.
function lookup(text: string, projectDir: string, env: string, option: string) {
  const doc = parseIni(text);
  const from = walkSections(doc, `env:${env}`).find((s) => doc.sections.get(s)?.options.has(option));
  const raw = from ? doc.sections.get(from)!.options.get(option)! : undefined;
  const value = ProjectConfig.fromText(text, { projectDir }).envOption(env, option);
  return { value, from, line: raw ? raw.line + 1 : 0, raw: raw?.value };
}

function setUpEnv(plan: SetupPlan, req: SetupRequest, env: string): void {
  const section = `env:${env}`;
  const get = (option: string) => lookup(plan.text, req.projectDir, env, option);
  const add = (option: string, value: string, why = '') => {
    plan.text = addOption(plan.text, section, option, value);
    plan.changes.push(`[${section}] ${option} = ${value}${why}`);
  };
  const inherited = (l: { value?: string; from?: string }) => ` (overrides ${l.value} from [${l.from}])`;

  const protocol = get('upload_protocol');
  let ownsUpload = true;
  if (protocol.value === undefined) add('upload_protocol', 'custom');
  else if (protocol.value !== 'custom') {
    if (protocol.from === section) {
      ownsUpload = false;
      plan.notes.push(
        `[${section}] keeps upload_protocol = ${protocol.value} (platformio.ini:${protocol.line}), so \`pio run -t upload\` ` +
          `still uses it; deploy over the air with the "Outpost: deploy OTA" task, or remove that line and run setup again`,
      );
    } else add('upload_protocol', 'custom', inherited(protocol));
  }

  if (ownsUpload) {
    const command = get('upload_command');
    if (command.value === undefined) add('upload_command', OTA_UPLOAD_COMMAND);
    else if (!/^\s*(npx\s+)?outpost\s+deploy\b/.test(command.value)) {
      if (command.from === section) {
        plan.notes.push(
          `[${section}] keeps its own upload_command (platformio.ini:${command.line}); for over-the-air uploads ` +
            `make it \`${OTA_UPLOAD_COMMAND}\``,
        );
      } else add('upload_command', OTA_UPLOAD_COMMAND, inherited(command));
    }
  }

  if (ownsUpload && /^\s*(npx\s+)?outpost\s+deploy\b/.test(get('upload_command').value ?? ''))
    plan.otaUploads.push(env);
  setTargets(plan, req, env, ownsUpload ? 'upload_flags' : 'custom_outpost_targets', add);

  const scripts = get('extra_scripts');
  if (parseMultiValues(scripts.value).some(namesTargetsScript)) return;
  if (scripts.from === undefined) add('extra_scripts', TARGETS_SCRIPT_ITEM);
  else if (scripts.raw?.includes('${')) {
    plan.notes.push(
      `extra_scripts of [${scripts.from}] is built from other options (platformio.ini:${scripts.line}): add ` +
        `${TARGETS_SCRIPT_ITEM} to it by hand for the Outpost tasks of [${section}]`,
    );
  } else {
    plan.text = appendListItem(plan.text, scripts.from, 'extra_scripts', TARGETS_SCRIPT_ITEM);
    plan.changes.push(
      `[${scripts.from}] extra_scripts += ${TARGETS_SCRIPT_ITEM}` +
        (scripts.from === section ? '' : ` (for [${section}], which reads extra_scripts there)`),
    );
  }
}

// The deploy targets: written when given and not already what the environment has.
function setTargets(
  plan: SetupPlan,
  req: SetupRequest,
  env: string,
  option: 'upload_flags' | 'custom_outpost_targets',
  add: (option: string, value: string, why?: string) => void,
): void {
  const section = `env:${env}`;
  const current = lookup(plan.text, req.projectDir, env, option);
  const words = (items: readonly string[]) => items.join(' ').split(/\s+/).filter(Boolean).join(' ');
  if (req.targets.length === 0) {
    if (current.value === undefined)
      plan.notes.push(
        `[${section}] has no deploy targets yet: run again with --device NAME or --tag k=v (or add ${option} by hand)`,
      );
    return;
  }
  const wanted = words(req.targets);
  if (current.value !== undefined && words(parseMultiValues(current.value)) === wanted) return;
  if (current.value !== undefined && current.from === section) {
    plan.notes.push(
      `[${section}] keeps ${option} = ${words(parseMultiValues(current.value))} (platformio.ini:${current.line}); ` +
        `edit it to \`${wanted}\` by hand to change the targets`,
    );
    return;
  }
  add(option, wanted, current.value === undefined ? '' : ` (overrides ${current.value} from [${current.from}])`);
}
