// With JavaScript disabled the site still works: landing, pricing, sign up, sign in, and
// the catalog: browse, filter (a plain GET form), open a profile; a developer's profile form
// (rows added by a full round trip). Later (issue 9): shortlist.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { PASSWORD, uniqueEmail } from '../lib/env.mjs';
import { expectPath } from '../lib/expect.mjs';
import {
  signUpCompany,
  signOut,
  signIn,
  openAccount,
  applyAsDeveloper,
  fillProfile,
  sampleProfile,
  catalogCards,
  levelFilter,
  skillFilter,
} from '../lib/flows.mjs';

const j = journey('no javascript', { javaScriptEnabled: false });
const company = {
  company: 'Plain HTML GmbH',
  name: 'Jonas Weber',
  email: uniqueEmail('nojs'),
  password: PASSWORD,
  timeZone: 'America/New_York',
};
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

j.step('a company signs up', async () => {
  await signUpCompany(j, company);
  await openAccount(j, 'account page (no JS)');
});

j.step('signs out and in again', async () => {
  await signOut(j);
  await signIn(j, { ...company, company: true });
});

j.step('browses the catalog, filters to L2 and PostgreSQL with the submit button, opens a profile', async () => {
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
  const first = cards[0];
  const card = page.locator(`[data-developer="${first.slug}"][data-level="L2"]`);
  page = await j.click(card.getByRole('link', { name: first.name, exact: true }), 'developer profile (no JS)', { key: true });
  expectPath(page, `/developers/${first.slug}`);
  await page.locator(`[data-developer="${first.slug}"][data-level="L2"]`).waitFor();
});

j.step('a developer applies and fills the profile: "Add a skill" reloads the whole form', async () => {
  await signOut(j);
  await applyAsDeveloper(j, developer);
  await fillProfile(j, sampleProfile());
  const skills = await j.page.locator('#skills select').evaluateAll((els) => els.map((el) => el.selectedOptions[0]?.textContent.trim()));
  assert.deepEqual([...skills].sort(), ['Docker', 'PostgreSQL', 'Rust']);
});

// ==== LATER (issue 9): shortlist (a POST form) without JavaScript. ==========================

j.finish();
