import { parseImage } from '../../k8s/images.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'image-tag',
  title: 'Image not pinned',
  severity: 'medium',
  exposes: ['MS-TA9002'],
  missing: ['MS-M9005.003'],
  description: 'A container image uses the `latest` tag or no tag at all, and no `@sha256:` digest.',
  rationale:
    'A mutable tag names whatever was pushed last: whoever can push to the repository, or poison a mirror, decides what the cluster runs at the next pull, without any change to the manifest. It also defeats image scanning and signing, which vouch for one content, not for a name, and makes rollbacks and audits guess what actually ran.',
  remediation:
    'Reference the image by digest (`image: registry/app@sha256:…`, optionally keeping a version tag for readers), or at least by an immutable release tag, and enforce it with an admission policy.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        const image = container.spec.image;
        const reference = parseImage(image);
        if (!reference || reference.digest) continue;
        if (reference.tag !== undefined && reference.tag !== 'latest') continue;
        report({
          resource: pod.owner,
          path: [...container.path, 'image'],
          message:
            reference.tag === undefined
              ? `container '${container.spec.name}' runs image '${image}' without tag or digest, i.e. whatever 'latest' points to at pull time`
              : `container '${container.spec.name}' runs image '${image}' by the mutable tag 'latest'`,
        });
      }
    }
  },
});
