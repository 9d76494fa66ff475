// dim arrays and lists: one SVD element with dim/dimIncrement/dimIndex stands for several, named by replacing `%s`.
import { SvdError, SvdErrorCode } from './errors';
import { parseSvdInt } from './numbers';
import { textOf, type XmlElement } from './xml';

/** One instance of a (possibly dim) element: its name, description and byte offset from the first instance. */
export interface DimInstance {
  name: string;
  description?: string;
  delta: number;
}

/** The index names of a dim element: `dimIndex` as `0-3`, `A-D` or `a,b,c`; else 0 … dim-1. */
function indices(dimIndex: string | undefined, dim: number, what: string): string[] {
  if (dimIndex === undefined) return Array.from({ length: dim }, (_, i) => String(i));
  const numeric = /^(\d+)\s*-\s*(\d+)$/.exec(dimIndex);
  const letters = /^([A-Z])\s*-\s*([A-Z])$/.exec(dimIndex);
  let out: string[];
  if (numeric) {
    const from = Number(numeric[1]);
    out = Array.from({ length: Number(numeric[2]) - from + 1 }, (_, i) => String(from + i));
  } else if (letters) {
    const from = letters[1].charCodeAt(0);
    out = Array.from({ length: letters[2].charCodeAt(0) - from + 1 }, (_, i) => String.fromCharCode(from + i));
  } else {
    out = dimIndex.split(',').map((s) => s.trim());
  }
  if (out.length !== dim) {
    throw new SvdError(SvdErrorCode.BadValue, `${what} has dim ${dim} but dimIndex "${dimIndex}" names ${out.length}`);
  }
  return out;
}

/** The instances an element stands for: itself alone, or one per dim index. */
export function expandDim(el: XmlElement, name: string, what: string): DimInstance[] {
  const description = textOf(el, 'description');
  const dimText = textOf(el, 'dim');
  if (dimText === undefined) return [{ name, description, delta: 0 }];
  const dim = parseSvdInt(dimText, `${what} dim`);
  const incText = textOf(el, 'dimIncrement');
  if (incText === undefined) throw new SvdError(SvdErrorCode.BadValue, `${what} has dim but no dimIncrement`);
  const increment = parseSvdInt(incText, `${what} dimIncrement`);
  return indices(textOf(el, 'dimIndex'), dim, what).map((index, i) => {
    // NAME[%s] is an array shown as NAME[0]; NAME%s is a list shown as NAME0; a name without %s gets the index.
    const instance = name.includes('%s') ? name.replace(/%s/g, index) : `${name}${index}`;
    return { name: instance, description: description?.replace(/%s/g, index), delta: i * increment };
  });
}
