// Spot instance draining (ECS_ENABLE_SPOT_INSTANCE_DRAINING): an interruption notice in instance
// metadata sets the container instance DRAINING, once.
export { drainOnSpotInterruption, SPOT_POLL_INTERVAL_MS, type SpotDrainingDeps } from './spot-draining';
export { parseSpotInterruption, type SpotInterruption } from './spot-interruption';
