// The table of `outpost` commands: each lives in its own file in this folder; add yours here in one line.
import type { Command } from '../command';
import agent from './agent';
import audit from './audit';
import consoleCommand from './console';
import deploy from './deploy';
import deploymentAbort from './deploymentAbort';
import deploymentPause from './deploymentPause';
import deploymentResume from './deploymentResume';
import deployments from './deployments';
import deploymentShow from './deploymentShow';
import demo from './demo';
import deviceAdd from './deviceAdd';
import deviceRm from './deviceRm';
import deviceRotateKey from './deviceRotateKey';
import devices from './devices';
import devicesForget from './devicesForget';
import enrollTokenCreate from './enrollTokenCreate';
import exec from './exec';
import keysNew from './keysNew';
import logs from './logs';
import operatorAdd from './operatorAdd';
import operatorRm from './operatorRm';
import operatorSetRole from './operatorSetRole';
import operators from './operators';
import pioSetup from './pioSetup';
import relay from './relay';
import sim from './sim';
import tunnel from './tunnel';
import debugAdapter from './debugAdapter';

/** Every command, in the order `outpost --help` lists them. */
export const commands: readonly Command[] = [
  relay,
  keysNew,
  devices,
  devicesForget,
  deviceAdd,
  deviceRm,
  deviceRotateKey,
  operators,
  operatorAdd,
  operatorRm,
  operatorSetRole,
  enrollTokenCreate,
  audit,
  agent,
  sim,
  consoleCommand,
  exec,
  logs,
  tunnel,
  deploy,
  deployments,
  deploymentShow,
  deploymentPause,
  deploymentResume,
  deploymentAbort,
  pioSetup,
  demo,
  debugAdapter,
];
