// The npm registry reachable here lacks the non-Linux builds of some native packages (e.g. jest's
// unrs-resolver bindings), so `npm install` leaves them out of package-lock.json and `npm ci` then calls the
// lock out of sync. This records each missing optional, platform-only dependency with its os/cpu, which `npm ci`
// skips on other platforms exactly as it would with the full entry. Run after `npm install`:
//   node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const OSES = ['darwin', 'win32', 'android', 'freebsd', 'openharmony', 'linux'];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x'];
const added = [];
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (packages[nested] || packages[top]) continue;
    const name = dep.split('/').pop();
    const os = OSES.find((o) => name.includes(o));
    const cpu = CPUS.find((c) => name.includes(c));
    if (!os) continue; // not a platform binding: leave it for npm to resolve
    packages[top] = { version, ...(meta.dev ? { dev: true } : {}), optional: true, os: [os], ...(cpu ? { cpu: [cpu] } : {}) };
    added.push(`${dep}@${version}`);
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `Recorded ${added.length} platform-only entries: ${added.join(', ')}` : 'Lockfile already complete');
