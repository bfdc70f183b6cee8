// EC2 for the agent's host: the instance it runs on, its tags (EC2 Query API) and spot notices.
export { EmulatedEc2, resourceTypeOf, type Ec2InstanceFacts, type Ec2Tag, type SpotAction } from './emulated-instance';
export { Ec2ApiError, handleEc2QueryRequest, isEc2QueryRequest, type Ec2QueryOptions } from './query-api';
