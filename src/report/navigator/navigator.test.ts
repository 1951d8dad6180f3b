import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { smallReport } from '../../../test/support/reports.js';
import type { Report } from '../../model/report.js';
import { navigatorLayer, renderNavigator, techniqueScore } from './index.js';

const color = z.string().regex(/^#[0-9a-f]{6}$/i);

/** The fields we emit, as the Navigator layer format 4.5 defines them; required ones are not optional here. */
const Layer = z
  .object({
    name: z.string().min(1),
    versions: z.object({ navigator: z.string().regex(/^\d+\.\d+\.\d+$/), layer: z.literal('4.5') }).strict(),
    domain: z.literal('enterprise-attack'),
    description: z.string(),
    sorting: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
    layout: z
      .object({
        layout: z.enum(['side', 'flat', 'mini']),
        showID: z.boolean(),
        showName: z.boolean(),
        expandedSubtechniques: z.enum(['none', 'all', 'annotated']),
      })
      .strict(),
    hideDisabled: z.boolean(),
    techniques: z.array(
      z
        .object({
          techniqueID: z.string().regex(/^T\d{4}(\.\d{3})?$/),
          score: z.number().optional(),
          comment: z.string(),
          enabled: z.boolean(),
        })
        .strict(),
    ),
    gradient: z
      .object({ colors: z.array(color).min(2), minValue: z.number(), maxValue: z.number() })
      .strict()
      .refine((gradient) => gradient.maxValue > gradient.minValue),
    legendItems: z.array(z.object({ label: z.string(), color }).strict()),
    metadata: z.array(z.object({ name: z.string(), value: z.string() }).strict()),
  })
  .strict();

describe('navigatorLayer', () => {
  it('is a Navigator 4.5 layer of every ATT&CK technique the matrix maps to, once each', async () => {
    const report = await smallReport();
    const layer = Layer.parse(JSON.parse([...renderNavigator(report)].join('')));
    const ids = layer.techniques.map((technique) => technique.techniqueID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['T1610', 'T1078.004', 'T1195.002']));
    for (const technique of layer.techniques) {
      if (technique.score === undefined) continue;
      expect(technique.score).toBeGreaterThanOrEqual(layer.gradient.minValue);
      expect(technique.score).toBeLessThanOrEqual(layer.gradient.maxValue);
    }
  });

  it('scores an ATT&CK technique by the worst matrix technique mapping to it, naming each in the comment', async () => {
    const report = await smallReport();
    // T1070 (indicator removal) is where both log clearing (MS-TA9021) and event deletion (MS-TA9022) land.
    const statuses: Report['techniques'] = report.techniques.map((technique) =>
      technique.id === 'MS-TA9021'
        ? { ...technique, status: 'exposed', findings: 2, severity: 'medium' }
        : technique.id === 'MS-TA9022'
          ? { ...technique, status: 'weakened', findings: 0, severity: undefined }
          : technique,
    );
    const entry = (layer: ReturnType<typeof navigatorLayer>, id: string) =>
      (layer.techniques as { techniqueID: string; score?: number; comment: string }[]).find(
        (t) => t.techniqueID === id,
      );
    expect(entry(navigatorLayer({ ...report, techniques: statuses }), 'T1070')).toEqual({
      techniqueID: 'T1070',
      score: 5.5,
      comment:
        'MS-TA9021 Clear container logs (exposed): 2 findings, worst medium\nMS-TA9022 Delete Kubernetes events (weakened)',
      enabled: true,
    });
  });

  it('leaves what the scan could not see unscored, whatever the status is called', () => {
    expect(techniqueScore({ status: 'exposed', severity: 'critical' })).toBe(9.5);
    expect(techniqueScore({ status: 'exposed', severity: 'low' })).toBe(3);
    expect(techniqueScore({ status: 'weakened' })).toBe(1);
    expect(techniqueScore({ status: 'not-observed' })).toBe(0);
    expect(techniqueScore({ status: 'not-assessed' })).toBeUndefined();
    expect(techniqueScore({ status: 'question' })).toBeUndefined();
    expect(techniqueScore({ status: 'something-new' as 'question' })).toBeUndefined();
  });
});
