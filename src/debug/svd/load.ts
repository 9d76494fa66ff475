// Reading an SVD file from disk: the file's problems (missing, unreadable, not XML, not an SVD) as one SvdError
// whose message names the file.
import { readFile } from 'node:fs/promises';
import { SvdError, SvdErrorCode } from './errors';
import type { SvdDevice } from './model';
import { parseSvd } from './parse';

/** Reads and parses the SVD file at `path`; every failure is one SvdError that starts with the file's path. */
export async function loadSvdFile(path: string): Promise<SvdDevice> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code ?? err);
    throw new SvdError(SvdErrorCode.Unreadable, `${path}: ${why}`);
  }
  try {
    return parseSvd(text);
  } catch (err) {
    if (err instanceof SvdError) throw new SvdError(err.code, `${path}: ${err.message}`);
    throw err;
  }
}
