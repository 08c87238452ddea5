// Company: sign up → confirm the email from the development mailbox → sign out → sign in →
// the account shows "confirmed" → browse the catalog → filter to L2 and a skill (htmx: the
// results and the URL follow) → open a profile. Later (issue 9): shortlist, compare,
// interview, trial, sandbox checkout — see the marked place below.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { PASSWORD, uniqueEmail } from '../lib/env.mjs';
import { expectPath, expectText } from '../lib/expect.mjs';
import {
  signUpCompany,
  signOut,
  signIn,
  openAccount,
  expectAccountConfirmed,
  followEmailLink,
  catalogCards,
  levelFilter,
  skillFilter,
  checkFilter,
  VERIFY,
} from '../lib/flows.mjs';

const j = journey('company');
const company = {
  company: 'Northwind Analytics',
  name: 'Hanna Keller',
  email: uniqueEmail('company'),
  password: PASSWORD,
  timeZone: 'Europe/Berlin',
};
let filtered = [];

j.step('a hiring manager signs up as a company', async () => {
  await signUpCompany(j, company);
});

j.step('the account page says the email is not confirmed yet', async () => {
  const page = await openAccount(j, 'account page, unconfirmed');
  await expectAccountConfirmed(page, false);
});

j.step('the confirmation link from the development mailbox confirms the email', async () => {
  const page = await followEmailLink(j, {
    to: company.email,
    ...VERIFY,
    label: 'after confirming the email',
    key: true, // screenshots of the mailbox and the message
  });
  expectPath(page, '/account');
  await expectText(page.locator('#flashes'), /confirmed/i);
  await expectAccountConfirmed(page, true);
});

j.step('signs out', async () => {
  await signOut(j);
});

j.step('signs in again', async () => {
  await signIn(j, { ...company, company: true });
});

j.step('the account page says confirmed, for the company', async () => {
  const page = await openAccount(j, 'account page, confirmed');
  await expectAccountConfirmed(page, true);
  const lead = await page.getByRole('main').locator('.page-header .lead').innerText();
  assert.match(lead, new RegExp(`Company member at ${company.company}`));
  assert.match(lead, new RegExp(company.email.replace(/[.+]/g, '\\$&')));
});

j.step('browses the catalog of vetted developers', async () => {
  const page = await j.visit('/developers', 'catalog', { key: true });
  await page.getByRole('heading', { level: 1, name: 'Vetted backend developers' }).waitFor();
  const cards = await catalogCards(page);
  assert.ok(cards.length > 0, 'the catalog shows no developers');
  for (const c of cards) assert.match(c.level, /^L[123]$/, `card ${c.slug} has level ${c.level}`);
});

j.step('filters to L2 and PostgreSQL: the results and the URL follow', async () => {
  const page = j.page;
  await checkFilter(page, levelFilter(page, 'L2'), 'level', 'L2');
  const skill = skillFilter(page, 'PostgreSQL');
  const slug = await skill.getAttribute('value');
  await checkFilter(page, skill, 'skill', slug);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/developers');
  assert.deepEqual(url.searchParams.getAll('level'), ['L2']);
  assert.deepEqual(url.searchParams.getAll('skill'), [slug]);
  const cards = await catalogCards(page);
  assert.ok(cards.length > 0, 'no L2 developer with PostgreSQL');
  for (const c of cards) assert.equal(c.level, 'L2', `card ${c.slug} (${c.name}) is ${c.level}`);
  // The pushed URL renders the same filtered page when opened directly (and at 375 px).
  await j.check('catalog, L2 and PostgreSQL', { key: true });
  filtered = cards;
});

j.step('opens a profile from a card', async () => {
  const first = filtered[0];
  const card = j.page.locator(`[data-developer="${first.slug}"][data-level="L2"]`);
  const page = await j.click(card.getByRole('link', { name: first.name, exact: true }), 'developer profile', { key: true });
  expectPath(page, `/developers/${first.slug}`);
  await page.locator(`[data-developer="${first.slug}"][data-level="L2"]`).waitFor();
  await page.getByRole('heading', { level: 1, name: new RegExp(first.name) }).waitFor();
  const skills = await page.getByRole('region', { name: 'Skills' }).innerText();
  assert.match(skills, /PostgreSQL/);
});

// ==== LATER (issue 9), as the features land — add steps here, signed in as `company`: ======
//   shortlist two → compare → request an interview → (the developer accepts, in a second
//   journey context or via the developer journey) → start a trial → sandbox checkout →
//   the engagement is trialing.
// ===========================================================================================

j.finish();
