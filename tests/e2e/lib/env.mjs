// Settings the suite reads from the environment (tests/e2e/run.sh sets them all).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '../..');

export const BASE_URL = (process.env.LADDER_E2E_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const ADMIN_EMAIL = process.env.LADDER_E2E_ADMIN_EMAIL || 'admin@e2e.example';
export const ADMIN_PASSWORD = process.env.LADDER_E2E_ADMIN_PASSWORD || '';
export const OUT_DIR = path.resolve(process.env.LADDER_E2E_OUT || path.join(REPO_ROOT, 'target/e2e'));
export const CHROMIUM = process.env.LADDER_E2E_CHROMIUM || '/usr/bin/chromium';
export const VNU_JAR = path.join(E2E_DIR, 'node_modules/vnu-jar/build/dist/vnu.jar');

// The only host a page may talk to.
export const ALLOWED_HOST = new URL(BASE_URL).hostname;

// Unique per run, so the suite can run twice against the same server.
export const RUN_ID = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** A fresh, unique address at a reserved domain: `uniqueEmail('company')`. */
export function uniqueEmail(who) {
  return `${who}-${RUN_ID}@e2e.example`;
}

export const PASSWORD = 'correct horse battery staple';

/** A 64×64 PNG for avatar uploads. */
export const AVATAR = path.join(E2E_DIR, 'fixtures/avatar-64.png');
