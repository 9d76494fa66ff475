// `outpost deployment abort ID`: abort a rollout: devices not installing yet are canceled.
import { deploymentControl } from '../ota/controlCommand';

export default deploymentControl('abort', 'abort a rollout: devices not installing yet are canceled');
