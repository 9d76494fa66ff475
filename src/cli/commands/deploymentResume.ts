// `outpost deployment resume ID`: resume a paused rollout (lets the current wave past the health gate).
import { deploymentControl } from '../ota/controlCommand';

export default deploymentControl('resume', 'resume a paused rollout (lets the current wave past the health gate)');
