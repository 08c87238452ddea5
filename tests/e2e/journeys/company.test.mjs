// Company, with the people it hires: before the hiring manager arrives, a developer applies
// in their own browser and an admin vets and publishes them as L2 in another (so the
// developer can sign in later: the journey knows their password). Then the company: sign up
// → "Check your email", signed out → the confirmation link from the development mailbox
// confirms the email and signs in (the catalog) → sign out → sign in → the account shows
// "confirmed" → browse the catalog → filter to L2 and a skill (htmx: the results and the URL
// follow) → shortlist two developers in one click (htmx) → open a profile → the shortlist,
// with a private note → compare side by side → request an interview, proposing three times
// → the developer, from the email in their own browser, signs in and accepts one → the
// company sees it scheduled, and the .ics invitation in the development mailbox → start a
// free trial from the profile → the sandbox checkout declines the decline card and accepts
// 4242… → the engagement is trialing with its countdown.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, uniqueEmail } from '../lib/env.mjs';
import { expectPath, expectText } from '../lib/expect.mjs';
import {
  signUpCompany,
  confirmEmail,
  signOut,
  signIn,
  fillSignIn,
  openAccount,
  expectAccountConfirmed,
  followEmailLink,
  openEmail,
  createApplicant,
  sampleProfile,
  vetAndPublish,
  catalogCards,
  levelFilter,
  skillFilter,
  checkFilter,
  shownName,
  shortlistButton,
  shortlistWithHtmx,
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
// The developer the company interviews: made here through the developer's and the admin's
// own pages (as the admin journey does), so the journey knows the password, the level and
// the skills, and depends on nothing the seed prints.
const developer = {
  name: 'Ines Vasconcelos',
  email: uniqueEmail('hired'),
  password: PASSWORD,
  country: 'PT',
  timeZone: 'Europe/Lisbon',
};
const developerProfile = sampleProfile({
  headline: 'Backend engineer: Python, PostgreSQL and billing systems',
  skills: [
    ['Python', '6'],
    ['PostgreSQL', '6'],
    ['Docker', '4'],
  ],
});
const developerShown = shownName(developer.name); // "Ines V." until an engagement exists
let developerSlug = '';
let filtered = [];
let otherSlug = '';
let interviewId = '';

// Three interview times a week ahead, as wall-clock times in the company's zone (the form's
// default zone): [value for <input type=datetime-local>, how Ladder prints it there].
const slots = [
  [7, '10:00'],
  [8, '14:30'],
  [9, '16:00'],
].map(([days, time]) => {
  const d = new Date(Date.now() + days * 86_400_000);
  const ymd = d.toISOString().slice(0, 10);
  const [y, m, day] = ymd.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, day));
  const weekday = date.toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' });
  const month = date.toLocaleDateString('en-GB', { month: 'short', timeZone: 'UTC' });
  return { value: `${ymd}T${time}`, shown: `${weekday} ${day} ${month} ${y}, ${time}` };
});

j.step('before the company arrives, a developer applies in their own browser', async () => {
  await j.as('developer');
  await createApplicant(j, developer, { profile: developerProfile });
  await signOut(j);
});

j.step('an admin vets them and publishes them as L2, in another browser', async () => {
  await j.as('admin');
  assert.ok(ADMIN_PASSWORD, 'LADDER_E2E_ADMIN_PASSWORD is not set (tests/e2e/run.sh sets it)');
  await signIn(j, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  developerSlug = await vetAndPublish(j, developer, { level: 'L2' });
  await signOut(j);
  await j.as('main');
});

j.step('a hiring manager signs up as a company', async () => {
  await signUpCompany(j, company);
});

j.step('"Check your email" names the address; nobody is signed in yet', async () => {
  await j.check('check your email', { key: true });
  const page = await j.visit('/account', 'the account page asks to sign in');
  expectPath(page, '/login');
});

j.step('the confirmation link from the development mailbox confirms the email and signs in', async () => {
  // Screenshots of the mailbox and the message; lands on the catalog with a flash.
  await confirmEmail(j, { ...company, company: true }, { key: true });
  const page = await openAccount(j, 'account page, just confirmed', { key: false });
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

j.step('shortlists a developer from the results in one click (htmx, the page stays)', async () => {
  const page = j.page;
  const before = page.url();
  const other = filtered.find((c) => c.slug !== developerSlug);
  assert.ok(other, 'no other L2 developer with PostgreSQL to shortlist');
  otherSlug = other.slug;
  // The company has no list yet: "+ Shortlist" makes one, named "Shortlist".
  await shortlistWithHtmx(page, otherSlug);
  assert.equal(page.url(), before, 'shortlisting navigated away from the results');
  // The other cards now offer the new list.
  const next = filtered.find((c) => c.slug !== otherSlug);
  if (next) assert.equal(await shortlistButton(page, next.slug).getAttribute('aria-pressed'), 'false');
  await j.check('catalog with a shortlisted developer', { key: true });
});

j.step('finds the vetted developer by name and shortlists them too', async () => {
  let page = j.page;
  await page.getByLabel('Search', { exact: true }).fill(developer.name);
  await page.getByRole('search', { name: 'Filter developers' }).getByRole('button', { name: 'Show developers' }).click();
  await page.waitForURL((u) => u.searchParams.get('q') === developer.name);
  const card = page.locator(`[data-developer="${developerSlug}"][data-level="L2"]`);
  await card.waitFor();
  await expectText(card.getByRole('heading', { level: 2 }), new RegExp(`^${developerShown}$`));
  await shortlistWithHtmx(page, developerSlug);
  page = await j.check('catalog, the vetted developer shortlisted');
});

j.step("opens the developer's profile from the card: shortlisted there too", async () => {
  const card = j.page.locator(`[data-developer="${developerSlug}"][data-level="L2"]`);
  const page = await j.click(card.getByRole('link', { name: developerShown, exact: true }), 'developer profile', {
    key: true,
  });
  expectPath(page, `/developers/${developerSlug}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(developerShown) }).waitFor();
  const skills = await page.getByRole('region', { name: 'Skills' }).innerText();
  assert.match(skills, /PostgreSQL/);
  await page.getByRole('button', { name: '✓ Shortlist', pressed: true }).waitFor();
});

j.step('opens the shortlist from the main navigation and notes something about a candidate', async () => {
  let page = await j.click(
    j.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shortlists' }),
    'shortlists',
    { key: true },
  );
  expectPath(page, '/shortlists');
  const list = page.getByRole('main').getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Shortlist', exact: true }) });
  await expectText(list, /2 candidates/);
  page = await j.click(list.getByRole('link', { name: 'Shortlist', exact: true }), 'shortlist', { key: true });
  assert.match(new URL(page.url()).pathname, /^\/shortlists\/\d+$/);
  await page.getByRole('heading', { level: 1, name: 'Shortlist' }).waitFor();
  for (const slug of [otherSlug, developerSlug]) await page.locator(`.shortlist-entry[data-developer="${slug}"]`).waitFor();
  const entry = page.locator(`.shortlist-entry[data-developer="${developerSlug}"]`);
  await entry.getByLabel(`Private note about ${developerShown}`, { exact: true }).fill('Strong on billing; ask about idempotency keys.');
  page = await j.click(entry.getByRole('button', { name: 'Save note' }), 'shortlist, note saved');
  await expectText(page.locator('#flashes'), /note saved/i);
});

j.step('compares the two side by side', async () => {
  const page = await j.click(j.page.getByRole('link', { name: 'Compare side by side' }), 'compare', { key: true });
  assert.match(new URL(page.url()).pathname, /^\/shortlists\/\d+\/compare$/);
  const table = page.getByRole('table');
  for (const slug of [otherSlug, developerSlug]) await table.locator(`th[data-developer="${slug}"]`).waitFor();
  const noteRow = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Your note' }) });
  await expectText(noteRow, /idempotency keys/);
});

j.step('requests an interview with the vetted developer, proposing three times', async () => {
  let page = await j.click(
    j.page.getByRole('link', { name: `Request interview with ${developerShown}`, exact: true }),
    'interview request form',
    { key: true },
  );
  expectPath(page, '/interviews/new');
  await page.getByRole('heading', { level: 1, name: `Request an interview with ${developerShown}` }).waitFor();
  assert.equal(await page.getByLabel('Time zone of these times', { exact: true }).inputValue(), company.timeZone);
  for (const [i, slot] of slots.entries()) {
    await page.getByLabel(i === 0 ? 'Option 1' : `Option ${i + 1} (optional)`, { exact: true }).fill(slot.value);
  }
  await page.getByLabel('Duration', { exact: true }).selectOption({ label: '45 minutes' });
  await page.getByLabel('Meeting link', { exact: true }).fill('https://meet.example.com/northwind-backend');
  await page.getByLabel('Message (optional)', { exact: true }).fill('We are building a usage-based billing service; 45 minutes with our tech lead.');
  page = await j.click(page.getByRole('button', { name: 'Send proposal' }), 'interview requested');
  const path = new URL(page.url()).pathname;
  assert.match(path, /^\/interviews\/\d+$/);
  interviewId = path.split('/').at(-1);
  await expectText(page.locator('#flashes'), new RegExp(`request sent to ${developerShown}`));
  await expectText(page.getByRole('main').locator('.page-header'), /Awaiting the developer/);
  const proposed = await page.getByRole('main').locator('.dev-facts').innerText();
  for (const slot of slots) assert.ok(proposed.includes(slot.shown), `the proposed times lack ${slot.shown}:\n${proposed}`);
  await j.check('interview detail, awaiting the developer', { key: true });
});

j.step('the developer follows the email in their own browser, signs in and accepts a time', async () => {
  await j.as('developer');
  await followEmailLink(j, {
    to: developer.email,
    subject: new RegExp(`${company.company} would like to interview you`),
    link: /\/me\/interviews$/,
    label: 'sign-in form from the interview email',
  });
  expectPath(j.page, '/login');
  await fillSignIn(j, developer, 'after sign-in, the interview requests');
  expectPath(j.page, '/me/interviews');
  const page = await j.check("developer's interview requests", { key: true });
  const request = page.locator(`[data-interview="${interviewId}"]`);
  assert.equal(await request.getAttribute('data-status'), 'proposed');
  await expectText(request.getByRole('heading', { level: 2 }), new RegExp(company.company));
  const times = request.getByRole('group', { name: 'Choose a time' }).getByRole('radio');
  assert.equal(await times.count(), 3, 'expected the three proposed times');
  // Shown in the developer's zone: Lisbon is an hour behind Berlin.
  const second = times.nth(1);
  const label = await second.evaluate((el) => el.closest('label').textContent.trim());
  assert.match(label, /\(Lisbon, Portugal · UTC[+\u2212]\d+\)$/);
  assert.ok(label.includes(slots[1].shown.replace('14:30', '13:30')), `unexpected time ${label}`);
  await second.check();
  await j.click(request.getByRole('button', { name: 'Accept this time' }), 'interview accepted');
  expectPath(j.page, '/me/interviews');
  await expectText(j.page.locator('#flashes'), /interview scheduled/i);
  const accepted = j.page.locator(`[data-interview="${interviewId}"]`);
  assert.equal(await accepted.getAttribute('data-status'), 'scheduled');
  await expectText(accepted, /13:30/);
  await signOut(j);
});

j.step('the company sees the interview scheduled at the chosen time', async () => {
  await j.as('main');
  let page = await j.visit('/interviews', 'interviews', { key: true });
  const scheduled = page.getByRole('main').locator('section').filter({ has: page.getByRole('heading', { level: 2, name: /^Scheduled/ }) });
  const item = scheduled.locator(`[data-interview="${interviewId}"][data-status="scheduled"]`);
  await item.waitFor();
  page = await j.click(item.getByRole('link', { name: developerShown, exact: true }), 'interview detail, scheduled', { key: true });
  expectPath(page, `/interviews/${interviewId}`);
  await expectText(page.getByRole('main').locator('.page-header'), /Scheduled/);
  await expectText(page.getByRole('main').locator('.dev-facts'), new RegExp(`When ${slots[1].shown}`));
});

j.step('the calendar invitation (.ics) reaches the company through the development mailbox', async () => {
  const page = await openEmail(j, { to: company.email, subject: new RegExp(`Interview scheduled: ${developerShown}`) });
  const attachment = page.getByRole('region', { name: 'Attachments' }).getByRole('link', { name: /\.ics$/ });
  const href = await attachment.getAttribute('href');
  const response = await page.request.get(href);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'] || '', /^text\/calendar/);
  const ics = await response.text();
  assert.match(ics, /BEGIN:VCALENDAR/);
  assert.match(ics, /METHOD:REQUEST/);
  assert.match(ics, /BEGIN:VEVENT/);
});

j.step('the company starts a free trial from the profile: price, commitment, start date', async () => {
  await j.as('main');
  const profile = await j.visit(`/developers/${developerSlug}`, 'profile before the trial');
  await j.click(profile.getByRole('link', { name: 'Start free trial' }), 'trial booking form', { key: true });
  const page = j.page;
  expectPath(page, '/engagements/new');
  await expectText(page.getByRole('heading', { level: 1 }), new RegExp(`Start a free trial with ${developerShown}`));
  const commitment = page.getByRole('group', { name: 'Commitment' });
  const fullTime = commitment.getByRole('radio', { name: /Full-time/ });
  await fullTime.check();
  await expectText(commitment, /\$2,200/);
  const start = page.getByLabel('Start date', { exact: true });
  assert.ok(await start.inputValue(), 'the start date defaults to today');
  assert.ok(await page.getByRole('checkbox', { name: /at least 3 months/ }).isChecked(), '3 months is recommended');
  await j.click(page.getByRole('button', { name: 'Continue to checkout' }), 'sandbox checkout', { key: true });
  assert.match(new URL(j.page.url()).pathname, /^\/billing\/sandbox\/checkout\/cs_sandbox_/);
  await expectText(j.page.getByRole('note'), /Sandbox checkout/);
  await expectText(j.page.getByRole('main'), /Due today\s*\$0\.00/);
});

j.step('the sandbox declines 4000 0000 0000 0002 and accepts 4242 4242 4242 4242', async () => {
  let page = j.page;
  await page.getByLabel('Card number', { exact: true }).fill('4000 0000 0000 0002');
  await j.click(page.getByRole('button', { name: 'Start free trial' }), 'card declined', { status: 402 });
  await expectText(j.page.getByRole('alert'), /declined/);
  page = j.page;
  await page.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4242');
  await j.click(page.getByRole('button', { name: 'Start free trial' }), 'trial started', { key: true });
  expectPath(j.page, '/billing/checkout/success');
  await expectText(j.page.getByRole('heading', { level: 1 }), /Your free trial with .* has started/);
});

j.step('the engagement is trialing, with its countdown, and the company was emailed', async () => {
  await j.click(j.page.getByRole('link', { name: 'Open the engagement' }), 'engagement, trialing', { key: true });
  const page = j.page;
  assert.match(new URL(page.url()).pathname, /^\/engagements\/\d+$/);
  await expectText(page.getByRole('main').locator('[data-status]').first(), /Free trial/);
  await expectText(page.getByRole('main'), /1[34] days left/);
  await expectText(page.getByRole('main'), /Next invoice\s*\$2,200/);
  const list = await j.visit('/engagements', 'engagements', { key: true });
  const row = list.locator('[data-status="trialing"]');
  assert.equal(await row.count(), 1, 'one trialing engagement');
  await openEmail(j, { to: company.email, subject: /free trial with .* has started/ });
});

j.step('the engagement says when it starts, Billing is in the menu, and invoices fit a phone', async () => {
  const list = await j.visit('/engagements', 'engagements, start column');
  const row = list.locator('[data-status="trialing"]');
  // Booked to start today (the form's default): not "Started".
  await expectText(row.locator('[data-start]'), /^Starts (today|\d{1,2} [A-Z][a-z]{2})$/);
  await j.click(row.getByRole('link').first(), 'engagement, start wording', { key: true });
  await expectText(j.page.locator('[data-start]'), /^Starts (today|\d{1,2} [A-Z][a-z]{2})$/);
  // "14 days left" stays on one line at 1280 px.
  const left = j.page.getByText(/^1[34] days left$/).first();
  const box = await left.boundingBox();
  const lineHeight = await left.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 0);
  assert.ok(!lineHeight || box.height < lineHeight * 1.5, `"days left" wraps: ${box.height}px for a ${lineHeight}px line`);
  const nav = j.page.getByRole('navigation', { name: 'Main' });
  await j.click(nav.getByRole('link', { name: 'Billing', exact: true }), 'billing from the menu');
  expectPath(j.page, '/billing');
  // The trial's $0 invoice may take a moment (the sandbox's clock runs as a job).
  const deadline = Date.now() + 15_000;
  while ((await j.page.locator('[data-invoice]').count()) === 0 && Date.now() < deadline) {
    await j.page.waitForTimeout(300);
    await j.page.goto('/billing');
  }
  const page = await j.check('billing, with the trial invoice', { key: true });
  await expectText(page.getByRole('main'), /Trial — no charge/);
  // At 375 px every invoice is a card: Amount and Status on screen, nothing to scroll.
  const mobile = j.mobilePage;
  const invoice = mobile.locator('[data-invoice]').first();
  for (const label of ['Amount', 'Status']) {
    const cell = invoice.locator(`td[data-label="${label}"]`);
    assert.ok(await cell.isVisible(), `${label} is hidden at 375 px`);
    const b = await cell.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 375, `${label} sits outside the screen: ${JSON.stringify(b)}`);
  }
  const sideways = await mobile.locator('.table-wrap').first().evaluate((el) => el.scrollWidth - el.clientWidth);
  assert.ok(sideways <= 1, `the invoice table scrolls sideways by ${sideways} px`);
});

j.finish();
