import { testCheck } from '../tester.js';
import check from './index.js';

const workload = (name: string, account: string, extra = '', labels = '{app: x}') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  template:
    metadata:
      labels: ${labels}
    spec:
      serviceAccountName: ${account}${extra}
      containers:
      - {name: app, image: ghcr.io/acme/app:1.0}
`;

const account = (name: string, annotations: string, extra = '') => `
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: shop
  annotations: ${annotations}${extra}
`;

testCheck(check, {
  valid: [
    {
      name: 'annotated accounts nobody uses, or whose pods get no token or lack the Azure label; plain accounts',
      yaml: `${account('s3-reader', '{eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/s3-reader"}')}---${workload('api', 's3-reader', '\n      automountServiceAccountToken: false')}---${account('vault', '{azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000}')}---${workload('worker', 'vault')}---${account('unused', '{iam.gke.io/gcp-service-account: reader@acme.iam.gserviceaccount.com}')}---${account('plain', '{team: shop}')}---${workload('web', 'plain')}`,
    },
  ],
  invalid: [
    {
      name: 'an IRSA role: one finding on the annotation, every workload running as it as evidence',
      yaml: `${account('s3-reader', '{eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/s3-reader"}')}---${workload('api', 's3-reader')}---${workload('jobs', 's3-reader')}`,
      findings: [
        {
          line: 7,
          techniques: ['MS-TA9020'],
          severity: 'medium',
          path: 'metadata.annotations["eks.amazonaws.com/role-arn"]',
          message:
            "ServiceAccount shop/s3-reader is the AWS IAM role arn:aws:iam::111122223333:role/s3-reader: Deployment 'api', Deployment 'jobs' get its cloud credentials, and so does whoever compromises them",
          evidence: [
            { type: 'workload', line: 17 },
            { type: 'workload', line: 29 },
          ],
        },
      ],
    },
    {
      name: "GKE's metadata server serves any pod of the account; Azure only pods labelled for it",
      yaml: `${account('gcs', '{iam.gke.io/gcp-service-account: reader@acme.iam.gserviceaccount.com}', '\nautomountServiceAccountToken: false')}---${workload('api', 'gcs')}---${account('vault', '{azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000}')}---${workload('worker', 'vault', '', '{azure.workload.identity/use: "true"}')}---${workload('other', 'vault')}`,
      findings: [
        {
          line: 7,
          message:
            /^ServiceAccount shop\/gcs is the Google Cloud service account reader@acme.iam.gserviceaccount.com: Deployment 'api' get/,
        },
        {
          line: 27,
          message: /Azure managed identity 00000000-0000-0000-0000-000000000000: Deployment 'worker' get/,
          evidence: [{ type: 'workload', line: 37 }],
        },
      ],
    },
  ],
});
