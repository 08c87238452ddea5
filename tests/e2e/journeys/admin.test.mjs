// Admin: an applicant (created here through the developer's own pages) waits in the vetting
// queue → the admin signs in → reviews screening, technical assessment and live interview →
// approves as L2, published → the profile is in the catalog at L2 with the reviewers'
// summaries. Also opens each admin section once, for the gates.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, uniqueEmail, AVATAR } from '../lib/env.mjs';
import { expectPath, expectText } from '../lib/expect.mjs';
import {
  signIn,
  signOut,
  openAccount,
  expectAccountConfirmed,
  createApplicant,
  sampleProfile,
  recordStage,
  approve,
  catalogCards,
  levelFilter,
  STAGES,
} from '../lib/flows.mjs';

const j = journey('admin');
const applicant = {
  name: 'Ayodele Brandt',
  email: uniqueEmail('applicant'),
  password: PASSWORD,
  country: 'DE',
  timeZone: 'Europe/Berlin',
};
const profile = sampleProfile({
  headline: 'Backend engineer: Go, PostgreSQL and event pipelines',
  skills: [
    ['Go', '5'],
    ['PostgreSQL', '6'],
    ['Docker', '4'],
  ],
});
const summaries = {
  Screening: 'Clear communicator; eight years of backend work matching the profile.',
  'Technical assessment': 'Solid service design; idempotent consumers and careful migrations.',
  'Live interview': 'Debugged a slow query calmly and explained the trade-offs well.',
};
const lastName = applicant.name.split(' ').at(-1);
let slug = '';

j.step('a developer applies, completes the profile and submits it for vetting', async () => {
  await createApplicant(j, applicant, { profile, avatar: AVATAR });
  await signOut(j);
});

j.step('the admin signs in', async () => {
  assert.ok(ADMIN_PASSWORD, 'LADDER_E2E_ADMIN_PASSWORD is not set (tests/e2e/run.sh sets it)');
  await signIn(j, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
});

j.step('the account page shows an administrator, and the header links to the admin panel', async () => {
  const page = await openAccount(j, 'admin account page');
  const lead = await page.getByRole('main').locator('.page-header .lead').innerText();
  assert.match(lead, /^Administrator\b/);
  await expectAccountConfirmed(page, true);
  await j.click(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }),
    'admin dashboard',
    { key: true },
  );
});

j.step('the dashboard explains published vs listed and draws its charts without JavaScript', async () => {
  const page = await j.visit('/admin', 'admin dashboard, figures', { key: true });
  const main = page.getByRole('main');
  await expectText(main.locator('[data-metric="hidden-stale"]'), /availability was confirmed within 30 days/);
  for (const name of ['MRR by month', 'Trials started and converted', 'Vetting funnel']) {
    assert.equal(await main.getByRole('img', { name: new RegExp(`^${name}`) }).count(), 1, name);
  }
  assert.equal(await page.locator('script[src*="chart"]').count(), 0, 'no chart library');
});

j.step('the admin sections open', async () => {
  const sections = j.page.getByRole('navigation', { name: 'Admin sections' });
  await sections.waitFor();
  await j.visit('/admin/developers', 'admin: developers', { key: true });
  await j.visit('/admin/companies', 'admin: companies', { key: true });
  await j.visit('/admin/audit', 'admin: audit log', { key: true });
  // Its wide tables scroll inside focusable, labelled regions at 375 px.
  await j.visit('/admin/outbox', 'admin: outbox', { key: true });
});

j.step('the applicant waits in the vetting queue', async () => {
  let page = await j.visit('/admin/vetting', 'vetting queue', { key: true });
  // The queue's search matches the first name, the last name or the headline, not the full
  // name (reported); search by the last name, as a reviewer would after that.
  await page.getByLabel('Name or headline', { exact: true }).fill(lastName);
  page = await j.click(page.getByRole('button', { name: 'Filter' }), 'vetting queue, searched');
  const link = page.getByRole('main').getByRole('link', { name: applicant.name, exact: true });
  assert.equal(await link.count(), 1, `expected ${applicant.name} once in the queue`);
  page = await j.click(link, 'applicant review', { key: true });
  await page.getByRole('heading', { level: 1, name: applicant.name }).waitFor();
  await expectText(page.getByRole('main').locator('.page-header'), new RegExp(applicant.email.replace(/[.+]/g, '\\$&')));
});

for (const [i, stage] of STAGES.entries()) {
  j.step(`records the ${stage.toLowerCase()} as passed`, async () => {
    await recordStage(j, stage, {
      score: String(3 + (i % 3)),
      summary: summaries[stage],
      notes: `Private: ${stage.toLowerCase()} notes for the team only.`,
    });
  });
}

j.step('approves as L2 and publishes', async () => {
  const page = await approve(j, 'L2');
  const header = page.getByRole('main').locator('.page-header');
  await expectText(header, /approved/);
  await expectText(header, /L2/);
  await expectText(header, /published/);
  await j.check('applicant approved', { key: true });
});

j.step('the developers list gives the new profile slug', async () => {
  let page = await j.visit('/admin/developers', 'admin: developers, before search');
  await page.getByLabel('Name or slug', { exact: true }).fill(lastName);
  page = await j.click(page.getByRole('button', { name: 'Filter' }), 'admin: developers, searched');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: applicant.name, exact: true }) }).first();
  slug = (await row.locator('.cell-sub').innerText()).trim();
  assert.match(slug, /^[a-z0-9-]+$/, `unexpected slug ${JSON.stringify(slug)}`);
  assert.match((await row.innerText()).replace(/\s+/g, ' '), /approved L2 yes/);
});

j.step('the profile is in the catalog at L2', async () => {
  let page = await j.visit('/developers?level=L2', 'catalog, L2', { key: true });
  assert.ok(await levelFilter(page, 'L2').isChecked(), 'the L2 filter is not checked');
  // About a hundred L2 profiles: search for the name (htmx updates the results and the URL).
  await page.getByLabel('Search', { exact: true }).fill(applicant.name);
  await page.getByRole('search', { name: 'Filter developers' }).getByRole('button', { name: 'Show developers' }).click();
  await page.waitForURL((u) => u.searchParams.get('q') === applicant.name && u.searchParams.getAll('level').includes('L2'));
  const card = page.locator(`[data-developer="${slug}"][data-level="L2"]`);
  await card.waitFor();
  for (const c of await catalogCards(page)) assert.equal(c.level, 'L2', `a card at ${c.level}: ${c.slug}`);
  page = await j.check('catalog, searched for the new developer');
  // Cards show the first name and the last initial ("Ayodele B.").
  const shown = `${applicant.name.split(' ')[0]} ${lastName[0]}.`;
  const link = card.getByRole('heading', { level: 2 }).getByRole('link');
  assert.equal((await link.innerText()).trim(), shown);
  page = await j.click(link, 'new developer profile', { key: true });
  expectPath(page, `/developers/${slug}`);
});

j.step("the profile shows the reviewers' summaries, not the private notes", async () => {
  const page = j.page;
  await page.locator(`[data-developer="${slug}"][data-level="L2"]`).waitFor();
  const evidence = page.getByRole('region', { name: /^Vetting evidence/ });
  const text = await evidence.innerText();
  for (const summary of Object.values(summaries)) assert.ok(text.includes(summary), `missing summary: ${summary}`);
  const body = await page.getByRole('main').innerText();
  assert.ok(!/Private:/.test(body), 'private notes are visible on the public profile');
});

j.finish();
