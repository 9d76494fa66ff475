// Turns a command's argv into typed options and positionals with node:util parseArgs (no dependency needed).
import { parseArgs } from 'node:util';
import type { Command, CommandArgs, OptionSpecs } from './command';
import { usageError } from './errors';

/** Parses argv (the words after the command name) for `command`; wrong input throws a usage CliError. */
export function parseCommandArgs(command: Command, argv: string[]): CommandArgs<OptionSpecs> {
  const dashDash = argv.indexOf('--');
  const own = dashDash < 0 ? argv : argv.slice(0, dashDash);
  const rest = dashDash < 0 ? [] : argv.slice(dashDash + 1);
  const hint = `see: outpost ${command.name} --help`;
  if (dashDash >= 0 && !command.acceptsRest)
    throw usageError(`"outpost ${command.name}" takes nothing after --; ${hint}`);

  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = { type: spec.type, multiple: spec.multiple === true, ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: attachValues(own, command), options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(`${describeParseError(err)}; ${hint}`);
  }

  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const v = parsed.values[name];
    if (spec.type === 'boolean') values[name] = v === true || (Array.isArray(v) && v.length > 0);
    else if (spec.multiple) values[name] = v ?? [];
    else values[name] = v;
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const positionals = parsed.positionals;
  if (positionals.length < min) {
    throw usageError(`missing argument: outpost ${command.name} ${command.args ?? ''}`.trimEnd() + `; ${hint}`);
  }
  if (positionals.length > max) throw usageError(`unexpected argument "${positionals[max]}"; ${hint}`);
  return { options: values as CommandArgs<OptionSpecs>['options'], positionals, rest };
}

/**
 * Writes `--opt VALUE` as `--opt=VALUE` for string options, so a value starting with a dash (a base64url
 * public key can) is taken as the value, as users expect, instead of being refused as ambiguous.
 */
function attachValues(args: string[], command: Command): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const long = /^--([^=]+)$/.exec(arg)?.[1];
    const short = /^-([^-])$/.exec(arg)?.[1];
    const name = long ?? Object.keys(command.options).find((n) => short && command.options[n].short === short);
    if (name && command.options[name]?.type === 'string' && i + 1 < args.length) {
      out.push(`--${name}=${args[++i]}`);
    } else out.push(arg);
  }
  return out;
}

function describeParseError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const option = /'(-[^']*)'/.exec(message)?.[1]?.split(' ')[0];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trimEnd();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing')
        ? `option ${option ?? ''} needs a value`
        : `option ${option ?? ''} takes no value`;
    default:
      return message.split('\n')[0];
  }
}
