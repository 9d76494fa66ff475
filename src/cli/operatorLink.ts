// An operator session that is opened again on demand after the relay dropped it (for tunnel and logs --follow).
import type { OperatorClient } from '../link/operatorClient';

/** Holds at most one operator session; client() reconnects when the previous one closed. */
export class OperatorLink {
  private current?: Promise<OperatorClient>;
  private closedByUs = false;

  constructor(private readonly connect: () => Promise<OperatorClient>) {}

  /** The open session, connecting first when there is none. Rejects with the connect error (RelayError). */
  client(): Promise<OperatorClient> {
    if (this.closedByUs) return Promise.reject(new Error('operator link closed'));
    if (this.current) return this.current;
    const attempt = this.connect();
    this.current = attempt;
    attempt.then(
      (client) => client.onClose(() => this.current === attempt && (this.current = undefined)),
      () => this.current === attempt && (this.current = undefined),
    );
    return attempt;
  }

  /** Closes the session and refuses new ones. */
  close(): void {
    this.closedByUs = true;
    void this.current?.then(
      (client) => client.close(),
      () => undefined,
    );
    this.current = undefined;
  }
}
