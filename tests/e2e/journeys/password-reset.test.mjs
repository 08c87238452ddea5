// Password reset through the development mailbox, then sign in with the new password.
import { journey } from '../lib/journey.mjs';
import { PASSWORD, uniqueEmail } from '../lib/env.mjs';
import {
  applyAsDeveloper,
  signOut,
  requestPasswordReset,
  followEmailLink,
  chooseNewPassword,
  fillSignIn,
  signInRefused,
  openAccount,
  RESET,
} from '../lib/flows.mjs';

const j = journey('password reset');
const user = { name: 'Ines Duarte', email: uniqueEmail('reset'), password: PASSWORD, country: 'PT', timeZone: 'Europe/Lisbon' };
const newPassword = 'a brand new passphrase 42';

j.step('someone with an account is signed out', async () => {
  // Applying leaves the browser signed out, on "Check your email".
  await applyAsDeveloper(j, user);
});

j.step('asks for a reset link', async () => {
  await requestPasswordReset(j, user.email);
});

j.step('follows the link from the development mailbox and saves a new password', async () => {
  await followEmailLink(j, { to: user.email, ...RESET, label: 'choose a new password' });
  await chooseNewPassword(j, newPassword);
  await j.page.getByRole('heading', { level: 1, name: 'Your password is changed' }).waitFor();
});

j.step('signs in with the new password', async () => {
  await j.click(j.page.getByRole('main').getByRole('link', { name: 'Sign in' }), 'sign-in form after the reset');
  await fillSignIn(j, { email: user.email, password: newPassword });
  await openAccount(j, 'account page after the reset', { key: false });
});

j.step('the old password no longer works', async () => {
  await signOut(j);
  await signInRefused(j, { email: user.email, password: user.password });
});

j.finish();
