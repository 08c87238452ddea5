// The public pages anyone reaches first: landing, pricing, the forms, the 404 page.
import assert from 'node:assert/strict';
import { journey } from '../lib/journey.mjs';

const j = journey('public pages');

j.step('the landing page', async () => {
  const page = await j.visit('/', 'landing', { key: true });
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.getByRole('banner').getByRole('link', { name: 'Hire developers' }).waitFor();
});

j.step('pricing, reached from the main navigation', async () => {
  const nav = j.page.getByRole('navigation', { name: 'Main' });
  const page = await j.click(nav.getByRole('link', { name: 'Pricing' }), 'pricing', { key: true });
  const text = await page.getByRole('main').innerText();
  // DESIGN §1: one price list, from the plans table.
  for (const price of ['$1,300', '$2,200', '$3,600']) assert.ok(text.includes(price), `pricing lacks ${price}`);
});

j.step('the sign-in, sign-up, apply and forgot-password forms', async () => {
  await j.visit('/login', 'sign-in form', { key: true });
  await j.visit('/signup', 'company sign-up form', { key: true });
  await j.visit('/apply', 'developer application form', { key: true });
  await j.visit('/password/forgot', 'forgot-password form', { key: true });
});

j.step('an unknown path shows the 404 page', async () => {
  const page = await j.visit('/no-such-page-e2e', 'not found', { key: true, status: 404 });
  await page.getByRole('heading', { level: 1 }).waitFor();
});

j.finish();
