// Runs gdb-multiarch in batch mode against a GDB server, the way a developer's debugger would connect.
import { execFile } from 'node:child_process';

/** GDB's combined output of `commands`, run after `target remote HOST:PORT` with the ELF's symbols loaded. */
export function runGdb(elf: string, port: number, commands: string[], timeoutMs = 60_000): Promise<string> {
  const args = ['-q', '-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set confirm off'];
  args.push('-ex', `target remote 127.0.0.1:${port}`);
  for (const c of commands) args.push('-ex', c);
  args.push(elf);
  return new Promise((resolve, reject) => {
    // execFile kills GDB on timeout, so no process outlives a failed test.
    execFile('gdb-multiarch', args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err && (err as { killed?: boolean }).killed) return reject(new Error(`gdb timed out:\n${stdout}${stderr}`));
      resolve(stdout + stderr);
    });
  });
}
