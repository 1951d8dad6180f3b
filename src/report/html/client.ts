/// <reference lib="dom" />

/**
 * The page's script, run in the browser: the reporter embeds `client.toString()`, so this function must stand alone
 * (no imports, nothing from the module around it). It reads the two JSON elements the reporter writes and draws the
 * header, filters, legend, matrix and the selected technique's panel. Every string from the report reaches the
 * page through `textContent` (or an attribute value), never as markup.
 */
export function client(): void {
  interface Resource {
    kind: string;
    apiVersion: string;
    namespace: string | null;
    name: string;
  }
  interface Location {
    file: string;
    line: number;
    column: number;
    namespaceDefaulted?: string;
  }
  interface Evidence {
    type: string;
    text: string;
    resource?: Resource;
    location?: Location;
    uri?: string;
    path?: string;
  }
  interface Finding {
    id: string;
    checkId: string;
    title?: string;
    severity: string;
    techniques: string[];
    resource: Resource;
    location?: Location;
    uri?: string;
    path?: string;
    message: string;
    remediation?: string;
    evidence?: Evidence[];
    suppressed?: { reason: string; by: string; expires?: string };
    baseline?: 'new' | 'unchanged';
  }
  interface MitigationView {
    id: string;
    name: string;
    action?: string;
    state?: string;
    by?: string;
    status?: string;
    evidence?: string[];
  }
  interface Activity {
    alerts: number;
    severity?: string;
    /** Most alerts first. */
    rules: { id: string; alerts: number }[];
  }
  interface TechniqueView {
    name: string;
    summary: string;
    detection: string;
    question?: string;
    status: string;
    findings: number;
    severity?: string;
    assessedBy: string[];
    reason?: string;
    onPaths?: number;
    /** What the audit log showed happening (`scan --audit`). */
    activity?: Activity;
    exposing: number[];
    gaps: number[];
    mitigations: MitigationView[];
  }
  interface PathNode {
    id: string;
    label: string;
    entry?: string;
  }
  interface PathStep {
    from: string;
    to: string;
    techniques: string[];
    text: string;
    severity: string;
    findings: string[];
    evidence: Evidence[];
  }
  interface AttackPath {
    from: string;
    to: string;
    /** Other entry points that reach `to` the same way. */
    alsoFrom?: string[];
    steps: PathStep[];
    severity: string;
  }
  interface ChokePoint {
    kind: string;
    id: string;
    label: string;
    removes: number;
    location?: Location;
    uri?: string;
  }
  interface Source {
    type: string;
    inputs?: string[];
    files?: number;
    objects?: number;
    context?: string;
    server?: string;
    serverVersion?: string;
    collectedAt?: string;
    unavailable?: { kind: string; reason: string }[];
  }
  interface Data {
    version: string;
    scannedAt: string;
    source: Source;
    errors: { source: string; message: string; line?: number; column?: number }[];
    warnings: { message: string }[];
    /** Against `scan --baseline`: new, unchanged and fixed findings, in a sentence. */
    baseline?: string;
    /**
     * The findings that carry the change that fixes them (positions in the findings), what makes it, and how many of
     * the unsuppressed ones do, in a sentence (empty: none).
     */
    autoFix: { findings: number[]; command: string; line: string };
    tactics: { name: string; techniques: string[] }[];
    techniques: Record<string, TechniqueView>;
    checks: Record<string, { title: string; remediation: string }>;
    /** Titles of the audit rules named in `techniques[].activity`. */
    detections: Record<string, { title: string }>;
    marks: Record<'onPath' | 'activity', { mark: string; meaning: string }>;
    /** How each state of a mitigation reads (`mitigationStates`). */
    mitigationStates: Record<string, { mark: string; meaning: string }>;
    /**
     * Paths ranked: fewest steps, then the worst weakest link, first. `pairs`: entry point → target pairs, each
     * path counted once for `from` and once per `alsoFrom`, as choke points' `removes` counts them.
     */
    attackPaths?: { nodes: PathNode[]; paths: AttackPath[]; chokePoints: ChokePoint[]; pairs: number };
  }
  type Child = Node | string | null | undefined | false;

  const json = (id: string) => JSON.parse(document.getElementById(id)?.textContent ?? 'null');
  type View = 'before' | 'after';
  /**
   * The report, and with `kubematrix fix`'s what-if the report after the fix files: the page shows one at a time,
   * drawn afresh on each switch; listeners of the view left behind go with its AbortController.
   */
  const views: Record<View, { data: Data; findings: Finding[] } | undefined> = {
    before: { data: json('report-data') as Data, findings: json('report-findings') as Finding[] },
    after: document.getElementById('report-data-after')
      ? { data: json('report-data-after') as Data, findings: json('report-findings-after') as Finding[] }
      : undefined,
  };
  const app = document.createElement('div');
  document.body.append(app);
  let lifetime: AbortController | undefined;
  draw('before');

  function draw(view: View): void {
    lifetime?.abort();
    lifetime = new AbortController();
    const { signal } = lifetime;
    const { data, findings } = views[view] ?? (views.before as { data: Data; findings: Finding[] });

    /** Known statuses, worst first; a status this page does not know is shown as it is named, in a neutral style. */
    const STATUSES: Record<string, { mark: string; label: string; text: string }> = {
      exposed: { mark: '!', label: 'Exposed', text: 'findings show the technique is possible' },
      weakened: {
        mark: '~',
        label: 'Weakened',
        text: 'nothing exposes it, but a mitigation that would block it is missing',
      },
      mitigated: { mark: '✓', label: 'Mitigated', text: 'its mitigations were found in place' },
      declared: { mark: '✎', label: 'Declared', text: 'the organization declares a mitigation of it implemented' },
      'not-observed': { mark: '+', label: 'Not observed', text: 'assessed by this scan, and nothing found' },
      'not-assessed': { mark: '–', label: 'Not assessed', text: 'this input cannot show it' },
      question: {
        mark: '?',
        label: 'Question',
        text: 'nothing Kubernetes records shows it: the organization can answer',
      },
    };
    const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
    const NO_NAMESPACE = '\u0000none';
    const PAGE = 50;

    const statusOf = (status: string) =>
      STATUSES[status] ?? { mark: '•', label: status, text: 'a status this version of the page does not describe' };
    const statusClass = (status: string) => (status in STATUSES ? `s-${status}` : 's-other');
    const severityClass = (severity: string) => (SEVERITIES.includes(severity) ? `sev-${severity}` : 'sev-other');
    const plural = (count: number, word: string) => `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;

    function el(tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
      const element = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        element.append(typeof child === 'string' ? document.createTextNode(child) : child);
      }
      return element;
    }
    /**
     * Our prose (messages, remediations, the knowledge base) marks code with backticks, as Markdown does: each
     * backticked span becomes a `code` element, its text still set as text.
     */
    const prose = (text: string) =>
      el('span', {}, ...text.split('`').map((part, index) => (index % 2 ? el('code', {}, part) : part)));
    const where = (location: Location) =>
      `${location.file}:${location.line}:${location.column}${
        location.namespaceDefaulted === undefined ? '' : ` (namespace defaulted to ${location.namespaceDefaulted}, -n)`
      }`;
    const resourceText = (resource: Resource) =>
      `${resource.kind} ${resource.namespace === null ? '' : `${resource.namespace}/`}${resource.name}`;

    // Filters: severities and statuses shown, and one namespace or all.
    const shownSeverities = new Set(SEVERITIES);
    const statusesInReport = [
      ...new Set([...Object.keys(STATUSES), ...Object.values(data.techniques).map((t) => t.status)]),
    ].filter((status) => Object.values(data.techniques).some((t) => t.status === status));
    const shownStatuses = new Set(statusesInReport);
    let namespace = '*';
    /** Techniques the audit log showed happening; the filter keeps only them when `onlyActive`. */
    const alertsOf = (technique: TechniqueView) => technique.activity?.alerts ?? 0;
    const happening = Object.values(data.techniques).filter(alertsOf);
    let onlyActive = false;
    const matches = (finding: Finding) =>
      shownSeverities.has(finding.severity) &&
      (namespace === '*' || (finding.resource.namespace ?? NO_NAMESPACE) === namespace);
    const listed = (indices: number[]) =>
      indices.map((index) => findings[index]).filter((f): f is Finding => f !== undefined && matches(f));

    let selected: string | null = null;
    /** The attack path drawn on the matrix, by its position in `data.attackPaths.paths`. */
    let selectedPath: number | null = null;
    const pathButtons: HTMLButtonElement[] = [];
    const attack = data.attackPaths;
    const nodeLabels = new Map((attack?.nodes ?? []).map((node) => [node.id, node]));
    const nodeLabel = (id: string) => nodeLabels.get(id)?.label ?? id;
    const ENTRIES: Record<string, string> = {
      internet: 'internet-facing',
      'assume-breach': 'assume breach',
      subject: 'subject',
    };
    const findingById = new Map(findings.map((finding) => [finding.id, finding]));
    const autoFixable = new Set(data.autoFix.findings.map((index) => findings[index]));
    const cells = new Map<string, HTMLButtonElement[]>();
    const panel = el('aside', { id: 'panel', 'aria-label': 'Selected technique', tabindex: '-1' });
    const shown = el('p', { id: 'shown', 'aria-live': 'polite' });
    const printList = el('section', { id: 'print-list', 'aria-hidden': 'true' });

    function header(): HTMLElement {
      const source = data.source;
      const from =
        source.type === 'manifests'
          ? `Files: ${(source.inputs ?? []).join(', ')} (${plural(source.files ?? 0, 'file')}, ${plural(source.objects ?? 0, 'object')})`
          : source.type === 'cluster'
            ? `Cluster context ${source.context} (${source.server}, Kubernetes ${source.serverVersion}), collected ${source.collectedAt}, ${plural(source.objects ?? 0, 'object')}`
            : `Source: ${source.type}`;
      const active = findings.filter((f) => !f.suppressed);
      const bySeverity = el(
        'ul',
        { class: 'counts', 'aria-label': 'Findings by severity' },
        ...SEVERITIES.map((severity) =>
          el(
            'li',
            {},
            el('span', { class: `sev ${severityClass(severity)}` }, severity),
            ` ${active.filter((f) => f.severity === severity).length}`,
          ),
        ),
      );
      const all = Object.values(data.techniques);
      const byStatus = el(
        'ul',
        { class: 'counts', 'aria-label': 'Techniques by status' },
        ...statusesInReport.map((status) =>
          el(
            'li',
            {},
            el('span', { class: `badge ${statusClass(status)}` }, `${statusOf(status).mark} ${statusOf(status).label}`),
            ` ${all.filter((t) => t.status === status).length}`,
          ),
        ),
      );
      const problems = [
        ...data.errors.map((e) => `${e.source}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`),
        ...data.warnings.map((w) => w.message),
        ...(source.unavailable ?? []).map((u) => `could not list ${u.kind}: ${u.reason}`),
      ];
      return el(
        'header',
        {},
        el(
          'h1',
          {},
          `Threat matrix for Kubernetes: ${view === 'after' ? 'after the fix files (what-if)' : 'this scan'}`,
        ),
        el('p', { class: 'meta', id: 'source' }, from),
        el('p', { class: 'meta' }, `Scanned at ${data.scannedAt} by kubematrix ${data.version}`),
        data.baseline !== undefined && el('p', { class: 'meta', id: 'baseline' }, data.baseline),
        data.autoFix.line !== '' && el('p', { class: 'meta', id: 'autofix' }, data.autoFix.line),
        happening.length > 0 &&
          el(
            'p',
            { class: 'meta', id: 'activity' },
            `Audit log: ${plural(
              happening.reduce((sum, technique) => sum + alertsOf(technique), 0),
              'alert',
            )} on ${plural(happening.length, 'technique')}, marked ${data.marks.activity.mark} in the matrix`,
          ),
        el(
          'div',
          { class: 'summary' },
          el('div', {}, el('h2', {}, plural(active.length, 'finding')), bySeverity),
          el('div', {}, el('h2', {}, `${all.length} techniques`), byStatus),
        ),
        problems.length > 0 &&
          el(
            'details',
            { class: 'problems' },
            el('summary', {}, plural(problems.length, 'input error or warning')),
            el('ul', {}, ...problems.map((text) => el('li', {}, text))),
          ),
      );
    }

    function checkboxes(legend: string, name: string, values: string[], label: (v: string) => Node | string) {
      const set = name === 'severity' ? shownSeverities : shownStatuses;
      return el(
        'fieldset',
        {},
        el('legend', {}, legend),
        ...values.map((value) => {
          const box = el('input', { type: 'checkbox', name, value, checked: '' }) as HTMLInputElement;
          box.addEventListener('change', () => {
            if (box.checked) set.add(value);
            else set.delete(value);
            update();
          });
          return el('label', {}, box, label(value));
        }),
      );
    }

    function filters(): HTMLElement {
      const namespaces = [...new Set(findings.map((f) => f.resource.namespace ?? NO_NAMESPACE))].sort();
      const select = el(
        'select',
        { id: 'namespace' },
        el('option', { value: '*' }, 'All namespaces'),
        ...namespaces.map((ns) => el('option', { value: ns }, ns === NO_NAMESPACE ? '(cluster-scoped)' : ns)),
      ) as HTMLSelectElement;
      select.addEventListener('change', () => {
        namespace = select.value;
        update();
      });
      return el(
        'section',
        { class: 'filters', 'aria-label': 'Filters' },
        checkboxes('Severity', 'severity', SEVERITIES, (s) => el('span', { class: `sev ${severityClass(s)}` }, s)),
        el('label', { class: 'namespace' }, 'Namespace ', select),
        checkboxes('Status', 'status', statusesInReport, (s) => `${statusOf(s).mark} ${statusOf(s).label}`),
        happening.length > 0 && activityFilter(),
        shown,
      );
    }

    function activityFilter(): HTMLElement {
      const box = el('input', { type: 'checkbox', name: 'activity' }) as HTMLInputElement;
      box.addEventListener('change', () => {
        onlyActive = box.checked;
        update();
      });
      return el(
        'fieldset',
        {},
        el('legend', {}, 'Audit log'),
        el('label', {}, box, `only ${data.marks.activity.mark} techniques with alerts`),
      );
    }

    function legend(): HTMLElement {
      return el(
        'section',
        { class: 'legend', 'aria-label': 'Legend' },
        el('h2', {}, 'Legend'),
        el(
          'ul',
          {},
          ...statusesInReport.map((status) =>
            el(
              'li',
              {},
              el(
                'span',
                { class: `badge ${statusClass(status)}` },
                `${statusOf(status).mark} ${statusOf(status).label}`,
              ),
              ` ${statusOf(status).text}`,
            ),
          ),
          el('li', {}, el('span', { class: 'badge count-sample' }, '3'), ' findings expose the technique'),
          el(
            'li',
            {},
            el('span', { class: 'badge count-sample' }, '~2'),
            ' hardening gaps: findings of a missing mitigation',
          ),
          !!attack?.paths.length &&
            el(
              'li',
              {},
              el('span', { class: 'badge count-sample' }, data.marks.onPath.mark),
              ' on an attack path to a target: pick a path above to number its steps on the matrix',
            ),
          happening.length > 0 &&
            el(
              'li',
              {},
              el('span', { class: 'badge count-sample' }, data.marks.activity.mark),
              ` ${data.marks.activity.meaning}: the technique's panel names the rules`,
            ),
        ),
      );
    }

    function matrix(): HTMLElement {
      return el(
        'div',
        { class: 'matrix', role: 'group', 'aria-label': 'Threat matrix: one column per tactic' },
        ...data.tactics.map((tactic) =>
          el(
            'section',
            { class: 'tactic' },
            el('h2', {}, tactic.name),
            el(
              'ul',
              {},
              ...tactic.techniques.map((id) => {
                const technique = data.techniques[id];
                if (!technique) return null;
                const cell = el(
                  'button',
                  {
                    type: 'button',
                    class: `cell ${statusClass(technique.status)}`,
                    'data-technique': id,
                    'aria-pressed': 'false',
                    'aria-controls': 'panel',
                  },
                  el('span', { class: 'mark', 'aria-hidden': 'true' }, statusOf(technique.status).mark),
                  technique.onPaths
                    ? el('span', { class: 'onpath', 'aria-hidden': 'true' }, data.marks.onPath.mark)
                    : null,
                  alertsOf(technique)
                    ? el('span', { class: 'activity', 'aria-hidden': 'true' }, data.marks.activity.mark)
                    : null,
                  el('span', { class: 'tid' }, id.slice(5)),
                  el('span', { class: 'tname' }, technique.name),
                  el('span', { class: 'steps', 'aria-hidden': 'true' }),
                  el('span', { class: 'tallies' }, el('span', { class: 'count' }), el('span', { class: 'gaps' })),
                ) as HTMLButtonElement;
                cell.addEventListener('click', () => select(selected === id ? null : id));
                cells.set(id, [...(cells.get(id) ?? []), cell]);
                return el('li', {}, cell);
              }),
            ),
          ),
        ),
      );
    }

    function findingItem(finding: Finding): HTMLElement {
      const check = data.checks[finding.checkId];
      const remediation = finding.remediation ?? check?.remediation;
      return el(
        'li',
        { class: 'finding' },
        el(
          'div',
          { class: 'fhead' },
          el('span', { class: `sev ${severityClass(finding.severity)}` }, finding.severity),
          ' ',
          finding.baseline === 'new' && el('strong', { class: 'new' }, 'new '),
          el('strong', {}, finding.title ?? check?.title ?? finding.checkId),
          el('span', { class: 'check' }, ` ${finding.checkId}`),
          autoFixable.has(finding) && el('span', { class: 'autofix', title: data.autoFix.command }, ' auto-fix'),
          finding.suppressed &&
            el('span', { class: 'suppressed' }, ` suppressed (${finding.suppressed.by}): ${finding.suppressed.reason}`),
        ),
        el(
          'div',
          { class: 'resource' },
          resourceText(finding.resource),
          el('span', { class: 'api' }, ` ${finding.resource.apiVersion}`),
        ),
        (finding.location || finding.uri) &&
          el(
            'div',
            { class: 'where' },
            el('code', {}, finding.location ? where(finding.location) : (finding.uri ?? '')),
          ),
        finding.path && el('div', { class: 'path' }, 'field ', el('code', {}, finding.path)),
        el('p', { class: 'message' }, prose(finding.message)),
        !!finding.evidence?.length &&
          el(
            'ul',
            { class: 'evidence', 'aria-label': 'Evidence' },
            ...finding.evidence.map((piece) =>
              el(
                'li',
                {},
                el('span', { class: 'etype' }, `${piece.type}: `),
                piece.text,
                piece.location && el('code', {}, ` ${where(piece.location)}`),
                !piece.location && piece.uri && el('code', {}, ` ${piece.uri}`),
              ),
            ),
          ),
        remediation && el('p', { class: 'fix' }, el('strong', {}, 'Fix: '), prose(remediation)),
      );
    }

    /** The first page of a list of findings, and a button for each next one: a panel never draws thousands at once. */
    function findingList(title: string, list: Finding[], cls: string): HTMLElement {
      const items = el('ol', { class: `findings ${cls}` });
      const more = el('button', { type: 'button', class: 'more' }) as HTMLButtonElement;
      let drawn = 0;
      const draw = () => {
        const next = list.slice(drawn, drawn + PAGE);
        items.append(...next.map(findingItem));
        drawn += next.length;
        more.textContent = `Show ${Math.min(PAGE, list.length - drawn)} more (${drawn} of ${list.length} shown)`;
        more.hidden = drawn >= list.length;
      };
      more.addEventListener('click', draw);
      draw();
      return el(
        'section',
        {},
        el('h3', {}, `${title} (${list.length})`),
        list.length ? items : el('p', {}, 'None.'),
        more,
      );
    }

    function mitigationItem(mitigation: MitigationView): HTMLElement {
      const state = mitigation.state ?? 'unknown';
      // An unproven mitigation could not be evaluated either way: shown as such, never as present.
      const known = data.mitigationStates[state];
      const how = [mitigation.by, mitigation.status].filter(Boolean).join(', ');
      return el(
        'li',
        { class: `mitigation m-${known ? state : 'unknown'}` },
        el('span', { class: 'mstate' }, known ? `${known.mark} ${known.meaning}` : '· not known'),
        how && el('span', { class: 'how' }, ` (${how})`),
        ' ',
        el('strong', {}, `${mitigation.id} ${mitigation.name}`),
        mitigation.action && el('p', {}, prose(mitigation.action)),
        !!mitigation.evidence?.length && el('ul', {}, ...mitigation.evidence.map((text) => el('li', {}, text))),
      );
    }

    function renderPanel(): void {
      const technique = selected ? data.techniques[selected] : undefined;
      const path = selectedPath === null ? undefined : attack?.paths[selectedPath];
      if ((!selected || !technique) && path) {
        panel.replaceChildren(...pathPanel(path, selectedPath ?? 0));
        return;
      }
      if (!selected || !technique) {
        panel.replaceChildren(
          el(
            'p',
            { class: 'hint' },
            'Select a technique in the matrix to see its status, findings, mitigations and what to do.',
          ),
        );
        return;
      }
      const status = statusOf(technique.status);
      const exposing = listed(technique.exposing);
      const gaps = listed(technique.gaps);
      const missing = technique.mitigations.filter((m) => m.state === 'missing');
      const remediations = new Map<string, string>();
      for (const finding of [...exposing, ...gaps]) {
        const check = data.checks[finding.checkId];
        const text = finding.remediation ?? check?.remediation;
        if (text && !remediations.has(finding.checkId)) remediations.set(finding.checkId, text);
      }
      panel.replaceChildren(
        el('h2', { id: 'panel-title' }, `${selected} ${technique.name}`),
        el(
          'p',
          { class: 'status-line' },
          el(
            'span',
            { class: `badge ${statusClass(technique.status)}`, id: 'panel-status' },
            `${status.mark} ${status.label}`,
          ),
          ` ${status.text}`,
          technique.severity ? `; worst severity ${technique.severity}, ${plural(technique.findings, 'finding')}` : '',
        ),
        el('p', {}, prose(technique.summary)),
        ...(technique.activity && alertsOf(technique) ? [activitySection(technique.activity)] : []),
        el('h3', {}, 'Why'),
        el(
          'ul',
          { class: 'why' },
          technique.reason && el('li', {}, technique.reason),
          el(
            'li',
            {},
            technique.assessedBy.length
              ? `Assessed by: ${technique.assessedBy.join(', ')}`
              : 'No check in this scan can show this technique.',
          ),
          el('li', {}, prose(technique.detection)),
        ),
        findingList('Findings that expose it', exposing, 'exposing'),
        findingList('Hardening gaps: mitigations missing', gaps, 'gaps'),
        el('h3', {}, 'Mitigations'),
        el('ul', { class: 'mitigations' }, ...technique.mitigations.map(mitigationItem)),
        el('h3', {}, 'What to do'),
        el(
          'ul',
          { class: 'todo' },
          technique.question && el('li', {}, el('strong', {}, 'Answer: '), technique.question),
          ...[...remediations].map(([checkId, text]) =>
            el('li', {}, el('strong', {}, `${data.checks[checkId]?.title ?? checkId}: `), prose(text)),
          ),
          ...missing.map((m) => el('li', {}, el('strong', {}, `${m.id} ${m.name}: `), prose(m.action ?? ''))),
          el('li', {}, 'More: ', el('code', {}, `kubematrix explain ${selected}`)),
        ),
      );
    }

    /** What the audit log showed: the alerts, the worst severity, and each rule that raised them. */
    function activitySection(activity: Activity): HTMLElement {
      return el(
        'section',
        { id: 'panel-activity' },
        el('h3', {}, `${data.marks.activity.mark} Audit log: ${plural(activity.alerts, 'alert')}`),
        el(
          'p',
          {},
          activity.severity && 'Worst severity ',
          activity.severity && el('span', { class: `sev ${severityClass(activity.severity)}` }, activity.severity),
          `${activity.severity ? '; raised' : 'Raised'} by ${plural(activity.rules.length, 'rule')}:`,
        ),
        el(
          'ul',
          { class: 'rules' },
          ...activity.rules.map((rule) =>
            el(
              'li',
              { class: 'rule' },
              el('code', {}, rule.id),
              data.detections[rule.id] && ` ${data.detections[rule.id]?.title}`,
              ` — ${plural(rule.alerts, 'alert')}`,
            ),
          ),
        ),
        el(
          'p',
          { class: 'hint' },
          'What each rule watches and its benign cases: ',
          el('code', {}, 'docs/detections.md'),
          ', a section per rule id. The alerts themselves: ',
          el('code', {}, 'kubematrix audit LOG'),
          '.',
        ),
      );
    }

    const placeOf = (item: { location?: Location; uri?: string }) =>
      item.location ? where(item.location) : (item.uri ?? '');

    /** The attack paths and the choke points, when the scan computed them: pick a path to draw it on the matrix. */
    function pathView(): HTMLElement | null {
      if (!attack) return null;
      const { paths, chokePoints } = attack;
      if (!paths.length) {
        return el(
          'section',
          { id: 'paths', 'aria-label': 'Attack paths' },
          el('h2', {}, 'No attack path reaches a target'),
        );
      }
      const { pairs } = attack;
      const list = el('ol', { class: 'path-list' });
      const more = el('button', { type: 'button', class: 'more' }) as HTMLButtonElement;
      const draw = () => {
        const next = paths.slice(pathButtons.length, pathButtons.length + PAGE);
        for (const path of next) {
          const index = pathButtons.length;
          const start = nodeLabels.get(path.from)?.entry;
          const chain = [path.from, ...path.steps.map((step) => step.to)].map(nodeLabel).join(' → ');
          const button = el(
            'button',
            { type: 'button', class: 'path', 'data-path': String(index), 'aria-pressed': 'false' },
            el('span', { class: `sev ${severityClass(path.severity)}` }, path.severity),
            ` ${chain}`,
            el(
              'span',
              { class: 'path-meta' },
              ` ${start ? `${ENTRIES[start] ?? start}, ` : ''}${plural(path.steps.length, 'step')}${
                path.alsoFrom?.length ? `, also from ${plural(path.alsoFrom.length, 'other entry point')}` : ''
              }`,
            ),
          ) as HTMLButtonElement;
          button.addEventListener('click', () => selectPath(selectedPath === index ? null : index));
          pathButtons.push(button);
          list.append(el('li', {}, button));
        }
        more.textContent = `Show ${Math.min(PAGE, paths.length - pathButtons.length)} more (${pathButtons.length} of ${paths.length} shown)`;
        more.hidden = pathButtons.length >= paths.length;
      };
      more.addEventListener('click', draw);
      draw();
      const reached = new Set(paths.map((path) => path.to));
      const grouped = pairs > paths.length ? ` (${plural(pairs, 'entry point → target pair')})` : '';
      const cut = chokePoints.reduce((sum, fix) => sum + fix.removes, 0);
      return el(
        'section',
        { id: 'paths', 'aria-label': 'Attack paths' },
        el(
          'h2',
          {},
          `Attack paths: ${plural(paths.length, 'path')}${grouped} reach ${[...reached].map(nodeLabel).join(', ')}`,
        ),
        el(
          'div',
          { class: 'paths-grid' },
          el(
            'div',
            {},
            el('h3', {}, 'Fix first: each fix removes the paths left by those above it'),
            el(
              'ol',
              { class: 'chokes' },
              ...chokePoints.map((fix) =>
                el(
                  'li',
                  { class: 'choke' },
                  el('strong', {}, `removes ${fix.removes} of ${plural(pairs, 'entry point → target pair')}: `),
                  fix.label,
                  placeOf(fix) && el('code', {}, ` ${placeOf(fix)}`),
                ),
              ),
            ),
            cut < pairs &&
              el(
                'p',
                { class: 'uncut' },
                `${plural(pairs - cut, 'entry point → target pair')} ${pairs - cut === 1 ? 'rests' : 'rest'} on no single finding or binding to fix`,
              ),
          ),
          el(
            'div',
            {},
            el('h3', {}, 'Paths, shortest and surest first: pick one to draw it on the matrix'),
            list,
            more,
          ),
        ),
      );
    }

    function pathPanel(path: AttackPath, index: number): Node[] {
      return [
        el('h2', { id: 'panel-title' }, `Attack path #${index + 1}`),
        el(
          'p',
          { class: 'status-line' },
          el('span', { class: `sev ${severityClass(path.severity)}` }, path.severity),
          ` weakest link; ${plural(path.steps.length, 'step')} from ${nodeLabel(path.from)} to ${nodeLabel(path.to)}`,
        ),
        ...alsoFrom(path),
        el(
          'ol',
          { class: 'path-steps' },
          ...path.steps.map((step) =>
            el(
              'li',
              { class: 'step' },
              el(
                'div',
                { class: 'fhead' },
                el('span', { class: `sev ${severityClass(step.severity)}` }, step.severity),
                ' ',
                el(
                  'strong',
                  {},
                  step.techniques.map((id) => `${id} ${data.techniques[id]?.name ?? ''}`.trim()).join(', '),
                ),
              ),
              el('p', { class: 'message' }, `${nodeLabel(step.from)} ${step.text} → ${nodeLabel(step.to)}`),
              !!step.evidence.length &&
                el(
                  'ul',
                  { class: 'evidence', 'aria-label': 'Evidence' },
                  ...step.evidence.map((piece) =>
                    el(
                      'li',
                      {},
                      el('span', { class: 'etype' }, `${piece.type}: `),
                      piece.text,
                      placeOf(piece) && el('code', {}, ` ${placeOf(piece)}`),
                    ),
                  ),
                ),
              ...step.findings.map((id) => {
                const finding = findingById.get(id);
                return (
                  finding &&
                  el(
                    'p',
                    { class: 'fix' },
                    el('strong', {}, 'Fix: '),
                    `${finding.title ?? data.checks[finding.checkId]?.title ?? finding.checkId}: `,
                    prose(finding.message),
                  )
                );
              }),
            ),
          ),
        ),
      ];
    }

    /** A grouped path's other entry points: the same first step into the same node, then the same steps. */
    function alsoFrom(path: AttackPath): HTMLElement[] {
      const others = path.alsoFrom ?? [];
      if (!others.length) return [];
      const shown = others.slice(0, PAGE);
      return [
        el(
          'div',
          { class: 'also-from' },
          el('p', {}, `Also from ${plural(others.length, 'other entry point')}, the same way:`),
          el(
            'ul',
            {},
            ...shown.map((id) => el('li', {}, nodeLabel(id))),
            others.length > shown.length && el('li', {}, `… and ${others.length - shown.length} more`),
          ),
        ),
      ];
    }

    /** Draws a path on the matrix: its steps' cells outlined and numbered in step order, the others faded. */
    function selectPath(index: number | null): void {
      selectedPath = index;
      const path = index === null ? undefined : attack?.paths[index];
      const numbers = new Map<string, number[]>();
      path?.steps.forEach((step, position) => {
        for (const id of step.techniques) numbers.set(id, [...(numbers.get(id) ?? []), position + 1]);
      });
      for (const [id, buttons] of cells) {
        const steps = numbers.get(id);
        for (const button of buttons) {
          button.classList.toggle('on-step', !!steps);
          button.classList.toggle('off-path', !!path && !steps);
          const badge = button.querySelector('.steps');
          if (badge) badge.textContent = steps ? steps.join('·') : '';
          if (steps) button.setAttribute('data-steps', steps.join(' '));
          else button.removeAttribute('data-steps');
        }
      }
      pathButtons.forEach((button, position) => {
        button.setAttribute('aria-pressed', String(position === index));
      });
      selected = null;
      for (const buttons of cells.values()) for (const button of buttons) button.setAttribute('aria-pressed', 'false');
      renderPanel();
    }

    function select(id: string | null): void {
      selected = id;
      for (const [technique, buttons] of cells) {
        for (const button of buttons) button.setAttribute('aria-pressed', String(technique === id));
      }
      renderPanel();
    }

    /** Applies the filters: counts in the cells, cells of hidden statuses faded, the open panel redrawn. */
    function update(): void {
      const visible = new Set<number>();
      for (const [id, buttons] of cells) {
        const technique = data.techniques[id];
        if (!technique) continue;
        const count = listed(technique.exposing).length;
        const gaps = listed(technique.gaps).length;
        const alerts = alertsOf(technique);
        const out = !shownStatuses.has(technique.status) || (onlyActive && !alerts);
        const status = statusOf(technique.status);
        for (const button of buttons) {
          const [badge, gapBadge] = [button.querySelector('.count'), button.querySelector('.gaps')];
          if (badge) badge.textContent = count ? String(count) : '';
          if (gapBadge) gapBadge.textContent = gaps ? `~${gaps}` : '';
          button.classList.toggle('out', out);
          const onPaths = technique.onPaths ? `, on ${plural(technique.onPaths, 'attack path')}` : '';
          const activity = alerts
            ? `, ${plural(alerts, 'audit alert')}${technique.activity?.severity ? ` (worst ${technique.activity.severity})` : ''}`
            : '';
          const label = `${id} ${technique.name}: ${status.label}, ${plural(count, 'finding')}, ${plural(gaps, 'hardening gap')}${onPaths}${activity}${out ? ' (filtered out)' : ''}`;
          button.setAttribute('aria-label', label);
          button.title = label;
        }
      }
      findings.forEach((finding, index) => {
        if (matches(finding)) visible.add(index);
      });
      shown.textContent = `Showing ${visible.size} of ${plural(findings.length, 'finding')}`;
      renderPanel();
      if (printList.childElementCount) drawPrintList();
    }

    /** For paper: every finding the filters show, in report order (worst first), once each, with its techniques. */
    function drawPrintList(): void {
      const list = findings.filter(matches);
      printList.replaceChildren(
        el('h2', {}, `Findings (${list.length})`),
        el(
          'ol',
          { class: 'findings' },
          ...list.map((finding) => {
            const item = findingItem(finding);
            if (finding.techniques.length)
              item.append(el('p', { class: 'techniques' }, `Techniques: ${finding.techniques.join(', ')}`));
            return item;
          }),
        ),
      );
    }
    window.addEventListener('beforeprint', drawPrintList, { signal });
    window.matchMedia('print').addEventListener(
      'change',
      (event) => {
        if (event.matches) drawPrintList();
      },
      { signal },
    );

    document.addEventListener(
      'keydown',
      (event) => {
        if (event.key !== 'Escape') return;
        if (selected) {
          const cell = cells.get(selected)?.[0];
          select(null);
          cell?.focus();
        } else if (selectedPath !== null) {
          const button = pathButtons[selectedPath];
          selectPath(null);
          button?.focus();
        }
      },
      { signal },
    );

    /** Before or after the fix files, when the page has both. */
    function viewSwitch(): HTMLElement | null {
      if (!views.after) return null;
      const labels: Record<View, string> = { before: 'Before the fix', after: 'After the fix files' };
      return el(
        'div',
        { class: 'views', role: 'group', 'aria-label': 'Which report' },
        ...(['before', 'after'] as const).map((each) => {
          const button = el(
            'button',
            { type: 'button', 'data-view': each, 'aria-pressed': String(each === view) },
            labels[each],
          );
          button.addEventListener('click', () => {
            if (each === view) return;
            draw(each);
            app.querySelector<HTMLElement>(`button[data-view="${each}"]`)?.focus();
          });
          return button;
        }),
      );
    }

    const paths = pathView();
    app.replaceChildren(
      ...[viewSwitch()].filter((child): child is HTMLElement => child !== null),
      header(),
      filters(),
      legend(),
      ...(paths ? [paths] : []),
      el('main', { class: 'layout' }, matrix(), panel),
      printList,
    );
    update();
  }
}
