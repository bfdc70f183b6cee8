// Task-level CPU and memory limits (ECS_ENABLE_TASK_CPU_MEM_LIMIT): the task cgroup `/ecs/<task id>`
// written directly in the cgroupfs tree (v1 or v2) before the task's containers are created, and
// removed at cleanup.
export { CgroupTree, cpuSharesToWeight, detectCgroupVersion, type CgroupVersion, type RemoveRetry } from './cgroup-tree';
export { setUpTaskCgroups, TaskCgroupSetupError, TASK_CGROUP_PARENT, type TaskCgroupSetupOptions } from './task-cgroup-support';
export { TaskCgroupResource } from './task-cgroup-resource';
