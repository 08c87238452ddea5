// Admin: sign in with the admin that run.sh created. Later (issue 9): review an applicant
// through the vetting stages → approve as L2 → the profile appears in the catalog.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../lib/env.mjs';
import { signIn, openAccount, expectAccountConfirmed } from '../lib/flows.mjs';

const j = journey('admin');

j.step('the admin signs in', async () => {
  assert.ok(ADMIN_PASSWORD, 'LADDER_E2E_ADMIN_PASSWORD is not set (tests/e2e/run.sh sets it)');
  await signIn(j, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
});

j.step('the account page shows an administrator, and the header links to the admin panel', async () => {
  const page = await openAccount(j, 'admin account page');
  const lead = await page.getByRole('main').locator('.page-header .lead').innerText();
  assert.match(lead, /^Administrator\b/);
  await expectAccountConfirmed(page, true);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).waitFor();
});

// ==== LATER (issue 9), as the admin panel lands: open /admin from the header link → the
// vetting queue → the applicant from the developer journey → screening, technical
// assessment, live interview (reviewer, score, notes, outcome) → approve as L2 → the profile
// is in /developers with [data-developer=slug][data-level=L2]. ============================

j.finish();
