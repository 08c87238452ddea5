// Company: sign up → confirm the email from the development mailbox → sign out → sign in →
// the account shows "confirmed". Later (issue 9): browse, filter, shortlist, compare,
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

// ==== LATER (issue 9), as the features land — add steps here, signed in as `company`: ======
//   browse /developers (cards: [data-developer] with [data-level]) → filter to L2 and a skill
//   → shortlist two → compare → request an interview → (the developer accepts, in a second
//   journey context or via the developer journey) → start a trial → sandbox checkout →
//   the engagement is trialing. Put reusable actions in lib/flows.mjs (a `catalog` section)
//   and set CATALOG_LANDED there.
// ===========================================================================================

j.finish();
