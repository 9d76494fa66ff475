// `--operator-key KEY|FILE` of agent and sim: the operator keys a device accepts rsp and console from.
import fs from 'node:fs';
import path from 'node:path';
import { isPublicKeyText } from '../protocol/control';
import { usageError } from './errors';

/**
 * The keys the `--operator-key` values name, or undefined when none was given (the relay's registry decides). Each
 * value is a public key (43 base64url characters) or a file of them, one per line, `#` starting a comment. A value
 * that is neither, or a file with anything else in it, is a usage error naming it; an empty list is one too, since it
 * would lock every operator out.
 */
export function parseOperatorKeys(values: readonly string[], cwd: string): string[] | undefined {
  if (values.length === 0) return undefined;
  const keys: string[] = [];
  for (const value of values) {
    const text = value.trim();
    if (isPublicKeyText(text)) {
      keys.push(text);
      continue;
    }
    const file = path.resolve(cwd, text);
    let lines: string[];
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n');
    } catch {
      throw usageError(
        `--operator-key "${value}" is neither a public key (43 base64url characters) nor a readable file`,
      );
    }
    lines.forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      if (!isPublicKeyText(line))
        throw usageError(`${file}:${i + 1} is not an operator public key (43 base64url characters)`);
      keys.push(line);
    });
  }
  if (keys.length === 0) throw usageError('--operator-key names no key: the device would refuse every operator');
  return [...new Set(keys)];
}
