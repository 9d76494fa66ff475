// Handles one CONTROL message from a peer: authorises and answers requests, applies device events.
import { parseControlMessage } from '../../protocol/control';
import { controlFrame, MAX_JSON_PAYLOAD } from '../../protocol/frame';
import { mayCallMethod } from '../authz';
import type { Peer } from '../peer';
import { ControlError, type ControlHandler, type RelayContext } from './handler';
import { applyTelemetry } from './telemetry';

/**
 * Handles the JSON of one CONTROL frame. A malformed envelope closes the connection (PROTOCOL_ERROR);
 * a request always gets exactly one response; handler failures become INTERNAL errors, logged, never thrown.
 */
export function handleControl(
  ctx: RelayContext,
  handlers: ReadonlyMap<string, ControlHandler>,
  peer: Peer,
  json: unknown,
): void {
  const parsed = parseControlMessage(json);
  if (!parsed.ok) {
    ctx.disconnect(peer, parsed.code);
    return;
  }
  const msg = parsed.value;
  if (msg.kind === 'event') {
    if (msg.event === 'telemetry') void guard(ctx, peer, applyTelemetry(ctx, peer, msg.data));
    return;
  }
  if (msg.kind === 'response') return; // The relay sends no requests; a stray response is ignored.

  const reply = (body: object): void => {
    const message = { id: msg.id, ...body };
    if (Buffer.byteLength(JSON.stringify(message)) > MAX_JSON_PAYLOAD) {
      peer.send(
        controlFrame({ id: msg.id, error: { code: 'FRAME_TOO_LARGE', message: 'reply too large for one frame' } }),
      );
    } else peer.send(controlFrame(message));
  };
  const handler = handlers.get(msg.method);
  if (!handler) {
    reply({ error: { code: 'UNKNOWN_METHOD', message: `unknown method "${msg.method}"` } });
    return;
  }
  if (!mayCallMethod(peer.principal, msg.method, handler.roles)) {
    const message =
      peer.kind === 'device'
        ? `a device key may not call ${msg.method}: use an operator key`
        : `your role may not call ${msg.method}`;
    reply({ error: { code: 'FORBIDDEN', message } });
    return;
  }
  handler.handle(ctx, peer, msg.params).then(
    (result) => reply({ result: result ?? null }),
    (err: unknown) => {
      if (err instanceof ControlError) {
        reply({ error: { code: err.code, message: err.message } });
        return;
      }
      ctx.log.error('control handler failed', { method: msg.method, error: (err as Error).message });
      reply({ error: { code: 'INTERNAL', message: 'the relay failed to handle this request; see its log' } });
    },
  );
}

async function guard(ctx: RelayContext, peer: Peer, work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (err) {
    ctx.log.error('control event failed', { peer: peer.name, error: (err as Error).message });
  }
}
