// `outpost deployment pause ID`: pause a rollout: no new devices start; updates under way finish.
import { deploymentControl } from '../ota/controlCommand';

export default deploymentControl('pause', 'pause a rollout: no new devices start; updates under way finish');
