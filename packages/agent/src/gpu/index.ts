// NVIDIA GPUs (ECS_ENABLE_GPU_SUPPORT): the inventory ecs-init writes, what registration sends, and
// the per-container options the task engine applies to containers that were assigned GPUs.
export { NVIDIA_GPU_INFO_FILE, parseNvidiaGpuInfo, readNvidiaGpuInfo, type NvidiaGpuInfo } from './nvidia-gpu-info';
export { gpuRegistration, loadGpuRegistration, NO_GPUS, type GpuRegistration } from './gpu-registration';
export { GPU_ASSOCIATION_TYPE, gpuAssignments, gpuContainerOptions, NVIDIA_VISIBLE_DEVICES, type GpuContainerOptions } from './gpu-container-options';
