// deb.test.mjs: the Debian package, built by `make deb` and installed by
// dpkg into a throwaway root (its maintainer scripts run there, with
// $DPKG_ROOT set, not chrooted), then the installed program run against a
// fresh database with the installed configuration file: the first admin
// created by the documented command, the installed web application served,
// the unit checked by systemd-analyze.  Then purged: the configuration goes,
// the data stays.  Real dpkg, real systemd tools, no mocks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const VERSION = readFileSync(join(ROOT, 'debian/changelog'), 'utf8').match(/^sanling \(([^)]+)\)/)[1];
const ARCH = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim();
const DEB = join(ROOT, 'build', `sanling_${VERSION}_${ARCH}.deb`);
const ENV = { ...process.env, SANLING_FAST_KDF: '1' };
let dir, root;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: ENV, ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const dpkg = (...args) => sh('dpkg', [`--root=${root}`, '--force-not-root', '--force-script-chrootless',
  '--force-depends', '--log=/dev/null', ...args]);

before(() => {
  sh('make', ['-s', '-C', ROOT, 'deb']);
  dir = mkdtempSync(join(tmpdir(), 'sanling-deb-'));
  root = join(dir, 'root');
  mkdirSync(join(root, 'var/lib/dpkg/updates'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), '');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the package says what it is and what it needs', () => {
  const field = (f) => sh('dpkg-deb', ['-f', DEB, f]).trim();
  assert.equal(field('Package'), 'sanling');
  assert.equal(field('Version'), VERSION);
  assert.equal(field('Architecture'), ARCH);
  // the libraries the binary and its PDF writer link, found by dpkg-shlibdeps, not written by hand
  for (const lib of ['libmicrohttpd', 'libsqlite3', 'libpq5', 'libsodium', 'libcairo2', 'libpango', 'adduser', 'fonts-noto-cjk'])
    assert.match(field('Depends'), new RegExp(lib));
  assert.equal(sh('dpkg-deb', ['-I', DEB, 'conffiles']).trim(), '/etc/sanling/sanling.conf');
});

test('dpkg installs it into a root; the installed program runs there', async () => {
  dpkg('-i', DEB);
  assert.match(sh('dpkg', [`--root=${root}`, '-s', 'sanling']), /Status: install ok installed/);
  for (const f of ['usr/bin/sanling', 'usr/lib/sanling/sanling-pdf.so', 'usr/share/sanling/web/index.html', 'etc/sanling/sanling.conf',
    'lib/systemd/system/sanling.service', 'usr/share/man/man1/sanling.1.gz', 'usr/share/doc/sanling/copyright',
    'usr/share/doc/sanling/grafana-sanling.json', 'usr/share/sanling/fonts/SanlingSerifSC-Regular.otf',
    'usr/share/sanling/fonts/SanlingSerifSC-Bold.otf', 'usr/share/sanling/fonts/SanlingSansSC-Regular.otf'])
    assert.ok(existsSync(join(root, f)), f);
  assert.equal(statSync(join(root, 'var/lib/sanling')).mode & 0o777, 0o750);
  const bin = join(root, 'usr/bin/sanling');
  assert.equal(sh(bin, ['--version']).trim().split(' ')[1], VERSION);

  // the manual page lists every command of the program's own table
  const man = sh('sh', ['-c', `zcat ${join(root, 'usr/share/man/man1/sanling.1.gz')} | groff -k -man -Tutf8 -ww 2>&1 >/dev/null`]);
  assert.equal(man, '', 'groff warnings');
  const page = sh('sh', ['-c', `zcat ${join(root, 'usr/share/man/man1/sanling.1.gz')}`]);
  const commands = [...sh(bin, ['--help']).matchAll(/^ {2}([a-z]+)(?= )/gm)].map((m) => m[1]);
  assert.ok(commands.length >= 10);
  for (const c of new Set(commands)) assert.match(page, new RegExp(`^  ${c} `, 'm'), c);

  // the installed configuration, its paths moved into the root
  const conf = join(dir, 'sanling.conf');
  writeFileSync(conf, readFileSync(join(root, 'etc/sanling/sanling.conf'), 'utf8')
    .replaceAll('/var/lib/sanling', join(root, 'var/lib/sanling')).replace(/^port = .*$/m, 'port = 0'));
  sh(bin, ['--config', conf, 'init']);
  // the documented first admin
  sh(bin, ['--config', conf, 'user', 'add', 'admin', '--role', 'sysadmin'], { input: 'Init-Pass-9\n' });
  assert.ok(existsSync(join(root, 'var/lib/sanling/sanling.db')));
  assert.equal(statSync(join(root, 'var/lib/sanling/sanling.key')).mode & 0o777, 0o600);
  // a PDF from the installed program: its writer loaded from usr/lib/sanling, its fonts from usr/share/sanling
  sh(bin, ['--config', conf, 'gen', 'demo']);
  const pdf = join(dir, 'monthly.pdf');
  sh(bin, ['--config', conf, 'report', 'monthly', '--month', '2023-05', '--format', 'pdf', '-o', pdf]);
  assert.match(sh('pdftotext', [pdf, '-']), /“三零”创建工作月度报告/);

  // serve: the web application from the installed folder (the command line over the file's web =)
  const proc = spawn(bin, ['--config', conf, 'serve', '--web', join(root, 'usr/share/sanling/web')], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error('no start')), 15000);
      proc.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/[^/\s]+)\//); if (m) { clearTimeout(t); resolve(m[1]); } });
    });
    const index = await fetch(url + '/');
    assert.equal(index.status, 200);
    assert.equal(await index.text(), readFileSync(join(root, 'usr/share/sanling/web/index.html'), 'utf8'));
    const login = await fetch(url + '/api/v1/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': 'x' },
      body: JSON.stringify({ username: 'admin', password: 'Init-Pass-9' }) });
    assert.equal(login.status, 200);
    assert.equal((await login.json()).must_change, true);
    assert.equal((await (await fetch(url + '/api/v1/health/ready')).json()).status, 'ready');
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
});

test('the systemd unit: valid, sandboxed, Type=notify', () => {
  const unit = join(root, 'lib/systemd/system/sanling.service');
  const text = readFileSync(unit, 'utf8');
  assert.match(text, /^Type=notify$/m);
  assert.match(text, /^ExecStart=\/usr\/bin\/sanling --config \/etc\/sanling\/sanling\.conf serve$/m);
  const score = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', unit], { encoding: 'utf8' });
  assert.equal(score.status, 0, score.stderr);
  const level = Number(score.stdout.match(/Overall exposure level for sanling\.service: ([\d.]+) (\S+)/)[1]);
  assert.ok(level <= 2.0, `exposure ${level}: "OK" or better is at most 2.0`);
});

test('purge: the configuration goes, the district\'s data stays', () => {
  dpkg('--purge', 'sanling');
  assert.ok(!existsSync(join(root, 'usr/bin/sanling')));
  assert.ok(!existsSync(join(root, 'etc/sanling/sanling.conf')));
  assert.ok(existsSync(join(root, 'var/lib/sanling/sanling.db')));
});
