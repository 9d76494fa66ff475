// The table of control methods the relay answers; a new area adds its handlers here.
import { auditList } from './audit';
import { devicesRotateKey } from './deviceKeyRotation';
import { devicesAdd, devicesGet, devicesList, devicesRemove } from './devices';
import { enrollCreate } from './enroll';
import { fleetSubscribe } from './fleetSubscribe';
import type { ControlHandler } from './handler';
import { operatorsAdd, operatorsList, operatorsRemove } from './operators';
import { operatorsSetRole } from './operatorRole';
import { whoami } from './whoami';

/** Every control method by name. */
export const controlHandlers: ReadonlyMap<string, ControlHandler> = new Map(
  [
    whoami,
    devicesList,
    devicesGet,
    devicesAdd,
    devicesRemove,
    devicesRotateKey,
    operatorsAdd,
    operatorsList,
    operatorsRemove,
    operatorsSetRole,
    enrollCreate,
    fleetSubscribe,
    auditList,
  ].map((h) => [h.method, h]),
);
