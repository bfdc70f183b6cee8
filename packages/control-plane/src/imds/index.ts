// Instance metadata (IMDSv2) for the emulated EC2 instance.
export { imdsPath, IMDS_PATH_PREFIX, InstanceMetadataService } from './instance-metadata-service';
