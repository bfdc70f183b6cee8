import { SubmitContainerStateChangeCommand, SubmitTaskStateChangeCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type {
  SubmitContainerStateChangeRequest,
  SubmitContainerStateChangeResponse,
  SubmitTaskStateChangeRequest,
  SubmitTaskStateChangeResponse,
} from '../wire';

/** The two ECS calls that report task and container states; the SDK in production, fakes in unit tests. */
export interface StateChangeApi {
  submitTaskStateChange(input: SubmitTaskStateChangeRequest): Promise<SubmitTaskStateChangeResponse>;
  submitContainerStateChange(input: SubmitContainerStateChangeRequest): Promise<SubmitContainerStateChangeResponse>;
}

export function sdkStateChangeApi(client: ECSClient): StateChangeApi {
  return {
    submitTaskStateChange: (input) => client.send(new SubmitTaskStateChangeCommand(input)),
    submitContainerStateChange: (input) => client.send(new SubmitContainerStateChangeCommand(input)),
  };
}

/** ECS refuses the change itself: retrying cannot help, so the event is dropped (upstream does the same). */
export function isInvalidParameter(error: unknown): boolean {
  const name = (error as { name?: string; __type?: string } | undefined)?.name ?? '';
  return name === 'InvalidParameterException';
}
