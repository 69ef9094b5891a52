import { readFileSync } from 'node:fs';

/** Self time per function and per package from a V8 .cpuprofile (`node --cpu-prof`), as markdown tables. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/graphql/...` → graphql; the gateway's own files → subscriber-graph; `node:` → node. */
function packageOf(url: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1]!;
  if (url.includes('/dist/')) return 'subscriber-graph (dist/)';
  if (url.startsWith('node:')) return 'node (core)';
  return url ? 'other' : '(VM: gc, program, native)';
}

/** `skipMs`: leave out the first samples (start-up: module loading), so shares are of serving alone. */
export function summarizeProfile(file: string, skipMs = 0, top = 20): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByFunction = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedUs += delta;
    if (!node || elapsedUs < skipMs * 1000) return;
    // Shares are of busy time: waiting for the load generator or upstreams is not work to optimise.
    if (node.callFrame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\/.*?(node_modules\/|dist\/)/, '$1');
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + delta);
    const pkg = packageOf(url);
    selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + delta);
    total += delta;
  });
  const table = (title: string, entries: Map<string, number>, limit: number) =>
    [
      `| ${title} | self | share |`,
      '|---|---:|---:|',
      ...[...entries]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(
          ([key, us]) =>
            `| \`${key}\` | ${(us / 1000).toFixed(0)} ms | ${((100 * us) / total).toFixed(1)}% |`,
        ),
    ].join('\n');
  const busy = `busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms; shares are of busy time`;
  return `${busy}\n\n${table('package', selfByPackage, 12)}\n\n${table('function', selfByFunction, top)}`;
}
