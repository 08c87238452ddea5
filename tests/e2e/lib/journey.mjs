// A journey: one browser, one signed-in desktop context (1280 px) and, for key pages, a
// mobile context (375 px) with the same cookies. Every page a journey visits goes through
// the gates:
//   - axe-core: no `serious` or `critical` violations (injected with page.evaluate, because
//     the site's CSP rightly blocks inline and injected <script> tags);
//   - the Nu HTML checker: no errors in the page's ORIGINAL HTML (the navigation response
//     body, saved to target/e2e/html/ and validated in one JVM run per journey);
//   - no console errors and no uncaught page errors (CSP violations are console errors);
//   - no request leaves 127.0.0.1 (every request is routed; others are aborted and recorded);
//   - at 375 px nothing scrolls sideways (key pages; screenshots at 1280 and 375 px).
//
// Gate failures are collected, not thrown, so one run lists every broken page; the
// `gate: …` tests that `finish()` registers at the end of each journey file fail with the
// full list. Functional failures (a label missing, a wrong status) fail their step at once,
// and the journey's later steps are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { launchBrowser, DESKTOP, MOBILE } from './browser.mjs';
import { BASE_URL, ALLOWED_HOST, OUT_DIR, VNU_JAR } from './env.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const FAILING_IMPACTS = new Set(['serious', 'critical']);
const STEP_TIMEOUT_MS = 180_000;
// caret: 'initial' because Playwright's default caret hiding leaves style="" on every input
// and textarea; htmx's settle then copies that attribute onto the swapped-in elements, which
// the CSP (style-src 'self') blocks as an inline style: a console error the app never makes.
const SCREENSHOT = { fullPage: true, caret: 'initial' };

/**
 * Declares a journey for this test file: `const j = journey('company')`, then `j.step(…)`
 * for each step and `j.finish()` last.
 */
export function journey(name, options = {}) {
  const j = new Journey(name, options);
  before(() => j.open());
  after(() => j.close());
  return j;
}

function slug(s) {
  return String(s).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

class Journey {
  constructor(name, { javaScriptEnabled = true } = {}) {
    this.name = name;
    this.javaScriptEnabled = javaScriptEnabled;
    this.failures = []; // { gate, label, url, detail }
    this.notes = []; // axe moderate/minor findings: reported, not failing
    this.docs = new Map(); // method+url+status -> { url, status, body: Promise<Buffer|null> }
    this.pages = []; // { label, url, viewport, screenshot }
    this.seq = 0;
    this.broken = null;
    this.actor = 'main';
    this.actors = new Map(); // name -> { context, page }: the desktop contexts of other people
    this.outDir = path.join(OUT_DIR, slug(name));
  }

  async open() {
    fs.rmSync(this.outDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(this.outDir, 'html'), { recursive: true });
    this.browser = await launchBrowser();
    this.context = await this.newContext(DESKTOP, 'desktop');
    this.page = await this.context.newPage();
    this.actors.set('main', { context: this.context, page: this.page });
  }

  /**
   * Continues as someone else: `await j.as('developer')` switches j.page (and j.context) to
   * that person's own 1280 px browser context, made signed out on first use, with its own
   * cookies; `await j.as('main')` comes back to the journey's first one. Gates and
   * screenshots then run for whoever is current.
   */
  async as(actor) {
    if (actor === this.actor) return this.page;
    let current = this.actors.get(actor);
    if (!current) {
      const context = await this.newContext(DESKTOP, `desktop (${actor})`);
      current = { context, page: await context.newPage() };
      this.actors.set(actor, current);
    }
    this.actor = actor;
    this.context = current.context;
    this.page = current.page;
    return this.page;
  }

  async close() {
    await this.browser?.close();
  }

  async newContext(viewportOptions, tag) {
    const context = await this.browser.newContext({
      ...viewportOptions,
      baseURL: BASE_URL,
      javaScriptEnabled: this.javaScriptEnabled,
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
      serviceWorkers: 'block',
    });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(20_000);
    await context.route('**/*', (route) => {
      const request = route.request();
      let host = '';
      try {
        host = new URL(request.url()).hostname;
      } catch {
        /* not a URL we can parse: block it */
      }
      if (host === ALLOWED_HOST) return route.continue();
      let from = '';
      try {
        from = request.frame().url();
      } catch {
        /* no frame */
      }
      this.fail('network', tag, from, `request to another host blocked: ${request.method()} ${request.url()}`);
      return route.abort('blockedbyclient');
    });
    context.on('page', (page) => this.watch(page, tag));
    return context;
  }

  watch(page, tag) {
    page.__gate = { tag, console: [], errors: [], lastDoc: null };
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const loc = msg.location();
      page.__gate.console.push({ text: msg.text(), url: loc?.url || page.url() });
    });
    page.on('pageerror', (err) => page.__gate.errors.push(String(err?.stack || err)));
    page.on('response', (response) => {
      const request = response.request();
      if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
      const status = response.status();
      if (status >= 300 && status < 400) return;
      const doc = {
        method: request.method(),
        url: response.url(),
        status,
        contentType: response.headers()['content-type'] || '',
        body: response.body().catch(() => null),
      };
      page.__gate.lastDoc = doc;
      // The mobile re-visits fetch the same pages again; validate the desktop copy only.
      if (!tag.startsWith('mobile')) this.docs.set(`${doc.method} ${doc.url} ${status}`, doc);
    });
  }

  fail(gate, label, url, detail) {
    this.failures.push({ gate, label, url, detail });
  }

  // ---- navigation: every one ends in check() -------------------------------------------

  /** Opens `pathOrUrl` and runs the gates on it. */
  async visit(pathOrUrl, label, opts = {}) {
    await this.page.goto(pathOrUrl);
    return this.check(label, opts);
  }

  /** Clicks something that navigates (a submit button, a link) and gates the new page. */
  async click(locator, label, opts = {}) {
    const page = this.page;
    const navigated = page.waitForEvent('framenavigated', {
      predicate: (frame) => frame === page.mainFrame(),
    });
    // If the click fails, its error is the one to report, not the navigation's timeout.
    navigated.catch(() => {});
    await locator.click();
    await navigated;
    return this.check(label, opts);
  }

  /**
   * The gates for the page the desktop context shows now. `key: true` also takes full-page
   * screenshots at 1280 and 375 px (the 375 px one re-opens the URL with GET in a mobile
   * context, so key pages must be reachable by GET). `status` is the expected HTTP status,
   * or a list of acceptable ones.
   */
  async check(label, { key = false, status = 200 } = {}) {
    const page = this.page;
    await page.waitForLoadState('load');
    const n = String(++this.seq).padStart(2, '0');
    const name = `${n}-${slug(label)}`;
    const url = page.url();
    const doc = page.__gate.lastDoc;
    assert.ok(doc, `${label}: no document response for ${url}`);
    const allowed = [].concat(status);
    assert.ok(
      allowed.includes(doc.status),
      `${label}: ${doc.method} ${doc.url} answered ${doc.status}, expected ${allowed.join(' or ')}`,
    );
    await this.drainErrors(page, label, doc.status);
    await this.axe(page, label, 'desktop');
    const record = { label, url, viewport: 1280 };
    this.pages.push(record);
    if (key) {
      record.screenshot = path.join(this.outDir, `${name}-1280.png`);
      await page.screenshot({ path: record.screenshot, ...SCREENSHOT });
      await this.mobile(url, label, name, doc.status);
    }
    return page;
  }

  async mobile(url, label, name, status) {
    if (!this.mobileContext) {
      this.mobileContext = await this.newContext(MOBILE, 'mobile 375px');
      this.mobilePage = await this.mobileContext.newPage();
    }
    await this.mobileContext.clearCookies();
    await this.mobileContext.addCookies(await this.context.cookies());
    const page = this.mobilePage;
    const response = await page.goto(url);
    assert.equal(response?.status(), status, `${label} at 375 px: ${url} answered ${response?.status()}`);
    await page.waitForLoadState('load');
    await this.drainErrors(page, `${label} (375 px)`, status);
    await this.axe(page, `${label} (375 px)`, 'mobile');
    const shot = path.join(this.outDir, `${name}-375.png`);
    await page.screenshot({ path: shot, ...SCREENSHOT });
    this.pages.push({ label, url, viewport: 375, screenshot: shot });
    // Against the 375 px the context was made with, not window.innerWidth: a mobile
    // viewport zooms out to fit content that is too wide, and innerWidth grows with it.
    const overflow = await page.evaluate((width) => {
      const root = document.documentElement;
      if (root.scrollWidth <= width) return null;
      // Name the widest offenders so the report says what to fix.
      const wide = [];
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 0.5 && r.width > 0) {
          const id = el.id ? `#${el.id}` : '';
          const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
          wide.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(r.right)} px)`);
        }
      }
      return { scrollWidth: root.scrollWidth, innerWidth: width, wide: wide.slice(0, 8) };
    }, MOBILE.viewport.width);
    if (overflow) {
      this.fail(
        'layout-375',
        label,
        url,
        `scrollWidth ${overflow.scrollWidth} > innerWidth ${overflow.innerWidth}; too wide: ${overflow.wide.join(', ')}`,
      );
    }
  }

  async drainErrors(page, label, status) {
    // Let late console messages (a failed subresource, a CSP report) arrive.
    await page.waitForTimeout(50);
    const g = page.__gate;
    const consoleErrors = g.console.splice(0);
    const pageErrors = g.errors.splice(0);
    for (const e of consoleErrors) {
      // Chromium logs a console error for the document itself when its status is >= 400;
      // expected for the 404 page, for instance.
      const expected = status >= 400 && e.text.includes(`status of ${status}`) && e.url === page.url();
      if (!expected) this.fail('console', label, page.url(), `console error: ${e.text} (at ${e.url})`);
    }
    for (const e of pageErrors) this.fail('console', label, page.url(), `uncaught page error: ${e}`);
  }

  async axe(page, label, viewport) {
    let violations;
    try {
      const loaded = await page.evaluate(() => typeof window.axe === 'object');
      if (!loaded) await page.evaluate(AXE_SOURCE);
      const run = page.evaluate(async (noTimers) => {
        // In a context with JavaScript disabled, evaluate still runs and promises settle,
        // but timers never fire, and axe yields with setTimeout: run those as microtasks.
        const saved = [window.setTimeout, window.requestAnimationFrame];
        if (noTimers) {
          window.setTimeout = (fn, _ms, ...args) => {
            Promise.resolve().then(() => fn(...args));
            return 0;
          };
          window.requestAnimationFrame = (fn) => {
            Promise.resolve().then(() => fn(performance.now()));
            return 0;
          };
        }
        let r;
        try {
          r = await window.axe.run(document, { resultTypes: ['violations'] });
        } finally {
          [window.setTimeout, window.requestAnimationFrame] = saved;
        }
        return r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({
            target: n.target.join(' '),
            html: n.html.slice(0, 240),
            summary: (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 400),
          })),
        }));
      }, !this.javaScriptEnabled);
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('axe.run did not finish in 30 s')), 30_000);
      });
      try {
        violations = await Promise.race([run, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      this.fail('axe', label, page.url(), `could not run axe-core: ${err.message}`);
      return;
    }
    for (const v of violations) {
      const detail = `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes
        .map((n) => `      ${n.target}  ${n.html}\n        ${n.summary}`)
        .join('\n')}`;
      if (FAILING_IMPACTS.has(v.impact)) this.fail('axe', label, page.url(), detail);
      else this.notes.push({ gate: 'axe', label, url: page.url(), viewport, detail });
    }
  }

  // ---- steps and the closing gates ----------------------------------------------------

  /** A step of the journey; skipped when an earlier step failed. */
  step(title, fn) {
    test(`${this.name}: ${title}`, { timeout: STEP_TIMEOUT_MS }, async (t) => {
      if (this.broken) {
        t.skip(`an earlier step failed: ${this.broken}`);
        return;
      }
      try {
        await fn(this.page, t);
      } catch (err) {
        this.broken = title;
        await this.evidence(title);
        throw err;
      }
    });
  }

  async evidence(title) {
    try {
      const base = path.join(this.outDir, `FAILED-${slug(title)}`);
      await this.page.screenshot({ path: `${base}.png`, fullPage: true });
      fs.writeFileSync(`${base}.html`, await this.page.content());
      process.stderr.write(`# failure evidence: ${base}.png (${this.page.url()})\n`);
    } catch {
      /* the browser may be gone */
    }
  }

  /** Registers the gate tests; call once, after the last step. */
  finish() {
    const gate = (title, gateName) =>
      test(`${this.name}: ${title}`, { timeout: STEP_TIMEOUT_MS }, async () => {
        if (gateName === 'console') {
          const pages = [...this.actors.values()].map((a) => a.page);
          for (const p of [...pages, this.mobilePage].filter(Boolean)) {
            await this.drainErrors(p, '(after the last check)', 200);
          }
        }
        const found = this.failures.filter((f) => f.gate === gateName);
        assert.ok(found.length === 0, `${found.length} failure(s):\n${format(found)}`);
      });

    gate('gate: axe-core finds no serious or critical violations', 'axe');
    gate('gate: no console errors and no page errors', 'console');
    gate('gate: no request leaves 127.0.0.1', 'network');
    gate('gate: nothing scrolls sideways at 375 px', 'layout-375');
    test(`${this.name}: gate: the Nu HTML checker finds no errors`, { timeout: STEP_TIMEOUT_MS }, async () => {
      const found = await this.validateHtml();
      assert.ok(found.length === 0, `${found.length} HTML error(s):\n${format(found)}`);
    });
    after(() => this.writeReport());
  }

  async validateHtml() {
    const files = new Map(); // file -> doc
    let i = 0;
    for (const doc of this.docs.values()) {
      if (!doc.contentType.includes('text/html')) continue;
      const body = await doc.body;
      if (!body) {
        this.fail('html', '(capture)', doc.url, 'response body unavailable');
        continue;
      }
      const u = new URL(doc.url);
      const file = path.join(
        this.outDir,
        'html',
        `${String(++i).padStart(2, '0')}-${doc.method.toLowerCase()}-${slug(u.pathname) || 'root'}.html`,
      );
      fs.writeFileSync(file, body);
      files.set(path.resolve(file), doc);
    }
    if (files.size > 0) {
      // C1-only JIT and the serial collector roughly halve the JVM's start-up for one batch.
      const java = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', VNU_JAR];
      const run = spawnSync('java', [...java, '--format', 'json', '--errors-only', ...files.keys()], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (run.error) throw run.error;
      let report;
      try {
        report = JSON.parse(run.stderr || run.stdout);
      } catch {
        throw new Error(`vnu.jar said something unexpected (exit ${run.status}):\n${run.stderr}\n${run.stdout}`);
      }
      for (const m of report.messages || []) {
        if (m.type !== 'error' && m.type !== 'non-document-error') continue;
        const file = m.url ? decodeURIComponent(new URL(m.url).pathname) : '';
        const doc = files.get(file);
        const where = m.lastLine ? ` line ${m.lastLine}:${m.firstColumn ?? m.lastColumn}` : '';
        const extract = m.extract ? `\n        ${JSON.stringify(m.extract)}` : '';
        this.fail('html', doc ? `${doc.method} ${doc.status}` : '', doc ? doc.url : file, `${m.message} (${path.basename(file)}${where})${extract}`);
      }
    }
    return this.failures.filter((f) => f.gate === 'html');
  }

  writeReport() {
    const report = {
      journey: this.name,
      pages: this.pages,
      documents: [...this.docs.values()].map(({ method, url, status }) => ({ method, url, status })),
      failures: this.failures,
      notes: this.notes,
    };
    fs.writeFileSync(path.join(this.outDir, 'report.json'), JSON.stringify(report, null, 2));
  }
}

function format(failures) {
  return failures.map((f) => `  - [${f.label}] ${f.url}\n      ${f.detail}`).join('\n');
}
