import type { FieldPath } from '../../inputs/path.js';
import type { ContainerView } from '../../inventory/index.js';
import { commandWords, programName } from '../../inventory/pods.js';
import { parseImage } from '../../k8s/images.js';
import { defineCheck } from '../define.js';

/** Miner programs, and the Docker Hub users that publish only miners. */
const MINERS = [
  'xmrig',
  'xmr-stak',
  'xmr-node-proxy',
  'minerd',
  'cpuminer',
  'ccminer',
  'cgminer',
  'bfgminer',
  'sgminer',
  'ethminer',
  't-rex',
  'lolminer',
  'nbminer',
  'phoenixminer',
  'nanominer',
  'teamredminer',
  'srbminer',
  'gminer',
  'minergate',
  'nicehash',
  'coinhive',
];

/**
 * A repository path segment or program name that is a miner: a known name, optionally packaged (`docker-xmrig`)
 * and with a variant suffix (`xmrig-cuda`, `cpuminer-opt`, `xmrig.json`), or a coin name followed by `miner`
 * (`monero-miner`, `xmr_cpu_miner`). The bare word "miner" is no evidence: `miner-metrics` and `dataminer-api` pass.
 */
const MINER_NAME = new RegExp(
  `^(?:docker-)?(?:${MINERS.join('|')})(?:[-_.].*)?$|(?:^|[-_.])(?:xmr|monero|bitcoin|btc|eth|litecoin|crypto|coin)[\\w.-]*miner`,
  'i',
);
/**
 * Stratum, the mining pool protocol: `stratum+tcp://`, `stratum+ssl://`, `stratum2+tcp://`. Its user information
 * (`wallet.worker:password@`) is skipped: messages name the pool only, never the account or its password.
 */
const STRATUM_URL = /(?<scheme>stratum2?\+(?:tcp|ssl|tls):\/\/)(?:[^\s@/]*@)?(?<host>[^\s/@'"]*)/i;

/** `stratum+tcp://pool.example.net:3333` out of a word or value that carries a Stratum URL, or undefined. */
function stratumPool(text: string): string | undefined {
  const { scheme, host } = STRATUM_URL.exec(text)?.groups ?? {};
  return scheme === undefined ? undefined : `${scheme}${host ?? ''}`;
}
/** A pool given as `host:port` with a `pool` in the host name, as miners' `-o`/`--url` take it. */
const POOL_ADDRESS = /^(?:[\w+]+:\/\/)?[\w.-]*pool[\w-]*(?:\.[\w-]+)+:\d+$/i;
const POOL_FLAGS = new Set(['-o', '--url']);

interface Evidence {
  readonly path: FieldPath;
  readonly what: string;
}

/** The first sign that a container mines: its image, else a miner program, pool or flag on its command line or env. */
function miningEvidence(container: ContainerView): Evidence | undefined {
  const { image } = container.spec;
  const reference = parseImage(image);
  if (reference?.repository.split('/').some((segment) => MINER_NAME.test(segment))) {
    return { path: [...container.path, 'image'], what: `image '${image}' is a miner` };
  }
  const words = commandWords(container);
  for (const [index, { word, path }] of words.entries()) {
    const pool = stratumPool(word);
    if (pool) return { path, what: `its command line names the mining pool '${pool}'` };
    if (MINER_NAME.test(programName(word))) return { path, what: `its command line names the miner '${word}'` };
    if (/^--donate-level\b/.test(word))
      return { path, what: "its command line passes the miner flag '--donate-level'" };
    const [flag, value] = word.startsWith('--url=') ? ['--url', word.slice(6)] : [word, words[index + 1]?.word];
    if (POOL_FLAGS.has(flag) && value !== undefined && POOL_ADDRESS.test(value)) {
      return { path, what: `its command line names the mining pool '${value}'` };
    }
  }
  for (const [index, env] of (container.spec.env ?? []).entries()) {
    const pool = env.value === undefined ? undefined : stratumPool(env.value);
    if (pool) {
      return {
        path: [...container.path, 'env', index, 'value'],
        what: `its variable ${env.name} names the mining pool '${pool}'`,
      };
    }
  }
  return undefined;
}

export default defineCheck({
  id: 'crypto-miner-image',
  title: 'Cryptocurrency miner',
  severity: 'critical',
  exposes: ['MS-TA9039'],
  missing: [],
  description:
    'A container runs a known cryptocurrency miner image or program, or its command line or environment names a mining pool (`stratum+tcp://`, `-o pool…:port`, `--donate-level`).',
  rationale:
    "Miners are what most cluster compromises end in: the attacker bills their mining to the cluster's compute, often as a DaemonSet on every node, while other workloads starve. A miner in a manifest means the manifest, the pipeline that produced it, or a chart it came from is compromised.",
  remediation:
    'Remove the workload, then find out how it got there: audit who created it, rotate the credentials that could deploy, and check the other manifests from the same source. Block miner images and pool connections with admission and egress policies.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        const evidence = miningEvidence(container);
        if (!evidence) continue;
        report({
          resource: pod.owner,
          path: evidence.path,
          message: `container '${container.spec.name}' mines cryptocurrency: ${evidence.what}`,
        });
      }
    }
  },
});
