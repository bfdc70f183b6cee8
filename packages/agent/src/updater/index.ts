// Agent self-update: ACS StageUpdate/PerformUpdate download a new image tarball for ecs-init (exit 42).
export { AgentUpdater, DEFAULT_UPDATE_DOWNLOAD_TIMEOUT_MS, NOT_DOWNLOADED_REASON, UPDATES_DISABLED_REASON, type AgentUpdaterOptions, type Reply } from './agent-updater';
export { downloadUpdate, DESIRED_IMAGE_FILE, UPDATE_TARBALL_SUFFIX, type Fetch, type UpdateDownload } from './download-update';
