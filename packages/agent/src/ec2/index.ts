// EC2 as the agent uses it: the instance's tags (ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance).
export { ec2EndpointOverride, sdkEc2TagsApi, type Ec2ClientOptions } from './ec2-client';
export { containerInstanceTags, describeInstanceTags, InstanceTagsError, mergeInstanceTags, type Ec2TagsApi, type TagSources } from './instance-tags';
