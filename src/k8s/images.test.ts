import { describe, expect, it } from 'vitest';
import { imageName, parseImage } from './images.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImage', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/redis:7.2', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' }],
    ['docker.io/nginx:latest', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['index.docker.io/library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['ghcr.io/acme/api:v2', { registry: 'ghcr.io', repository: 'acme/api', tag: 'v2' }],
    ['GHCR.IO/acme/api', { registry: 'ghcr.io', repository: 'acme/api' }],
    ['registry.example.com/team/sub/app', { registry: 'registry.example.com', repository: 'team/sub/app' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/app:1.0', { registry: 'localhost:5000', repository: 'app', tag: '1.0' }],
    ['myhost:5000/app', { registry: 'myhost:5000', repository: 'app' }],
    // `myhost` has no dot or port: Docker reads it as a Docker Hub user.
    ['myhost/app', { registry: 'docker.io', repository: 'myhost/app' }],
    // Repository paths are lowercase: an uppercase first segment is a host.
    ['MyHost/app:1.0', { registry: 'myhost', repository: 'app', tag: '1.0' }],
    [`nginx@${DIGEST}`, { registry: 'docker.io', repository: 'library/nginx', digest: DIGEST }],
    [
      `quay.io/coreos/etcd:v3.5.0@${DIGEST}`,
      { registry: 'quay.io', repository: 'coreos/etcd', tag: 'v3.5.0', digest: DIGEST },
    ],
    [`registry.local:5000/app@${DIGEST}`, { registry: 'registry.local:5000', repository: 'app', digest: DIGEST }],
    ['  nginx:1.27  ', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['nginx:', { registry: 'docker.io', repository: 'library/nginx' }],
  ])('%s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });

  it.each([undefined, '', '   '])('missing or blank %j is no reference', (image) => {
    expect(parseImage(image)).toBeUndefined();
  });
});

describe('imageName', () => {
  it.each([
    ['nginx:1.27', 'docker.io/library/nginx'],
    [`ghcr.io/acme/api:v2@${DIGEST}`, 'ghcr.io/acme/api'],
    ['localhost:5000/app', 'localhost:5000/app'],
  ])('%s', (image, expected) => {
    const reference = parseImage(image);
    expect(reference && imageName(reference)).toBe(expected);
  });
});
