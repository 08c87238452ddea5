// Developer: apply → confirm the email from the development mailbox → account page.
// Later (issue 9): fill the profile with an avatar → submit → follow the status.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { PASSWORD, uniqueEmail } from '../lib/env.mjs';
import { expectPath, expectText } from '../lib/expect.mjs';
import { applyAsDeveloper, openAccount, expectAccountConfirmed, followEmailLink, VERIFY } from '../lib/flows.mjs';

const j = journey('developer');
const developer = {
  name: 'Marta Nowak',
  email: uniqueEmail('developer'),
  password: PASSWORD,
  country: 'PL',
  timeZone: 'Europe/Warsaw',
};

j.step('a developer applies', async () => {
  // Lands on the developer's home (/account, or /me/profile once profiles exist).
  await applyAsDeveloper(j, developer);
  const page = await openAccount(j, 'account page, unconfirmed', { key: false });
  await expectAccountConfirmed(page, false);
});

j.step('the confirmation link from the development mailbox confirms the email', async () => {
  const page = await followEmailLink(j, { to: developer.email, ...VERIFY, label: 'after confirming the email' });
  expectPath(page, '/account');
  await expectText(page.locator('#flashes'), /confirmed/i);
});

j.step('the account page shows a confirmed developer', async () => {
  const page = await openAccount(j, 'account page, confirmed');
  await expectAccountConfirmed(page, true);
  const lead = await page.getByRole('main').locator('.page-header .lead').innerText();
  assert.match(lead, /^Developer\b/);
});

// ==== LATER (issue 9), as the features land — add steps here, signed in as `developer`: ====
//   /me/profile: headline, bio, skills with years, experience, avatar upload (setInputFiles
//   on the labelled file input; keep a small PNG under tests/e2e/fixtures/) → submit for
//   vetting → /me/application shows the status; the admin journey then reviews this
//   applicant (export the email through a file under target/e2e/ or create a fresh one).
// ===========================================================================================

j.finish();
