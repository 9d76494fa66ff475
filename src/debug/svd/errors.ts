// What can be wrong with an SVD file, as one typed error whose message says what and where.

/** The ways an SVD file can fail to load. */
export enum SvdErrorCode {
  Unreadable = 'unreadable',
  NotXml = 'not-xml',
  NotSvd = 'not-svd',
  BadValue = 'bad-value',
  UnknownDerivedFrom = 'unknown-derived-from',
  /** A value typed for a register or field that it cannot take. */
  BadInput = 'bad-input',
}

/** One problem with an SVD file; the message names the element at fault (the loader adds the file name). */
export class SvdError extends Error {
  constructor(
    readonly code: SvdErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SvdError';
  }
}
