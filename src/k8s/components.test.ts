import { describe, expect, it } from 'vitest';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory } from '../inventory/index.js';
import { componentsOf, flagList } from './components.js';

const apiserverWith = (command: string, args = '') =>
  buildInventory(
    parseManifest(
      'm.yaml',
      Buffer.from(`apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.30.2
    command: ${command}
${args ? `    args: ${args}` : ''}
`),
    ).objects,
  ).inventory;

describe('component flags', () => {
  it('reads --name=value, --name value and bare booleans, from command then args; the last one wins', () => {
    const [view] = componentsOf(
      apiserverWith(
        '[kube-apiserver, --authorization-mode, "Node,RBAC", --anonymous-auth, "false", --profiling]',
        '[--authorization-mode=AlwaysAllow, "-secure-port=6443"]',
      ),
      'kube-apiserver',
    );
    const flags = view?.flags;
    expect(flags?.get('authorization-mode')).toEqual({
      value: 'AlwaysAllow',
      path: ['spec', 'containers', 0, 'args', 0],
    });
    // A boolean flag never takes the next item: `--anonymous-auth false` leaves it true.
    expect(flags?.get('anonymous-auth')?.value).toBe('true');
    expect(flags?.get('profiling')?.value).toBe('true');
    expect(flags?.get('secure-port')?.value).toBe('6443');
    expect(view?.missingAt).toEqual(['spec', 'containers', 0, 'command']);
  });

  it('splits list values on commas, dropping blanks', () => {
    expect(flagList({ value: 'Node, RBAC,,', path: [] })).toEqual(['Node', 'RBAC']);
    expect(flagList(undefined)).toEqual([]);
  });

  it('recognises the component by its command first, so a shell in its image is not it', () => {
    expect(componentsOf(apiserverWith('[sh, -c, "kube-apiserver --version"]'), 'kube-apiserver')).toEqual([]);
    expect(componentsOf(apiserverWith('[/usr/local/bin/kube-apiserver]'), 'kube-apiserver')).toHaveLength(1);
  });

  it('leaves a command that is not a list to the inventory: a located error, and no component to check', () => {
    const { inventory, errors } = buildInventory(
      parseManifest(
        'm.yaml',
        Buffer.from(`apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    command: kube-apiserver --anonymous-auth=true
`),
      ).objects,
    );
    expect(errors).toEqual([
      {
        source: 'm.yaml',
        line: 7,
        column: 5,
        message:
          'Pod kube-apiserver: spec.containers[0].command: expected array, got a string; its pod spec was not checked',
      },
    ]);
    expect(componentsOf(inventory, 'kube-apiserver')).toEqual([]);
  });
});
