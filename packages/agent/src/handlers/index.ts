// Local HTTP endpoints: the introspection server (51678).
export {
  startIntrospectionServer,
  introspectionResponse,
  AVAILABLE_COMMANDS,
  type IntrospectionContainer,
  type IntrospectionOptions,
  type IntrospectionSource,
  type IntrospectionTask,
} from './introspection-server';
