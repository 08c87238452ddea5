// What users do, as a user would find it: by role, label and DESIGN §7's data- attributes.
// Each helper takes the journey `j` and leaves j.page on the resulting (gated) page.
// The public forms get their screenshots in journeys/public.test.mjs, so the helpers here
// screenshot only what differs per journey (account pages; the mailbox when asked).
import assert from 'node:assert/strict';
import { expectText, expectPath } from './expect.mjs';

const exact = { exact: true };

// Where a company lands after signing up or in: the catalog, /developers. While the catalog
// did not exist that was the 404 page (rendered signed out), so CATALOG_LANDED = false
// accepted a 404 there and proved the session on /account instead. The catalog exists now.
export const CATALOG_LANDED = true;
const COMPANY_HOME_STATUS = CATALOG_LANDED ? 200 : [200, 404];

// ---- accounts ---------------------------------------------------------------------------

/**
 * Company sign-up at /signup. Signing up never signs in (a taken address must look the
 * same as a new one): it lands on "Check your email", signed out.
 */
export async function signUpCompany(j, { company, name, email, password, timeZone = 'Europe/Berlin' }) {
  const page = await j.visit('/signup', 'company sign-up form');
  await page.getByLabel('Company name', exact).fill(company);
  await page.getByLabel('Your name', exact).fill(name);
  await page.getByLabel('Work email', exact).fill(email);
  await page.getByLabel('Password', exact).fill(password);
  await page.getByLabel('Company time zone', exact).selectOption(timeZone);
  await j.click(page.getByRole('button', { name: 'Create company account' }), 'after company sign-up');
  return expectCheckEmail(j, email);
}

/** Developer application at /apply; lands on "Check your email", signed out. */
export async function applyAsDeveloper(j, { name, email, password, country = 'PL', timeZone = 'Europe/Warsaw' }) {
  const page = await j.visit('/apply', 'developer application form');
  await page.getByLabel('Full name', exact).fill(name);
  await page.getByLabel('Email', exact).fill(email);
  await page.getByLabel('Password', exact).fill(password);
  await page.getByLabel('Country of residence', exact).selectOption(country);
  await page.getByLabel('Your time zone', exact).selectOption(timeZone);
  await j.click(page.getByRole('button', { name: 'Create developer account' }), 'after developer application');
  return expectCheckEmail(j, email);
}

/** The page sign-up and apply land on: names the address, offers a new link and sign-in. */
export async function expectCheckEmail(j, email) {
  const page = j.page;
  expectPath(page, '/check-email');
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  await expectText(page.getByRole('main').locator('.lead'), new RegExp(email.replace(/[.+]/g, '\\$&')));
  await page.getByRole('main').getByRole('button', { name: 'Resend the link' }).waitFor();
  await page.getByRole('main').getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  await expectSignedOut(page);
  return page;
}

/**
 * Follows the confirmation link from the development mailbox: it confirms the address and
 * signs this browser in, landing on the role's next step (`/developers` for a company,
 * `/me/profile` for a developer) with a flash.
 */
export async function confirmEmail(j, { email, company = false }, { label = 'after confirming the email', key = false } = {}) {
  const page = await followEmailLink(j, { to: email, ...VERIFY, label, key });
  expectPath(page, company ? '/developers' : '/me/profile');
  await expectText(page.locator('#flashes'), /confirmed/i);
  await expectSignedIn(page);
  return page;
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
  await openEmail(j, { to, subject, key, timeoutMs });
  const links = j.page.getByRole('region', { name: 'Links in this message' }).getByRole('link');
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => link.test(h));
  assert.ok(href, `no link matching ${link} in the email; links: ${hrefs.join(', ')}`);
  return href;
}

/**
 * Waits (reloading /dev/mailbox) until a message to `to` whose subject matches `subject`
 * arrives and opens it: j.page is the message page.
 */
export async function openEmail(j, { to, subject, key = false, timeoutMs = 15_000 }) {
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
  return j.page;
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

// ---- the developer's profile and application ----------------------------------------------

/** A complete profile, enough for every item of the vetting checklist. */
export function sampleProfile(overrides = {}) {
  return {
    headline: 'Backend engineer: Rust, PostgreSQL and payment systems',
    bio:
      'I build and run backend services for payments and logistics. For the last four years I ' +
      'have owned a Rust settlement service handling about two million transactions a day, ' +
      'moved its storage from MySQL to PostgreSQL without downtime, and on-boarded five engineers.' +
      '\n\nI like small pull requests, written design notes and boring, observable deployments.',
    years: '7',
    availableFrom: '2027-01-04',
    commitment: 'Full-time (160 h/month)',
    skills: [
      ['Rust', '5'],
      ['PostgreSQL', '6'],
      ['Docker', '4'],
    ],
    experience: {
      company: 'Paylane',
      title: 'Senior backend engineer',
      from: '2021-02',
      summary: 'Owned the settlement service (Rust, PostgreSQL, Kafka); cut the nightly batch from 3 h to 20 min.',
    },
    ...overrides,
  };
}

/** The skill row `i` (0-based) of the profile form: its "Skill n" select and "Years" input. */
function skillRow(page, i) {
  return page.locator('#skills .row-group').nth(i);
}

/**
 * Fills /me/profile and saves it. Skill rows beyond the first are added with "Add a skill"
 * (an htmx swap of #skills with JavaScript, a full reload without it).
 */
export async function fillProfile(j, profile) {
  let page = j.page;
  if (new URL(page.url()).pathname !== '/me/profile') page = await j.visit('/me/profile', 'profile form');
  await page.getByRole('heading', { level: 1, name: 'Your profile' }).waitFor();
  const form = () => j.page.locator('#profile-form');
  // The "Add a skill" round trip re-renders the form from what was posted, so fill the
  // rows first and the rest afterwards (nothing is lost either way, but this is what a
  // person does: list the skills, then write).
  for (let i = 0; i < profile.skills.length; i += 1) {
    const [skill, years] = profile.skills[i];
    if ((await skillRow(j.page, i).count()) === 0) {
      const add = form().getByRole('button', { name: 'Add a skill' });
      if (j.javaScriptEnabled) {
        await add.click();
      } else {
        await j.click(add, `profile form, skill row ${i + 1} added`);
      }
      await j.page.getByLabel(`Skill ${i + 1}`, exact).waitFor();
    }
    const row = skillRow(j.page, i);
    await row.getByLabel(`Skill ${i + 1}`, exact).selectOption({ label: skill });
    await row.getByLabel('Years', exact).fill(years);
  }
  page = j.page;
  await page.getByLabel('Headline', exact).fill(profile.headline);
  await page.getByLabel('Bio', exact).fill(profile.bio);
  await page.getByLabel('Years of professional experience', exact).fill(profile.years);
  await page.getByLabel('Available from', exact).fill(profile.availableFrom);
  await page.getByRole('radio', { name: profile.commitment, exact: true }).check();
  const e = profile.experience;
  const role = page.getByRole('group', { name: 'Role 1', exact: true });
  await role.getByLabel('Company', exact).fill(e.company);
  await role.getByLabel('Title', exact).fill(e.title);
  await role.getByLabel('From (YYYY-MM)', exact).fill(e.from);
  await role.getByLabel('What you did', exact).fill(e.summary);
  await j.click(page.getByRole('button', { name: 'Save profile' }), 'profile saved');
  expectPath(j.page, '/me/profile');
  await expectText(j.page.locator('#flashes'), /your profile is saved/i);
  return j.page;
}

/** Uploads `file` with "Upload a photo" on /me/profile; the new photo shows. */
export async function uploadAvatar(j, file) {
  const page = j.page;
  await page.getByLabel('Upload a photo', exact).setInputFiles(file);
  await j.click(page.getByRole('button', { name: 'Upload photo' }), 'photo uploaded');
  await expectText(j.page.locator('#flashes'), /your photo is updated/i);
  const img = j.page.getByRole('img', { name: 'Your current photo' });
  await img.waitFor();
  const loaded = await img.evaluate((el) => el.complete && el.naturalWidth > 0);
  assert.ok(loaded, 'the uploaded photo did not load');
  return j.page;
}

/** /me/application: every checklist item done → "Submit for vetting" → submitted. */
export async function submitApplication(j, { key = false } = {}) {
  const page = await j.visit('/me/application', 'application checklist', { key });
  const items = page.getByRole('region', { name: 'What vetting needs' }).getByRole('listitem');
  const texts = (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  assert.ok(texts.length >= 5, `expected the vetting checklist, got ${JSON.stringify(texts)}`);
  const todo = texts.filter((t) => !t.startsWith('Done:'));
  assert.deepEqual(todo, [], `checklist items not done: ${todo.join('; ')}`);
  await j.click(page.getByRole('button', { name: 'Submit for vetting' }), 'application submitted', { key });
  expectPath(j.page, '/me/application');
  await expectText(j.page.locator('#flashes'), /application is submitted/i);
  await expectText(j.page.getByRole('main').locator('.page-header .lead'), /^Submitted\b/);
  return j.page;
}

/**
 * A developer applies, confirms the email, fills the profile, uploads a photo and submits
 * the application: an applicant in the vetting queue. Leaves the developer signed in.
 */
export async function createApplicant(j, developer, { profile = sampleProfile(), avatar } = {}) {
  await applyAsDeveloper(j, developer);
  await confirmEmail(j, developer);
  await fillProfile(j, profile);
  if (avatar) await uploadAvatar(j, avatar);
  await submitApplication(j);
  return j.page;
}

// ---- admin: vetting -------------------------------------------------------------------------

export const STAGES = ['Screening', 'Technical assessment', 'Live interview'];

/** On the applicant's review page: records `stage` as passed with a score and summaries. */
export async function recordStage(j, stage, { score = '4', summary, notes }) {
  const section = j.page.getByRole('region', { name: stage, exact: true });
  await section.getByLabel('Score (1–5)', exact).selectOption(score);
  await section.getByLabel('Summary companies will see', exact).fill(summary);
  await section.getByLabel('Private notes', exact).fill(notes);
  await section.getByRole('radio', { name: 'Passed: move to the next stage' }).check();
  await j.click(section.getByRole('button', { name: `Record ${stage.toLowerCase()}` }), `${stage} recorded`);
  await expectText(j.page.locator('#flashes'), /stage recorded/i);
  const done = j.page.getByRole('region', { name: stage, exact: true });
  await expectText(done, new RegExp(`passed[\\s\\S]*Score ${score}/5`));
  return j.page;
}

/** On the review page, after the three stages: approve at `level`, published now. */
export async function approve(j, level) {
  const decision = j.page.getByRole('region', { name: 'Decision', exact: true });
  await decision.getByLabel('Level', exact).selectOption(level);
  const publish = decision.getByRole('checkbox', { name: 'Publish in the catalog now' });
  if (!(await publish.isChecked())) await publish.check();
  await j.click(decision.getByRole('button', { name: 'Approve' }), `approved as ${level}`);
  await expectText(j.page.locator('#flashes'), /decision recorded/i);
  return j.page;
}

/**
 * The admin (signed in) finds `applicant` in the vetting queue by last name, passes the three
 * stages and approves at `level`, published. Returns the profile's slug, from the admin's
 * developers list.
 */
export async function vetAndPublish(j, applicant, { level = 'L2', summary = 'Clear, careful engineer.' } = {}) {
  const lastName = applicant.name.split(' ').at(-1);
  let page = await j.visit('/admin/vetting', 'vetting queue');
  await page.getByLabel('Name or headline', exact).fill(lastName);
  page = await j.click(page.getByRole('button', { name: 'Filter' }), 'vetting queue, searched');
  const link = page.getByRole('main').getByRole('link', { name: applicant.name, exact: true });
  assert.equal(await link.count(), 1, `expected ${applicant.name} once in the vetting queue`);
  await j.click(link, 'applicant review');
  for (const [i, stage] of STAGES.entries()) {
    await recordStage(j, stage, { score: String(4 + (i % 2)), summary: `${stage}: ${summary}`, notes: 'Private notes.' });
  }
  await approve(j, level);
  page = await j.visit('/admin/developers', 'admin: developers, before search');
  await page.getByLabel('Name or slug', exact).fill(lastName);
  page = await j.click(page.getByRole('button', { name: 'Filter' }), 'admin: developers, searched');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: applicant.name, exact: true }) });
  assert.equal(await row.count(), 1, `expected ${applicant.name} once in the developers list`);
  const slug = (await row.locator('.cell-sub').innerText()).trim();
  assert.match(slug, /^[a-z0-9-]+$/, `unexpected slug ${JSON.stringify(slug)}`);
  return slug;
}

// ---- the catalog ------------------------------------------------------------------------

/** Every card the results show: [{ slug, level, name }]. */
export async function catalogCards(page) {
  return page.locator('#results [data-developer]').evaluateAll((cards) =>
    cards.map((c) => ({
      slug: c.getAttribute('data-developer'),
      level: c.getAttribute('data-level'),
      name: c.querySelector('h2')?.textContent.trim() ?? '',
    })),
  );
}

/** The level checkbox ("L2 · Mid-level" plus its facet count). */
export function levelFilter(page, level) {
  return page.getByRole('search', { name: 'Filter developers' }).getByRole('checkbox', { name: new RegExp(`^${level}\\b`) });
}

/** A skill checkbox by the skill's name (plus its facet count). */
export function skillFilter(page, skill) {
  const escaped = skill.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByRole('search', { name: 'Filter developers' }).getByRole('checkbox', { name: new RegExp(`^${escaped}( \\d+)?$`) });
}

/** Waits until htmx has no request in flight and the swapped results have settled. */
export async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping'));
}

/**
 * Checks a filter checkbox in the catalog. With JavaScript the results update in place
 * (htmx) and the URL follows; waits for both. Without, call j.click on "Show developers".
 */
export async function checkFilter(page, checkbox, param, value) {
  await checkbox.check();
  await page.waitForURL((u) => u.searchParams.getAll(param).includes(value));
  await settled(page);
}

/** How a card, a shortlist and the company's pages name a developer: "Ayodele B.". */
export function shownName(fullName) {
  const parts = fullName.split(' ');
  return `${parts[0]} ${parts.at(-1)[0]}.`;
}

// ---- shortlists -----------------------------------------------------------------------------

/**
 * The one-click shortlist button for `slug` (a catalog card or a profile): "+ Shortlist"
 * before the company has a list, then one "+ <list>" / "✓ <list>" per list.
 */
export function shortlistButton(page, slug, list = 'Shortlist') {
  const escaped = list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page
    .locator(`[data-developer="${slug}"]`)
    .getByRole('button', { name: new RegExp(`^[+✓] ${escaped}$`) });
}

/** Presses the shortlist button for `slug` with htmx (no navigation) and waits for ✓. */
export async function shortlistWithHtmx(page, slug, list = 'Shortlist') {
  const button = shortlistButton(page, slug, list);
  assert.equal(await button.getAttribute('aria-pressed'), 'false', `${slug} is already on ${list}`);
  await button.click();
  await page.locator(`[data-developer="${slug}"]`).getByRole('button', { name: `✓ ${list}`, pressed: true }).waitFor();
  await settled(page);
}
