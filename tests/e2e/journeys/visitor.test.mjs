// A visitor who arrives at the catalog and a profile before having an account: the filter
// panel fits a 1280×800 window (folding groups, a searchable skill list, sort and "Show
// developers" always in view), search reacts to pasted text, URLs carry no empty
// parameters, and a profile offers one way forward — create a company account or sign in —
// that comes back to the same profile once the email is confirmed.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { PASSWORD, uniqueEmail } from '../lib/env.mjs';
import { expectPath, expectText } from '../lib/expect.mjs';
import { catalogCards, expectCheckEmail, followEmailLink, expectSignedIn, settled, signOut, fillSignIn, VERIFY } from '../lib/flows.mjs';

const j = journey('visitor');
const exact = { exact: true };
let slug;

function noEmptyParams(url) {
  const empty = [...new URL(url).searchParams].filter(([, v]) => v === '').map(([k]) => k);
  assert.deepEqual(empty, [], `empty parameters in ${url}`);
}

j.step('the filter panel fits a 1280×800 window, with sort and "Show developers" in view', async () => {
  const page = await j.visit('/developers', 'catalog', { key: true });
  assert.deepEqual(page.viewportSize(), { width: 1280, height: 800 });
  const panel = page.getByRole('search', { name: 'Filter developers' });
  // Scrolled down to the results, the sticky panel shows all of itself.
  await page.evaluate(() => window.scrollTo(0, 500));
  await page.waitForTimeout(100);
  for (const control of [panel.getByRole('button', { name: 'Show developers' }), panel.getByLabel('Sort by', exact)]) {
    const box = await control.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 800, `${await control.innerText().catch(() => 'sort')} is out of view: ${JSON.stringify(box)}`);
  }
  const hidden = await page.locator('.catalog-filters-body').evaluate((el) => el.scrollHeight - el.clientHeight);
  assert.ok(hidden <= 1, `the panel hides ${hidden} px behind its own scroll bar`);
  // Groups fold; skills show the most common ones, then "More skills".
  await panel.locator('summary', { hasText: 'Commitment' }).waitFor();
  assert.equal(await panel.getByRole('radio', { name: /^Part-time/ }).isVisible(), false, 'Commitment starts folded');
  await panel.getByText(/^More skills \(\d+\)$/).waitFor();
});

j.step('the skill list narrows as you type', async () => {
  const page = j.page;
  const panel = page.getByRole('search', { name: 'Filter developers' });
  const find = panel.getByLabel('Find a skill', exact);
  await find.fill('kube');
  await panel.getByRole('checkbox', { name: /^Kubernetes/ }).waitFor();
  assert.equal(await panel.getByRole('checkbox', { name: /^PostgreSQL/ }).isVisible(), false, 'non-matching skills hide');
  await find.fill('');
  await panel.getByRole('checkbox', { name: /^PostgreSQL/ }).waitFor();
  // Typing there filtered nothing in the catalog.
  assert.equal(new URL(page.url()).search, '');
});

j.step('pasted search text updates the results, and the URL drops empty parameters', async () => {
  const page = j.page;
  const panel = page.getByRole('search', { name: 'Filter developers' });
  // fill() is a paste: one input event, no key presses.
  await panel.getByLabel('Search', exact).fill('PostgreSQL');
  await page.waitForURL((u) => u.searchParams.get('q') === 'PostgreSQL');
  await settled(page);
  noEmptyParams(page.url());
  assert.ok((await catalogCards(page)).length > 0, 'results for PostgreSQL');
  await panel.getByRole('checkbox', { name: /^L2\b/ }).check();
  await page.waitForURL((u) => u.searchParams.get('level') === 'L2');
  await settled(page);
  noEmptyParams(page.url());
  const cards = await catalogCards(page);
  assert.ok(cards.length > 0);
  slug = cards[0].slug;
});

j.step('without JavaScript the form\'s empty fields are dropped by a redirect', async () => {
  const page = await j.visit('/developers?q=&level=L2&years=&tz=&overlap=&sort=best', 'catalog, empty parameters');
  expectPath(page, '/developers?level=L2&sort=best');
});

j.step('a visitor on a profile gets one call to action, price and actions first on a phone', async () => {
  const page = await j.visit(`/developers/${slug}`, 'profile, visitor', { key: true });
  const aside = page.getByRole('complementary', { name: 'Price and next steps' });
  assert.equal(await aside.locator('button[disabled]').count(), 0, 'no greyed-out buttons');
  await aside.getByRole('link', { name: 'Create a company account to shortlist, interview and start a free trial' }).waitFor();
  await aside.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  // At 375 px (the key visit's mobile page) the price card comes before the About section.
  const mobile = j.mobilePage;
  const price = await mobile.getByRole('complementary', { name: 'Price and next steps' }).boundingBox();
  const about = await mobile.getByRole('heading', { name: 'About', exact: true }).boundingBox();
  assert.ok(price.y < about.y, `price at ${price.y}, About at ${about.y}`);
  assert.ok(price.y < 812, `the price starts below the first screen (${price.y})`);
});

const company = { company: 'Visitor Co', name: 'Vi Sitor', email: uniqueEmail('visitor-company'), password: PASSWORD };

j.step('creating a company account from the profile returns to it once confirmed', async () => {
  const aside = j.page.getByRole('complementary', { name: 'Price and next steps' });
  await j.click(aside.getByRole('link', { name: /^Create a company account/ }), 'sign-up from a profile');
  expectPath(j.page, `/signup?next=/developers/${slug}`);
  const page = j.page;
  await page.getByLabel('Company name', exact).fill(company.company);
  await page.getByLabel('Your name', exact).fill(company.name);
  await page.getByLabel('Work email', exact).fill(company.email);
  await page.getByLabel('Password', exact).fill(company.password);
  await page.getByLabel('Company time zone', exact).selectOption('Europe/Berlin');
  await j.click(page.getByRole('button', { name: 'Create company account' }), 'after sign-up from a profile');
  await expectCheckEmail(j, company.email);
  await followEmailLink(j, { to: company.email, ...VERIFY, label: 'confirmed, back on the profile' });
  expectPath(j.page, `/developers/${slug}`);
  await expectSignedIn(j.page);
  await expectText(j.page.locator('#flashes'), /confirmed/i);
  await j.page.getByRole('complementary', { name: 'Price and next steps' }).getByRole('link', { name: 'Start free trial' }).waitFor();
});

j.step('"Sign in" on a profile returns to it too', async () => {
  await signOut(j);
  const page = await j.visit(`/developers/${slug}`, 'profile, signed out again');
  await j.click(page.getByRole('complementary', { name: 'Price and next steps' }).getByRole('link', { name: 'Sign in', exact: true }), 'sign-in from a profile');
  await fillSignIn(j, company, 'signed in, back on the profile');
  expectPath(j.page, `/developers/${slug}`);
});

j.finish();
