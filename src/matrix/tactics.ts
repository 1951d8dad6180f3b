import type { Tactic } from './types.js';

/** The ten columns of the matrix, left to right. */
export const tactics: readonly Tactic[] = [
  {
    id: 'InitialAccess',
    name: 'Initial Access',
    attack: 'TA0001',
    techniques: ['MS-TA9001', 'MS-TA9002', 'MS-TA9003', 'MS-TA9004', 'MS-TA9005'],
  },
  {
    id: 'Execution',
    name: 'Execution',
    attack: 'TA0002',
    techniques: ['MS-TA9006', 'MS-TA9007', 'MS-TA9008', 'MS-TA9009', 'MS-TA9010', 'MS-TA9011'],
  },
  {
    id: 'Persistence',
    name: 'Persistence',
    attack: 'TA0003',
    techniques: ['MS-TA9012', 'MS-TA9013', 'MS-TA9014', 'MS-TA9015', 'MS-TA9016', 'MS-TA9017'],
  },
  {
    id: 'PrivilegeEscalation',
    name: 'Privilege Escalation',
    attack: 'TA0004',
    techniques: ['MS-TA9018', 'MS-TA9019', 'MS-TA9013', 'MS-TA9020'],
  },
  {
    id: 'DefenseEvasion',
    name: 'Defense Evasion',
    attack: 'TA0005',
    techniques: ['MS-TA9021', 'MS-TA9022', 'MS-TA9023', 'MS-TA9024'],
  },
  {
    id: 'CredentialAccess',
    name: 'Credential Access',
    attack: 'TA0006',
    techniques: ['MS-TA9025', 'MS-TA9026', 'MS-TA9016', 'MS-TA9027', 'MS-TA9028', 'MS-TA9015'],
  },
  {
    id: 'Discovery',
    name: 'Discovery',
    attack: 'TA0007',
    techniques: ['MS-TA9029', 'MS-TA9030', 'MS-TA9031', 'MS-TA9005', 'MS-TA9033'],
  },
  {
    id: 'LateralMovement',
    name: 'Lateral Movement',
    attack: 'TA0008',
    techniques: ['MS-TA9020', 'MS-TA9016', 'MS-TA9034', 'MS-TA9027', 'MS-TA9013', 'MS-TA9035', 'MS-TA9036'],
  },
  { id: 'Collection', name: 'Collection', attack: 'TA0009', techniques: ['MS-TA9037', 'MS-TA9041'] },
  { id: 'Impact', name: 'Impact', attack: 'TA0040', techniques: ['MS-TA9038', 'MS-TA9039', 'MS-TA9040'] },
];
