// With JavaScript disabled the site still works: landing, pricing, sign up, sign in, and
// the catalog: browse, filter (a plain GET form), shortlist (a POST form answered with 303
// back to the results) and find the developer on /shortlists, open a profile; a developer's
// profile form (rows added by a full round trip).
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { PASSWORD, uniqueEmail } from '../lib/env.mjs';
import { expectPath, expectText } from '../lib/expect.mjs';
import {
  signUpCompany,
  confirmEmail,
  signOut,
  signIn,
  openAccount,
  applyAsDeveloper,
  fillProfile,
  sampleProfile,
  catalogCards,
  levelFilter,
  skillFilter,
  shortlistButton,
  followEmailLink,
  VERIFY,
} from '../lib/flows.mjs';

const j = journey('no javascript', { javaScriptEnabled: false });
const company = {
  company: 'Plain HTML GmbH',
  name: 'Jonas Weber',
  email: uniqueEmail('nojs'),
  password: PASSWORD,
  timeZone: 'America/New_York',
};
let filtered = { url: '', cards: [] };
const developer = {
  name: 'Tomasz Lis',
  email: uniqueEmail('nojs-developer'),
  password: PASSWORD,
  country: 'PL',
  timeZone: 'Europe/Warsaw',
};

j.step('landing and pricing', async () => {
  const page = await j.visit('/', 'landing (no JS)', { key: true });
  await j.click(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pricing' }),
    'pricing (no JS)',
    { key: true },
  );
});

j.step('on a phone the navigation folds into a "Menu" disclosure that opens without JavaScript', async () => {
  const phone = j.mobilePage; // the 375 px page the last key page was shot in: pricing
  const nav = phone.getByRole('navigation', { name: 'Main' });
  const signIn = nav.getByRole('link', { name: 'Sign in', exact: true });
  assert.equal(await signIn.isVisible(), false, 'the 375 px header shows the whole navigation');
  await nav.locator('summary', { hasText: 'Menu' }).click();
  await signIn.waitFor();
  await nav.locator('summary', { hasText: 'Menu' }).click();
  await signIn.waitFor({ state: 'hidden' });
  // At 1280 px there is no disclosure to open: the links are there.
  assert.equal(await j.page.getByRole('navigation', { name: 'Main' }).locator('summary').isVisible(), false);
  await j.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in', exact: true }).waitFor();
});

j.step('a company signs up and confirms the email (shortlists need a confirmed address)', async () => {
  await signUpCompany(j, company);
  await confirmEmail(j, { ...company, company: true }, { label: 'after confirming the email (no JS)' });
  await openAccount(j, 'account page (no JS)');
});

j.step('signs out and in again', async () => {
  await signOut(j);
  await signIn(j, { ...company, company: true });
});

j.step('browses the catalog and filters to L2 and PostgreSQL with the submit button', async () => {
  let page = await j.visit('/developers', 'catalog (no JS)', { key: true });
  await levelFilter(page, 'L2').check();
  const skill = skillFilter(page, 'PostgreSQL');
  const slug = await skill.getAttribute('value');
  await skill.check();
  const filters = page.getByRole('search', { name: 'Filter developers' });
  page = await j.click(filters.getByRole('button', { name: 'Show developers' }), 'catalog, L2 and PostgreSQL (no JS)', {
    key: true,
  });
  const url = new URL(page.url());
  assert.equal(url.pathname, '/developers');
  assert.deepEqual(url.searchParams.getAll('level'), ['L2']);
  assert.deepEqual(url.searchParams.getAll('skill'), [slug]);
  assert.ok(await levelFilter(page, 'L2').isChecked(), 'the L2 filter is not kept checked');
  assert.ok(await skillFilter(page, 'PostgreSQL').isChecked(), 'the skill filter is not kept checked');
  const cards = await catalogCards(page);
  assert.ok(cards.length > 0, 'no L2 developer with PostgreSQL');
  for (const c of cards) assert.equal(c.level, 'L2', `card ${c.slug} (${c.name}) is ${c.level}`);
  filtered = { url: page.url(), cards };
});

j.step('shortlists a developer: the form posts, and the 303 comes back to the same results', async () => {
  const [first] = filtered.cards;
  const button = shortlistButton(j.page, first.slug);
  assert.equal(await button.getAttribute('aria-pressed'), 'false');
  const page = await j.click(button, 'catalog after shortlisting (no JS)', { key: true });
  assert.equal(page.url(), filtered.url, 'the 303 did not return to the filtered results');
  await expectText(page.locator('#flashes'), /added to the shortlist/i);
  await shortlistButton(page, first.slug).and(page.getByRole('button', { pressed: true })).waitFor();
});

j.step('the developer is on the shortlist at /shortlists', async () => {
  const [first] = filtered.cards;
  let page = await j.click(
    j.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shortlists' }),
    'shortlists (no JS)',
    { key: true },
  );
  const list = page.getByRole('main').getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Shortlist', exact: true }) });
  await expectText(list, /^Shortlist 1 candidate\b/);
  page = await j.click(list.getByRole('link', { name: 'Shortlist', exact: true }), 'shortlist (no JS)', { key: true });
  const entry = page.locator(`.shortlist-entry[data-developer="${first.slug}"]`);
  await expectText(entry.getByRole('heading', { level: 2 }), new RegExp(`^${first.name.replace('.', '\\.')}$`));
});

j.step('opens the profile from the catalog card: shortlisted there too', async () => {
  const [first] = filtered.cards;
  let page = await j.visit(filtered.url, 'catalog, L2 and PostgreSQL, again (no JS)');
  const card = page.locator(`[data-developer="${first.slug}"][data-level="L2"]`);
  page = await j.click(card.getByRole('link', { name: first.name, exact: true }), 'developer profile (no JS)', { key: true });
  expectPath(page, `/developers/${first.slug}`);
  await page.locator(`[data-developer="${first.slug}"][data-level="L2"]`).waitFor();
  await page.getByRole('button', { name: '✓ Shortlist', pressed: true }).waitFor();
});

j.step('a developer applies and fills the profile: "Add a skill" reloads the whole form', async () => {
  await signOut(j);
  await applyAsDeveloper(j, developer);
  await confirmEmail(j, developer, { label: 'after confirming the email (no JS)' });
  await fillProfile(j, sampleProfile());
  const skills = await j.page.locator('#skills select').evaluateAll((els) => els.map((el) => el.selectedOptions[0]?.textContent.trim()));
  assert.deepEqual([...skills].sort(), ['Docker', 'PostgreSQL', 'Rust']);
});

j.finish();
