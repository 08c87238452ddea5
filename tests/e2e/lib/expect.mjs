// Small waiting assertions (playwright-core has no `expect`).
import assert from 'node:assert/strict';

/** Waits until the locator's first match has text matching `pattern`. */
export async function expectText(locator, pattern, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if ((await locator.count()) > 0) {
      last = (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
      if (pattern.test(last)) return last;
    }
    if (Date.now() > deadline) assert.fail(`expected text matching ${pattern}, got ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Asserts the page's path (and optionally query) now equals `expected`. */
export function expectPath(page, expected) {
  const u = new URL(page.url());
  const actual = expected.includes('?') ? u.pathname + u.search : u.pathname;
  assert.equal(actual, expected, `expected to be on ${expected}, on ${page.url()}`);
}
