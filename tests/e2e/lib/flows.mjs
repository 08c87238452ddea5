// What users do, as a user would find it: by role, label and DESIGN §7's data- attributes.
// Each helper takes the journey `j` and leaves j.page on the resulting (gated) page.
// The public forms get their screenshots in journeys/public.test.mjs, so the helpers here
// screenshot only what differs per journey (account pages; the mailbox when asked).
import assert from 'node:assert/strict';
import { expectText } from './expect.mjs';

const exact = { exact: true };

// Where a company lands after signing up or in: the catalog, /developers. While the catalog
// did not exist that was the 404 page (rendered signed out), so CATALOG_LANDED = false
// accepted a 404 there and proved the session on /account instead. The catalog exists now.
export const CATALOG_LANDED = true;
const COMPANY_HOME_STATUS = CATALOG_LANDED ? 200 : [200, 404];

// ---- accounts ---------------------------------------------------------------------------

/** Company sign-up at /signup; then signed in (see CATALOG_LANDED for where it lands). */
export async function signUpCompany(j, { company, name, email, password, timeZone = 'Europe/Berlin' }) {
  const page = await j.visit('/signup', 'company sign-up form');
  await page.getByLabel('Company name', exact).fill(company);
  await page.getByLabel('Your name', exact).fill(name);
  await page.getByLabel('Work email', exact).fill(email);
  await page.getByLabel('Password', exact).fill(password);
  await page.getByLabel('Company time zone', exact).selectOption(timeZone);
  await j.click(page.getByRole('button', { name: 'Create company account' }), 'after company sign-up', {
    status: COMPANY_HOME_STATUS,
  });
  return expectCompanySignedIn(j, 'account page after sign-up');
}

/** Developer application at /apply; lands on /account. */
export async function applyAsDeveloper(j, { name, email, password, country = 'PL', timeZone = 'Europe/Warsaw' }) {
  const page = await j.visit('/apply', 'developer application form');
  await page.getByLabel('Full name', exact).fill(name);
  await page.getByLabel('Email', exact).fill(email);
  await page.getByLabel('Password', exact).fill(password);
  await page.getByLabel('Country of residence', exact).selectOption(country);
  await page.getByLabel('Your time zone', exact).selectOption(timeZone);
  await j.click(page.getByRole('button', { name: 'Create developer account' }), 'after developer application');
  await expectSignedIn(j.page);
  return j.page;
}

/** Sign-in at /login; `company: true` accepts the catalog's status (see CATALOG_LANDED). */
export async function signIn(j, { email, password, company = false }, label = 'after sign-in') {
  await j.visit('/login', 'sign-in form');
  return fillSignIn(j, { email, password, company }, label);
}

/** Fills and submits the sign-in form the page shows now. */
export async function fillSignIn(j, { email, password, company = false }, label = 'after sign-in') {
  const page = j.page;
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Email', exact).fill(email);
  await page.getByLabel('Password', exact).fill(password);
  await j.click(page.getByRole('main').getByRole('button', { name: 'Sign in' }), label, {
    status: company ? COMPANY_HOME_STATUS : 200,
  });
  if (company) return expectCompanySignedIn(j, 'account page after sign-in');
  await expectSignedIn(j.page);
  return j.page;
}

/** A sign-in that must be refused (wrong password); stays on the form with an alert. */
export async function signInRefused(j, { email, password }) {
  const page = await j.visit('/login', 'sign-in form');
  await page.getByLabel('Email', exact).fill(email);
  await page.getByLabel('Password', exact).fill(password);
  await j.click(page.getByRole('main').getByRole('button', { name: 'Sign in' }), 'sign-in refused', {
    status: 422,
  });
  await expectText(j.page.getByRole('alert'), /./);
  await expectSignedOut(j.page);
  return j.page;
}

export async function signOut(j) {
  const page = j.page;
  await j.click(page.getByRole('banner').getByRole('button', { name: 'Sign out' }), 'after sign-out');
  await expectSignedOut(j.page);
  return j.page;
}

// Until the catalog exists a company lands on the 404 page, which renders signed out; then
// the account page proves the session.
async function expectCompanySignedIn(j, label) {
  if (!CATALOG_LANDED && new URL(j.page.url()).pathname === '/developers') {
    const heading = await j.page.getByRole('heading', { level: 1 }).innerText();
    if (/couldn.t find/i.test(heading)) await j.visit('/account', label);
  }
  await expectSignedIn(j.page);
  return j.page;
}

export async function expectSignedIn(page) {
  const banner = page.getByRole('banner');
  await banner.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function expectSignedOut(page) {
  const banner = page.getByRole('banner');
  await banner.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  assert.equal(await banner.getByRole('button', { name: 'Sign out' }).count(), 0, 'still signed in');
}

/** Opens /account and returns its lead line ("Company member at Acme · x@y confirmed"). */
export async function openAccount(j, label = 'account page', opts = { key: true }) {
  const page = await j.visit('/account', label, opts);
  await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
  return page;
}

export async function expectAccountConfirmed(page, confirmed = true) {
  const header = page.getByRole('main').locator('.page-header');
  const text = (await header.innerText()).replace(/\s+/g, ' ');
  if (confirmed) {
    assert.match(text, /\bconfirmed\b/, `account page should say confirmed: ${text}`);
    assert.doesNotMatch(text, /not confirmed/, `account page still says not confirmed: ${text}`);
  } else {
    assert.match(text, /not confirmed/, `account page should say not confirmed: ${text}`);
  }
}

export async function requestPasswordReset(j, email) {
  const page = await j.visit('/password/forgot', 'forgot-password form');
  await page.getByLabel('Email', exact).fill(email);
  await j.click(page.getByRole('button', { name: 'Send reset link' }), 'reset link sent');
  await j.page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
}

export async function chooseNewPassword(j, password) {
  const page = j.page;
  await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
  await page.getByLabel('New password', exact).fill(password);
  await j.click(page.getByRole('button', { name: 'Save new password' }), 'after saving the new password');
}

// ---- the development mailbox --------------------------------------------------------------

/**
 * Waits (reloading /dev/mailbox) until a message to `to` whose subject matches `subject`
 * arrives, opens it and returns the href of its first link matching `link`.
 * The background worker delivers within about a second.
 */
export async function linkFromMailbox(j, { to, subject, link, key = false, timeoutMs = 15_000 }) {
  const page = j.page;
  const deadline = Date.now() + timeoutMs;
  let message;
  for (;;) {
    await page.goto('/dev/mailbox');
    message = page.getByRole('row').filter({ hasText: to }).getByRole('link', { name: subject }).first();
    if ((await message.count()) > 0) break;
    if (Date.now() > deadline) assert.fail(`no email to ${to} matching ${subject} within ${timeoutMs} ms`);
    await page.waitForTimeout(300);
  }
  await j.check('development mailbox', { key });
  await j.click(message, 'email in the development mailbox', { key });
  const links = j.page.getByRole('region', { name: 'Links in this message' }).getByRole('link');
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => link.test(h));
  assert.ok(href, `no link matching ${link} in the email; links: ${hrefs.join(', ')}`);
  return href;
}

/** The same, then follows the link as a user clicks it. */
export async function followEmailLink(j, { to, subject, link, label, key = false }) {
  const href = await linkFromMailbox(j, { to, subject, link, key });
  const anchor = j.page
    .getByRole('region', { name: 'Links in this message' })
    .getByRole('link', { name: href, exact: true });
  await j.click(anchor, label);
  return j.page;
}

export const VERIFY = { subject: /confirm your email/i, link: /\/verify-email\// };
export const RESET = { subject: /reset your ladder password/i, link: /\/password\/reset\// };
