#!/usr/bin/env node
// Runs tfjs-core's own Jasmine specs (shipped as ES modules in
// node_modules/@tensorflow/tfjs-core/dist/**/*_test.js) against the
// 'simdtrain' backend, the way tfjs's backends run them: setTestEnvs with one
// environment, chained ops and gradients registered, then the spec files.
//
//   node test/tfjs-core/run.js            the lean list below (npm test)
//   node test/tfjs-core/run.js --all      every spec file of tfjs-core
//   node test/tfjs-core/run.js --json     last line: {"passed","failed","excepted","pending","failures":[...]}
//
// The dist files are ES modules with extension-less imports; they are
// turned into CommonJS on load with TypeScript's transpiler, and
// @tensorflow/tfjs-core / tfjs-backend-cpu resolve to those same ES builds,
// so the specs, the cpu backend and simdtrain's backend share one tfjs-core.
// Failures listed in exceptions.json (tfjs-cpu's own behaviour, with the
// reason) are reported but do not fail the run.
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');
const ts = require('typescript');

const root = path.join(__dirname, '..', '..');
const coreDir = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const cpuDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-cpu/package.json'));
const esmRoots = [path.join(coreDir, 'dist'), path.join(cpuDir, 'dist')];

// Every kernel the backend replaces, and the optimizers, have their spec files here.
const LEAN = [
  'ops/mat_mul_test.js', 'ops/fused/fused_mat_mul_test.js', 'ops/add_test.js', 'ops/sub_test.js', 'ops/arithmetic_test.js',
  'ops/binary_ops_test.js', 'ops/step_test.js', 'ops/relu_test.js', 'ops/sigmoid_test.js', 'ops/tanh_test.js', 'ops/softmax_test.js',
  'ops/log_softmax_test.js', 'ops/dropout_test.js', 'ops/sum_test.js', 'ops/gather_test.js',
  'ops/neg_test.js', 'ops/mean_test.js', 'ops/moments_test.js', 'ops/greater_equal_test.js', 'ops/less_equal_test.js', 'ops/clip_by_value_test.js', 'ops/floor_test.js',
  'ops/leaky_relu_test.js', 'ops/relu6_test.js', 'ops/elu_test.js',
  'ops/losses/softmax_cross_entropy_test.js', 'ops/losses/compute_weighted_loss_test.js',
  'ops/conv2d_test.js', 'ops/fused/fused_conv2d_test.js', 'ops/depthwise_conv2d_test.js', 'ops/fused/fused_depthwise_conv2d_test.js',
  'ops/max_pool_test.js', 'ops/avg_pool_test.js', 'ops/conv2d_transpose_test.js',
  'optimizers/sgd_optimizer_test.js', 'optimizers/momentum_optimizer_test.js', 'optimizers/adam_optimizer_test.js',
  'optimizers/adamax_optimizer_test.js', 'optimizers/rmsprop_optimizer_test.js', 'optimizers/adagrad_optimizer_test.js',
  'optimizers/adadelta_optimizer_test.js', 'optimizers/optimizer_test.js',
];

const redirect = {
  '@tensorflow/tfjs-core': path.join(coreDir, 'dist', 'index.js'),
  '@tensorflow/tfjs-backend-cpu': path.join(cpuDir, 'dist', 'index.js'),
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, redirect[request] ?? request, ...rest);
};
// Transpiled files are cached (keyed by path, size and mtime): a run then takes seconds.
const cacheDir = path.join(root, 'node_modules', '.cache', 'simdtrain-tfjs-core-specs');
fs.mkdirSync(cacheDir, { recursive: true });
function transpiled(filename) {
  const st = fs.statSync(filename);
  const key = `${path.relative(root, filename).replace(/[\\/]/g, '_')}_${st.size}_${Math.floor(st.mtimeMs)}.js`;
  const cached = path.join(cacheDir, key);
  if (fs.existsSync(cached)) return fs.readFileSync(cached, 'utf8');
  const source = fs.readFileSync(filename, 'utf8');
  const out = ts.transpileModule(source, { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } }).outputText;
  fs.writeFileSync(cached, out);
  return out;
}
const loadJs = Module._extensions['.js'];
Module._extensions['.js'] = function (module, filename) {
  if (esmRoots.some((r) => filename.startsWith(r)) && !/\/tf-[\w-]+\.[\w.]*js$/.test(filename)) {
    return module._compile(transpiled(filename), filename);
  }
  return loadJs(module, filename);
};

function specFiles(all) {
  if (!all) return LEAN.map((f) => path.join(coreDir, 'dist', f));
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('_test.js')) out.push(p);
    }
  };
  walk(path.join(coreDir, 'dist'));
  return out.sort();
}

function main() {
  try {
    require.resolve('jasmine-core');
  } catch {
    console.error("jasmine-core (a devDependency) is not installed: run 'npm ci' (or 'npm install') first");
    process.exit(2);
  }
  const all = process.argv.includes('--all');
  const json = process.argv.includes('--json');
  const jasmine = require('jasmine-core').boot(require('jasmine-core'));
  const env = jasmine.getEnv();
  env.configure({ random: false });
  jasmine.DEFAULT_TIMEOUT_INTERVAL = 20000;

  require(path.join(coreDir, 'dist', 'index.js'));
  require(path.join(coreDir, 'dist', 'public', 'chained_ops', 'register_all_chained_ops.js'));
  require(path.join(coreDir, 'dist', 'register_all_gradients.js'));
  require(path.join(root, 'dist', 'tfjs'));
  const { setTestEnvs } = require(path.join(coreDir, 'dist', 'jasmine_util.js'));
  setTestEnvs([{ name: 'simdtrain', backendName: 'simdtrain', flags: {}, isDataSync: true }]);
  const tf = require(path.join(coreDir, 'dist', 'index.js'));

  const exceptions = JSON.parse(fs.readFileSync(path.join(__dirname, 'exceptions.json'), 'utf8')).exceptions;
  const files = specFiles(all);
  const loadErrors = [];
  for (const f of files) {
    try {
      require(f);
    } catch (e) {
      loadErrors.push(`${path.relative(coreDir, f)}: ${e.message.split('\n')[0]}`);
    }
  }
  const result = { files: files.length, passed: 0, failed: 0, excepted: 0, pending: 0, onSimdtrain: 0, failures: [], exceptedFailures: [], loadErrors };
  env.addReporter({
    specDone(spec) {
      if (tf.getBackend() === 'simdtrain') result.onSimdtrain++;
      if (spec.status === 'passed') result.passed++;
      else if (spec.status === 'failed') {
        const message = (spec.failedExpectations[0]?.message || '').split('\n')[0].slice(0, 200);
        const known = exceptions.find((x) => spec.fullName.includes(x.spec));
        if (known) {
          result.excepted++;
          result.exceptedFailures.push(spec.fullName);
        } else {
          result.failed++;
          result.failures.push(`${spec.fullName}: ${message}`);
        }
      } else result.pending++;
    },
    jasmineDone() {
      if (!json) {
        for (const f of result.failures) console.log(`FAIL ${f}`);
        for (const f of result.loadErrors) console.log(`LOAD ERROR ${f}`);
      }
      // The specs must have run on simdtrain's backend with its native kernels and optimizers.
      if (result.onSimdtrain < result.passed / 2 || tf.getKernel('BatchMatMul', 'simdtrain').kernelFunc.name !== 'batchMatMul' ||
          tf.train.adam().constructor.name !== 'NativeAdam') result.loadErrors.push('the specs did not run on the simdtrain backend');
      console.log(`tfjs-core specs on 'simdtrain' (${files.length} files): ${result.passed} passed, ${result.failed} failed, ${result.excepted} failed as documented exceptions, ${result.pending} pending/skipped; ${result.onSimdtrain} specs ended with 'simdtrain' as the backend`);
      if (json) console.log(JSON.stringify(result));
      process.exitCode = result.failed || loadErrors.length ? 1 : 0;
    },
  });
  env.execute();
}

main();
