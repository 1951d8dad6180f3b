import { defineCheck } from '../define.js';

const CONSEQUENCES = {
  hostPID: 'the pod sees every process on the node, with their command lines and environment',
  hostIPC: "the pod shares the node's IPC namespace: shared memory and message queues of host processes",
} as const;

export default defineCheck({
  id: 'host-pid-ipc',
  title: 'Host PID or IPC namespace',
  severity: 'medium',
  exposes: [],
  missing: ['MS-M9017'],
  description: 'A pod sets `hostPID: true` or `hostIPC: true`, which the baseline Pod Security Standard forbids.',
  rationale:
    "Sharing the node's process or IPC namespace removes isolation from host processes: the pod can read other processes' command lines and environment (often holding secrets), signal them, or read shared memory. With added capabilities it becomes a way onto the node.",
  remediation:
    'Remove `hostPID` and `hostIPC`, and enforce the baseline Pod Security Standard on the namespace so they are rejected.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const field of ['hostPID', 'hostIPC'] as const) {
        if (pod.spec[field] !== true) continue;
        report({ resource: pod.owner, path: [...pod.path, field], message: `${field}: ${CONSEQUENCES[field]}` });
      }
    }
  },
});
