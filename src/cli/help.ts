// Help text: the command list for `outpost --help` and the usage of one command for `outpost CMD --help`.
import type { Command } from './command';

/** Usage, details and options of one command. */
export function commandHelp(command: Command): string {
  const lines = [
    `usage: outpost ${command.name}${command.args ? ' ' + command.args : ''} [options]`,
    '',
    command.summary,
  ];
  if (command.details) lines.push('', command.details.trimEnd());
  const entries = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')] as const;
  });
  entries.push(['-h, --help', 'show this help']);
  const width = Math.max(...entries.map(([flag]) => flag.length));
  lines.push('', 'options:', ...entries.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  return lines.join('\n') + '\n';
}

/** The list of all commands, for `outpost --help` (or the subcommands of one group, e.g. `outpost device`). */
export function overviewHelp(commands: readonly Command[], group?: string): string {
  const shown = group ? commands.filter((c) => c.name.startsWith(group + ' ')) : commands;
  const width = Math.max(...shown.map((c) => c.name.length));
  const header = group ? `usage: outpost ${group} <command> [options]` : 'usage: outpost <command> [options]';
  return [
    header,
    '',
    'commands:',
    ...shown.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `outpost <command> --help` for the options of one command.',
    '',
  ].join('\n');
}
