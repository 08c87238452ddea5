// With JavaScript disabled the site still works: landing, pricing, sign up, sign in.
// Later (issue 9): browse, filter and shortlist without JavaScript too.
import { journey } from '../lib/journey.mjs';
import { PASSWORD, uniqueEmail } from '../lib/env.mjs';
import { signUpCompany, signOut, signIn, openAccount } from '../lib/flows.mjs';

const j = journey('no javascript', { javaScriptEnabled: false });
const company = {
  company: 'Plain HTML GmbH',
  name: 'Jonas Weber',
  email: uniqueEmail('nojs'),
  password: PASSWORD,
  timeZone: 'America/New_York',
};

j.step('landing and pricing', async () => {
  const page = await j.visit('/', 'landing (no JS)', { key: true });
  await j.click(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pricing' }),
    'pricing (no JS)',
    { key: true },
  );
});

j.step('a company signs up', async () => {
  await signUpCompany(j, company);
  await openAccount(j, 'account page (no JS)');
});

j.step('signs out and in again', async () => {
  await signOut(j);
  await signIn(j, { ...company, company: true });
});

// ==== LATER (issue 9): browse /developers, filter (a plain GET form), shortlist (a POST
// form) — all without JavaScript. ===========================================================

j.finish();
