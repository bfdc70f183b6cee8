// Local HTTP endpoints: the introspection server (51678).
export {
  startIntrospectionServer,
  introspectionResponse,
  AVAILABLE_COMMANDS,
  type IntrospectionOptions,
  type IntrospectionSource,
} from './introspection-server';
export { introspectionTask } from './introspection-task';
