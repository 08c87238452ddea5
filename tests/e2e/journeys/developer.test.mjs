// Developer: apply ("Check your email", signed out) → sign in with the password, unconfirmed
// → the link from the development mailbox confirms the email (on to the profile) → account page →
// fill the profile (three skills, a role) → upload a photo → submit for vetting → the
// status follows on the profile and application pages.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { PASSWORD, uniqueEmail, AVATAR } from '../lib/env.mjs';
import { expectPath, expectText } from '../lib/expect.mjs';
import {
  applyAsDeveloper,
  confirmEmail,
  signIn,
  openAccount,
  expectAccountConfirmed,
  followEmailLink,
  fillProfile,
  uploadAvatar,
  submitApplication,
  sampleProfile,
  VERIFY,
} from '../lib/flows.mjs';

const j = journey('developer');
const developer = {
  name: 'Marta Nowak',
  email: uniqueEmail('developer'),
  password: PASSWORD,
  country: 'PL',
  timeZone: 'Europe/Warsaw',
};
const profile = sampleProfile();

j.step('a developer applies: "Check your email", not signed in', async () => {
  await applyAsDeveloper(j, developer);
});

j.step('signing in with the password before confirming works; the account says not confirmed', async () => {
  await signIn(j, developer);
  const page = await openAccount(j, 'account page, unconfirmed', { key: false });
  await expectAccountConfirmed(page, false);
});

j.step('the confirmation link from the development mailbox confirms the email: on to the profile', async () => {
  await confirmEmail(j, developer);
});

j.step('the account page shows a confirmed developer', async () => {
  const page = await openAccount(j, 'account page, confirmed');
  await expectAccountConfirmed(page, true);
  const lead = await page.getByRole('main').locator('.page-header .lead').innerText();
  assert.match(lead, /^Developer\b/);
});

j.step('fills the profile: headline, bio, experience, availability, three skills and a role', async () => {
  const page = await j.visit('/me/profile', 'profile form, empty', { key: true });
  await expectText(page.getByRole('main').locator('.page-header .lead'), /^Draft\b/);
  await fillProfile(j, profile);
});

j.step('the saved profile shows what was entered', async () => {
  const page = await j.visit('/me/profile', 'profile form, filled', { key: true });
  assert.equal(await page.getByLabel('Headline', { exact: true }).inputValue(), profile.headline);
  assert.equal(await page.getByLabel('Available from', { exact: true }).inputValue(), profile.availableFrom);
  // The saved skills come back ordered by years, most first.
  const saved = [];
  for (let i = 0; i < profile.skills.length; i += 1) {
    const select = page.getByLabel(`Skill ${i + 1}`, { exact: true });
    const row = page.locator('#skills .row-group').nth(i);
    const chosen = await select.evaluate((el) => el.selectedOptions[0]?.textContent.trim());
    saved.push([chosen, await row.getByLabel('Years', { exact: true }).inputValue()]);
  }
  assert.deepEqual(saved.sort(), [...profile.skills].sort());
  const role = page.getByRole('group', { name: 'Role 1', exact: true });
  assert.equal(await role.getByLabel('From (YYYY-MM)', { exact: true }).inputValue(), profile.experience.from);
});

j.step('uploads a photo', async () => {
  await uploadAvatar(j, AVATAR);
});

j.step('the application checklist is complete and the application is submitted', async () => {
  await submitApplication(j, { key: true });
});

j.step('the profile page follows the status', async () => {
  const page = await j.visit('/me/profile', 'profile after submitting');
  await expectText(page.getByRole('main').locator('.page-header .lead'), /^Submitted\b/);
  const app = await j.visit('/me/application', 'application status after submitting');
  await app.getByRole('heading', { level: 2, name: 'Progress' }).waitFor();
  assert.equal(await app.getByRole('button', { name: 'Submit for vetting' }).count(), 0, 'still offers to submit');
});

// The admin journey reviews and approves an applicant it creates through these same pages
// (lib/flows.mjs createApplicant), so the journeys stay independent.

j.finish();
