// The container metadata file (ECS_ENABLE_CONTAINER_METADATA): ecs-container-metadata.json per task
// container under ECS_DATADIR/metadata, bind-mounted into the container.
export { ContainerMetadataFiles, type ContainerMetadataOptions, type MetadataMount } from './metadata-files';
export {
  initialMetadata,
  inspectNetworks,
  metadataDirectory,
  metadataMount,
  metadataTaskId,
  readyMetadata,
  renderMetadataFile,
  METADATA_FILE_ENV,
  METADATA_FILE_NAME,
  METADATA_MOUNT_POINT,
  type InstanceFacts,
} from './metadata-file';
