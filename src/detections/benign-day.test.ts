import { describe, expect, it } from 'vitest';
import { benignDay } from './benign-day.fixtures.js';
import { allDetections } from './index.js';
import { createPipeline } from './pipeline.js';

describe('a day of ordinary traffic', () => {
  const day = benignDay();

  it('is a day of controllers, kubelets, add-ons, applications and people at work', () => {
    expect(day.length).toBeGreaterThan(5000);
    const users = new Set(day.map((event) => event.user.username));
    expect(users).toContain('system:kube-controller-manager');
    expect(users).toContain('system:node:node-a');
    expect(users).toContain('system:serviceaccount:shop:web');
    expect(users).toContain('alice@example.com');
    expect(new Set(day.map((event) => event.verb))).toEqual(new Set(['get', 'list', 'watch', 'update', 'patch']));
  });

  it('raises no alert from any rule', () => {
    const pipeline = createPipeline({ detections: allDetections });
    const alerts = day.flatMap((event, index) =>
      pipeline.push({ event, source: { file: 'day.log', line: index + 1 } }),
    );
    expect(alerts.map((alert) => `${alert.rule}: ${alert.message}`)).toEqual([]);
    expect(pipeline.stats.events).toBe(day.length);
  });

  it('would raise alerts once its identities leave the allow-list: the quiet is the rules, not an empty run', () => {
    const pipeline = createPipeline({ detections: allDetections, allow: { users: [], groups: [] } });
    const rules = new Set(
      day
        .flatMap((event, index) => pipeline.push({ event, source: { file: 'day.log', line: index + 1 } }))
        .map(({ rule }) => rule),
    );
    expect(rules).toContain('secrets-list');
    expect(rules).toContain('rbac-discovery');
  });
});
