import { describe, expect, it } from 'vitest';
import { allChecks } from '../checks/index.js';
import { ConfigError } from '../config/index.js';
import { getMitigation, isMitigationId } from '../matrix/index.js';
import { controlsTemplate, parseControls, unobservableMitigations } from './controls.js';
import { derivableMitigations } from './defenses.js';

const errorOf = (text: string) => {
  try {
    parseControls(text, 'controls.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
};

describe('parseControls', () => {
  it('reads declarations, dates as YAML writes them or quoted', () => {
    expect(
      parseControls(`controls:
- mitigation: MS-M9001
  status: implemented
  evidence: Entra ID conditional access requires MFA for every admin
  owner: identity team
  reviewed: 2026-10-01
- mitigation: MS-M9005.001
  status: partial
  reviewed: "2026-09-15"
`).controls,
    ).toEqual([
      {
        mitigation: 'MS-M9001',
        status: 'implemented',
        evidence: 'Entra ID conditional access requires MFA for every admin',
        owner: 'identity team',
        reviewed: '2026-10-01',
      },
      { mitigation: 'MS-M9005.001', status: 'partial', reviewed: '2026-09-15' },
    ]);
    expect(parseControls('')).toEqual({ controls: [], warnings: [] });
  });

  it('refuses unknown mitigations, statuses, fields and dates, naming file, line and field but never the value', () => {
    const message = errorOf(`controls:
- mitigation: MS-M9001
  status: implemented
- mitigation: MS-M9999-hunter2
  status: done-hunter2
  reviewed: not-a-date-hunter2
  color: hunter2
- mitigation: MS-M9001
  status: partial
`);
    expect(message).toBe(
      [
        'controls file controls.yaml is invalid:',
        '  controls.yaml:4: controls[1].mitigation: names no mitigation of the matrix (kubematrix controls init lists them)',
        '  controls.yaml:5: controls[1].status: must be one of "implemented", "partial", "not-implemented", "unknown"',
        '  controls.yaml:6: controls[1].reviewed: must be a date such as 2027-01-31',
        '  controls.yaml:7: controls[1]: unknown field color',
      ].join('\n'),
    );
    expect(message).not.toContain('hunter2');
    // A missing field is reported where it belongs; a repeated mitigation at its second entry.
    expect(errorOf('controls:\n- mitigation: MS-M9001\n')).toContain('controls.yaml:2: controls[0].status:');
    expect(
      errorOf('controls:\n- {mitigation: MS-M9001, status: partial}\n- {mitigation: MS-M9001, status: partial}\n'),
    ).toContain('controls.yaml:3: controls[1].mitigation: declared twice');
    expect(errorOf('controls: [\n  {mitigation: "hunter2\n')).toMatch(/^controls\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('controlsTemplate', () => {
  it('lists exactly the mitigations no check reports missing and no derivation finds in place', () => {
    const listed = unobservableMitigations(allChecks).map((mitigation) => mitigation.id);
    const observable = new Set([...allChecks.flatMap((check) => check.missing), ...derivableMitigations]);
    expect(listed).toContain('MS-M9001');
    expect(listed).toContain('MS-M9031');
    expect(listed.filter((id) => observable.has(id))).toEqual([]);
    expect(listed.every(isMitigationId)).toBe(true);
  });

  it('round-trips through the validator: every entry unknown, so nothing declared, each with what it is and defends', () => {
    const template = controlsTemplate(allChecks);
    const listed = unobservableMitigations(allChecks);
    expect(parseControls(template, 'controls.yaml', allChecks)).toEqual({ controls: [], warnings: [] });
    expect(template.match(/^ {4}status: unknown #/gm)).toHaveLength(listed.length);
    expect(template).toContain(
      `  # MS-M9001 Multi-factor authentication\n  # What counts: ${getMitigation('MS-M9001')?.summary}\n  # Defends against: MS-TA9001 Using cloud credentials\n  - mitigation: MS-M9001`,
    );
    // Answered, an entry counts; the others stay out.
    const answered = template
      .replace('    status: unknown', '    status: implemented')
      .replace('# reviewed: YYYY-MM-DD', 'reviewed: 2026-12-01');
    expect(parseControls(answered).controls).toEqual([
      { mitigation: 'MS-M9001', status: 'implemented', reviewed: '2026-12-01' },
    ]);
  });

  it('warns of an answer for a mitigation the scan observes, naming the evidence it uses instead', () => {
    const { controls, warnings } = parseControls(
      'controls:\n- {mitigation: MS-M9001, status: implemented}\n- {mitigation: MS-M9025, status: implemented}\n- {mitigation: MS-M9014, status: unknown}\n',
      'controls.yaml',
      allChecks,
    );
    // Still returned: the rule that ignores it is the coverage's, for library callers too.
    expect(controls.map((control) => control.mitigation)).toEqual(['MS-M9001', 'MS-M9025']);
    expect(warnings).toEqual([
      'controls.yaml:3: MS-M9025 Disable service account auto mount is observed by the scan: the declaration is not used, the scan uses the findings of service-account-token, which report it missing, and the defenses it sees in place everywhere they matter (docs/report.md)',
    ]);
  });
});
