import * as z from 'zod';
import { DOCKER_HUB_ALIASES, imageName, parseImage } from '../../k8s/images.js';
import { defineCheck } from '../define.js';

const Options = z.object({
  /**
   * Registry hosts (`registry.example.com`) or `host/path` prefixes (`ghcr.io/acme/`), matched on whole path
   * segments: `ghcr.io/acme` allows `ghcr.io/acme/api`, not `ghcr.io/acme-forks/api`. Docker Hub is `docker.io`,
   * its official images `docker.io/library`.
   */
  allowed: z.array(z.string().trim().min(1)).default([]),
});

export default defineCheck<z.infer<typeof Options>>({
  id: 'image-registry',
  title: 'Image from an unapproved registry',
  severity: 'high',
  exposes: ['MS-TA9002'],
  missing: ['MS-M9005.003'],
  description:
    'A container image comes from a registry or repository outside `options.allowed`. Needs configuring: with no `allowed` list it reports nothing.',
  rationale:
    'Images from registries nobody vetted run whatever their publisher, or whoever took over their account, put in them: typosquatted and backdoored images on public registries are a common way into clusters. An approved registry is where scanning, signing and access control happen; an image pulled from elsewhere skips all of them.',
  remediation:
    'Mirror or rebuild the image into an approved registry and reference it from there, and enforce the allowed registries with an admission policy (Kyverno, Gatekeeper, ValidatingAdmissionPolicy).',
  options: Options,
  run({ inventory, options, report }) {
    const allowed = options.allowed.map(allowedPrefix);
    if (allowed.length === 0) return;
    const isAllowed = (name: string) => allowed.some((entry) => name === entry || name.startsWith(`${entry}/`));
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        const image = container.spec.image;
        const reference = parseImage(image);
        if (!reference) continue;
        const name = imageName(reference).toLowerCase();
        if (isAllowed(name)) continue;
        report({
          resource: pod.owner,
          path: [...container.path, 'image'],
          message: `container '${container.spec.name}' runs image '${image}' from ${name}, outside the allowed registries`,
        });
      }
    }
  },
});

/** `Index.Docker.io/acme/` → `docker.io/acme`: compared with image names the way `imageName` writes them. */
export function allowedPrefix(entry: string): string {
  const [host = '', ...rest] = entry.toLowerCase().replace(/\/+$/, '').split('/');
  return [DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host, ...rest].join('/');
}
