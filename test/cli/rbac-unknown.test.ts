import { describe, expect, it } from 'vitest';
import { cli } from './run.js';

const FIXTURE = 'test/fixtures/rbac';

describe('kubematrix rbac subject for a subject the input does not name', () => {
  it.each([
    [['sa/nobody'], 'sa/nobody'],
    [['sa/ci/nobody'], 'sa/ci/nobody'],
    // The right name in the wrong namespace: runner is a ServiceAccount of ci only.
    [['sa/runner', '-n', 'ops'], 'sa/ops/runner'],
    [['sa/ops/runner', '-o', 'json'], 'sa/ops/runner'],
    [['user/nobody'], 'user/nobody'],
    [['group/nobody'], 'group/nobody'],
  ])('says so and exits 2 (%j)', async (args, named) => {
    const [spec = '', ...rest] = args;
    const { status, stdout, stderr } = await cli(['rbac', 'subject', spec, FIXTURE, ...rest]);
    expect({ status, stdout, stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: `kubematrix: no binding or object names ${named} in the input\n`,
    });
  });

  it('takes sa/NAMESPACE/NAME as -n NAMESPACE does', async () => {
    const withFlag = await cli(['rbac', 'subject', 'sa/runner', '-n', 'ci', FIXTURE]);
    const inline = await cli(['rbac', 'subject', 'sa/ci/runner', FIXTURE]);
    expect(withFlag.status).toBe(0);
    expect(inline).toEqual(withFlag);
    expect(inline.stdout).toContain('ServiceAccount ci/runner');
    const both = await cli(['rbac', 'subject', 'sa/ci/runner', '-n', 'ops', FIXTURE]);
    expect(both).toMatchObject({
      status: 2,
      stderr: "kubematrix: 'sa/ci/runner' and -n ops name different namespaces: give one of them\n",
    });
    expect((await cli(['rbac', 'subject', 'sa/ci/', FIXTURE])).status).toBe(2);
    expect((await cli(['rbac', 'subject', 'sa/a/b/c', FIXTURE])).status).toBe(2);
  });

  it('answers for the account pods run as, though no binding names it', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: app}\nspec: {containers: [{name: c, image: x}]}\n';
    for (const spec of ['sa/default', 'sa/app/default']) {
      const { status, stdout } = await cli(['rbac', 'subject', spec, '-'], { input: pod });
      expect(status, spec).toBe(0);
      expect(stdout).toContain('ServiceAccount app/default');
    }
    expect((await cli(['rbac', 'subject', 'sa/other/default', '-'], { input: pod })).status).toBe(2);
  });
});
