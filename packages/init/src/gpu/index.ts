// NVIDIA GPUs on the host (ECS_ENABLE_GPU_SUPPORT in ecs.config): waiting for the device nodes and the
// inventory file pre-start leaves for the agent.
export { devDir, GPU_DEVICE_RETRIES, GPU_DEVICE_RETRY_DELAY_MS, nvidiaDevicesPresent, waitForNvidiaDevices } from './nvidia-devices';
export { NVIDIA_GPU_INFO_FILE_NAME, NvidiaGpuSetup, parseNvidiaSmiOutput, type GpuInventory } from './nvidia-gpu-setup';
