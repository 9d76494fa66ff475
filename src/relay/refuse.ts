// Refusing an upgrade or challenge request: HTTP status by close code, `x-outpost-close` header, one-line body.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AuthHeader } from '../protocol/auth';
import { closeMessage, httpStatusFor, type CloseCode } from '../protocol/closeCodes';

/**
 * Answers a raw upgrade socket with the refusal and destroys it once the answer is written. The body is the code's
 * message, or `detail` when the caller has a more useful line that reveals nothing (a malformed header's rule).
 */
export function refuseUpgrade(socket: Duplex, code: CloseCode, detail?: string): void {
  if (socket.destroyed) return;
  const status = httpStatusFor(code);
  const body = (detail ?? closeMessage(code)) + '\n';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `${AuthHeader.close}: ${code}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Answers a plain HTTP request with the refusal. */
export function refuseRequest(res: ServerResponse, code: CloseCode): void {
  const body = closeMessage(code) + '\n';
  res.writeHead(httpStatusFor(code), {
    [AuthHeader.close]: String(code),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
