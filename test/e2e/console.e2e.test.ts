/**
 * End to end, as an operator uses the console: the built station runs as a child process on a
 * fresh data directory, an operator account is made with the admin token it prints, and a real
 * headless Chromium (Debian's, driven by playwright-core) signs in through the form, creates a key
 * and reads its plaintext, tops it up, generates an image in the playground with it, and finds
 * the request and its charge in the usage log; then generates with a pasted key, edits and
 * revokes keys, reads the dashboard, tests, adds, disables, enables and removes channels, bans a
 * word, is sent back to sign-in by a 401 and signs out. What the pages show is checked against
 * the admin API, and any browser console error or page error fails the run. A full-page screenshot of each page goes to test-results/console/ (not committed).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ROOT, startStation, type RunningStation } from '../helpers/processes.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results', 'console');
const OPERATOR = { username: 'olivia', password: 'a long enough passphrase for e2e' };
/** sd3.5-large's default price (README "Prices"): the playground's default model. */
const PRICE = '6.5';

function skipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`REQUIRE_SERVICES=1 but ${CHROMIUM} is missing (apt-get install chromium)`);
  return `${CHROMIUM} is missing: install Debian's chromium to run the console test`;
}

/** Resolves with the first match of `pattern` in the station's output, which may arrive in later chunks. */
function fromOutput(station: RunningStation, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(station.output());
      if (!match) return;
      station.child.stdout!.off('data', check);
      station.child.off('exit', onExit);
      resolve(match[1]!);
    };
    const onExit = () => reject(new Error(`the station exited before printing ${pattern}:\n${station.output()}`));
    station.child.stdout!.on('data', check);
    station.child.once('exit', onExit);
    check();
  });
}

interface Ledger {
  balance: string;
  ledger: { id: number; kind: string; amount: string; note: string | null; ref: string | null }[];
}
/** The ledger in the order it was written, whichever order the API pages it in. */
const oldestFirst = (credits: Ledger) => [...credits.ledger].sort((a, b) => a.id - b.id);

/** Waits until the locator's text is exactly `text` (Playwright polls; no sleeping). */
const hasText = (locator: Locator, text: string) => locator.filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first().waitFor();

/**
 * Runs in the page: the natural width of the image `selector` names once it has loaded, else 0
 * (falsy, so waitForFunction polls on). A function, not a string: the console's CSP forbids the
 * eval that polling a string would need. This tsconfig has no DOM types, hence the narrow cast.
 */
const loadedWidth = (selector: string) => {
  const img = (globalThis as unknown as { document: { querySelector(s: string): { complete: boolean; naturalWidth: number } | null } }).document.querySelector(selector);
  return img !== null && img.complete && img.naturalWidth > 0 ? img.naturalWidth : 0;
};

/** The <dd> after the <dt> named `term`. */
const definition = (scope: Page | Locator, term: string) => scope.locator(`dt:text-is("${term}") + dd`);

describe('the operator console in headless Chromium', { skip: skipReason(), timeout: 180_000 }, () => {
  let dataDir: string;
  let station: RunningStation;
  let adminToken: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  /** 401s the test provokes on purpose (before sign-in, after the cookie is dropped) are not faults. */
  let expected401 = (url: string) => url.endsWith('/admin/api/session');
  let key: { id: string; plaintext: string };
  let demoKey: string;
  let requestId: string;

  const admin = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${station.url}/admin/api${url}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const openPage = async (title: string) => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  };

  before(async () => {
    assert.ok(existsSync(path.join(ROOT, 'dist', 'console', 'index.html')), 'the console is not built: run npm run build');
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aigate-console-e2e-'));
    station = await startStation({ AIGATE_DATA_DIR: dataDir });
    adminToken = await fromOutput(station, /admin token:\s+(adm-[A-Za-z0-9_-]+)/);
    demoKey = await fromOutput(station, /demo API key \(100 cr\):\s+(sk-[A-Za-z0-9_-]{48})/);
    await admin('POST', '/operators', OPERATOR);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      // Chromium logs every failed request; a 401 the test asked for is no fault of the console.
      if (/status of 401/.test(message.text()) && expected401(where)) return;
      problems.push(`console error: ${message.text()} (${where})`);
    });
  });

  after(async () => {
    await browser?.close();
    await station?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in through the form and keeps the Secure session cookie over http://127.0.0.1', async () => {
    await page.goto(`${station.url}/admin`);
    assert.equal(new URL(page.url()).pathname, '/admin/', '/admin redirects to /admin/');
    await page.getByRole('heading', { name: 'Sign in to aigate' }).waitFor();
    await page.getByLabel('Username', { exact: true }).fill(OPERATOR.username);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong username or password' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(OPERATOR.password);
    await shot('sign-in');
    expected401 = () => false;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByText(`Signed in as ${OPERATOR.username}`).waitFor();

    const cookie = (await context.cookies(`${station.url}/admin/`)).find((c) => c.name === 'aigate_admin');
    assert.ok(cookie, 'Chromium stored the Secure session cookie from plain http on 127.0.0.1');
    assert.deepEqual([cookie.secure, cookie.httpOnly, cookie.sameSite, cookie.path], [true, true, 'Strict', '/admin']);
    assert.equal(await page.evaluate('document.cookie'), '', 'scripts cannot read the session cookie');
  });

  it('creates a key on the Keys page and shows its plaintext once', async () => {
    await openPage('Keys');
    const form = page.getByRole('form', { name: 'Create a key' });
    await form.getByLabel('Name', { exact: true }).fill('e2e console');
    await form.getByLabel('Credits', { exact: true }).fill('10');
    await form.getByLabel('Rate limit', { exact: true }).fill('5/10s');
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByLabel('New API key', { exact: true });
    await secret.waitFor();
    const plaintext = await secret.inputValue();
    assert.match(plaintext, /^sk-[A-Za-z0-9_-]{48}$/);
    await page.getByRole('row', { name: /e2e console/ }).waitFor();
    await shot('keys');

    const { keys } = await admin<{ keys: { id: string; name: string; display: string; available: string; rate_limit: string }[] }>('GET', '/keys');
    const created = keys.find((k) => k.name === 'e2e console');
    assert.ok(created);
    assert.deepEqual([created.available, created.rate_limit], ['10', '5/10s']);
    assert.ok(created.display.endsWith(plaintext.slice(-4)));
    key = { id: created.id, plaintext };
  });

  it('tops the key up on the Credits page', async () => {
    await page.getByRole('row', { name: /e2e console/ }).getByRole('link', { name: 'Credits' }).click();
    await page.getByRole('heading', { level: 1, name: 'Credits' }).waitFor();
    await hasText(definition(page, 'Balance'), '10');
    const form = page.getByRole('form', { name: 'Top up' });
    await form.getByLabel('Amount', { exact: true }).fill('100');
    await form.getByLabel('Note', { exact: true }).fill('e2e top-up');
    await form.getByRole('button', { name: 'Add credits' }).click();
    await page.getByRole('status').filter({ hasText: 'the balance is now 110' }).waitFor();
    await hasText(definition(page, 'Balance'), '110');
    await page.getByRole('row', { name: /topup.*100.*110.*e2e top-up/ }).waitFor();
    await shot('credits');

    const credits = await admin<Ledger>('GET', `/keys/${key.id}/credits`);
    assert.equal(credits.balance, '110');
    assert.deepEqual(oldestFirst(credits).map((e) => [e.kind, e.amount, e.note]), [['grant', '10', 'opening balance'], ['topup', '100', 'e2e top-up']]);
  });

  it('generates an image in the playground with that key and shows it with its cost', async () => {
    const { prices } = await admin<{ prices: { model: string; credits: string }[] }>('GET', '/prices');
    assert.equal(prices.find((p) => p.model === 'sd3.5-large')?.credits, PRICE);
    await openPage('Playground');
    const form = page.getByRole('form', { name: 'Generate an image' });
    assert.equal(await form.getByLabel('API key', { exact: true }).inputValue(), key.id, 'the key created in this tab is offered first');
    await form.getByRole('option', { name: 'sd3.5-large', exact: true }).waitFor({ state: 'attached' });
    assert.equal(await form.getByLabel('Model', { exact: true }).inputValue(), 'sd3.5-large');
    await form.getByLabel('Prompt', { exact: true }).fill('a lighthouse on a cliff, seen from the console');
    const answered = page.waitForResponse((r) => r.url().endsWith('/v2beta/stable-image/generate/sd3'));
    await form.getByRole('button', { name: 'Generate' }).click();
    const response = await answered;
    assert.equal(response.status(), 200);
    requestId = response.headers()['x-request-id']!;
    assert.match(requestId, /^[0-9a-f]{32}$/);

    const width = await page.waitForFunction(loadedWidth, 'img.generated');
    assert.equal(await width.jsonValue(), 1024);
    await hasText(definition(page, 'Cost'), `${PRICE} credits`);
    await hasText(definition(page, 'Request id'), requestId);
    await hasText(definition(page, 'Finish reason'), 'SUCCESS');
    await shot('playground');
  });

  it('shows that request with status 200 and its charge in the usage log', async () => {
    await openPage('Usage log');
    const row = page.locator(`tr[data-request-id="${requestId}"]`);
    await row.waitFor();
    const cells = (await row.getByRole('cell').allTextContents()).map((t) => t.trim());
    assert.equal(cells[1], requestId);
    assert.equal(cells[2], key.id);
    assert.deepEqual([cells[4], cells[5], cells[7], cells[8]], ['sd3.5-large', '200', 'sandbox', PRICE]);
    // Where the station keeps the image, its thumbnail loads with the session cookie alone.
    const { usage } = await admin<{ usage: { request_id: string; image_url?: string | null }[] }>('GET', `/usage?key=${key.id}`);
    if (usage.find((u) => u.request_id === requestId)?.image_url) {
      await page.waitForFunction(loadedWidth, `tr[data-request-id="${requestId}"] img.thumb`);
    }
    await shot('usage');

    const credits = await admin<Ledger>('GET', `/keys/${key.id}/credits`);
    assert.equal(credits.balance, '103.5', 'top-up + initial - the price');
    assert.deepEqual(oldestFirst(credits).map((e) => [e.kind, e.amount, e.ref]), [['grant', '10', null], ['topup', '100', null], ['charge', `-${PRICE}`, requestId]]);
  });

  it('generates with a pasted key, another model and format, and finds the cost through the key\'s account', async () => {
    const { prices } = await admin<{ prices: { model: string; credits: string }[] }>('GET', '/prices');
    const flash = prices.find((p) => p.model === 'sd3.5-flash')!.credits;
    await openPage('Playground');
    const form = page.getByRole('form', { name: 'Generate an image' });
    await form.getByLabel('API key', { exact: true }).selectOption('paste');
    await form.getByLabel('Pasted API key', { exact: true }).fill(demoKey);
    await form.getByRole('option', { name: 'sd3.5-flash', exact: true }).waitFor({ state: 'attached' });
    await form.getByLabel('Model', { exact: true }).selectOption('sd3.5-flash');
    await form.getByLabel('Output format', { exact: true }).selectOption('webp');
    await form.getByLabel('Prompt', { exact: true }).fill('a red fox at dawn');
    const answered = page.waitForResponse((r) => r.url().endsWith('/v2beta/stable-image/generate/sd3'));
    await form.getByRole('button', { name: 'Generate' }).click();
    const response = await answered;
    assert.equal(response.status(), 200);
    await hasText(definition(page, 'Request id'), response.headers()['x-request-id']!);
    await hasText(definition(page, 'Format'), 'image/webp');
    await hasText(definition(page, 'Cost'), `${flash} credits`);

    const { keys } = await admin<{ keys: { id: string; name: string; balance: string }[] }>('GET', '/keys');
    assert.equal(keys.find((k) => k.name === 'demo')?.balance, '97.5');
  });

  it("edits the key's limits and revokes the demo key on the Keys page", async () => {
    await openPage('Keys');
    await page.getByRole('button', { name: 'Edit e2e console' }).click();
    const form = page.getByRole('form', { name: 'Edit key e2e console' });
    await form.getByLabel('Rate limit', { exact: true }).fill('');
    await form.getByLabel('Spending cap', { exact: true }).fill('20');
    await form.getByRole('checkbox', { name: /^sd3\.5-large \(/ }).check();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /e2e console/ }).getByRole('cell', { name: 'sd3.5-large', exact: true }).waitFor();
    const edited = await admin<{ cap: string | null; rate_limit: string | null; models: string[] | null }>('GET', `/keys/${key.id}`);
    assert.deepEqual([edited.cap, edited.rate_limit, edited.models], ['20', null, ['sd3.5-large']]);

    const demo = page.getByRole('row', { name: /^demo / });
    await demo.getByRole('button', { name: 'Revoke' }).click();
    await demo.getByRole('button', { name: 'Yes, revoke' }).click();
    await demo.getByText('revoked', { exact: true }).waitFor();
    const { keys } = await admin<{ keys: { name: string; status: string }[] }>('GET', '/keys');
    assert.deepEqual(keys.map((k) => [k.name, k.status]).sort(), [['demo', 'revoked'], ['e2e console', 'active']]);
  });

  it('shows the dashboard with totals and charts', async () => {
    await openPage('Dashboard');
    await hasText(definition(page, 'Requests'), '2');
    await hasText(definition(page, 'Success rate'), '100.0%');
    await hasText(definition(page, 'Credits spent'), '9');
    await page.locator('figure.chart canvas').first().waitFor();
    await page.locator('figcaption', { hasText: 'Latency of sandbox (2 calls, 0 errors)' }).waitFor();
    await shot('dashboard');
  });

  it('lists the sandbox channel, refreshes it while open, and tests it', async () => {
    await openPage('Channels');
    const row = page.getByRole('row', { name: /sandbox/ });
    await row.waitFor();
    await row.getByText('enabled').waitFor();
    // The page polls: the next GET /admin/api/channels comes without any action here.
    await page.waitForResponse((r) => r.url().endsWith('/admin/api/channels') && r.request().method() === 'GET' && r.status() === 200);
    await row.getByRole('button', { name: 'Test sandbox' }).click();
    await page.getByRole('status').filter({ hasText: /^Test of sandbox: ok, \d+ ms/ }).waitFor();
    await shot('channels');
  });

  it('adds a channel, disables it with a reason, enables it and removes it', async () => {
    const add = page.getByRole('form', { name: 'Add a channel' });
    await add.getByLabel('Provider', { exact: true }).selectOption('a1111');
    await add.getByLabel('Name', { exact: true }).fill('spare');
    await add.getByLabel('Base URL', { exact: true }).fill('http://127.0.0.1:9');
    await add.getByLabel('Models', { exact: true }).fill('sd3-medium');
    await add.getByLabel('Priority', { exact: true }).fill('-1');
    await add.getByRole('button', { name: 'Add channel' }).click();
    const spare = page.getByRole('row', { name: /^spare / });
    await spare.getByText('enabled', { exact: true }).waitFor();

    await spare.getByRole('button', { name: 'Disable spare' }).click();
    const disable = spare.getByRole('form', { name: 'Disable spare' });
    await disable.getByLabel('Reason', { exact: true }).fill('e2e maintenance');
    await disable.getByRole('button', { name: 'Disable', exact: true }).click();
    await spare.getByText('e2e maintenance').waitFor();
    const channel = async () => (await admin<{ channels: { name: string; provider: string; priority: number; models: string[] | null; enabled: boolean; disabled_reason: string | null }[] }>('GET', '/channels')).channels.find((c) => c.name === 'spare');
    assert.deepEqual(await channel(), { ...(await channel()), provider: 'a1111', priority: -1, models: ['sd3-medium'], enabled: false, disabled_reason: 'e2e maintenance' });

    await spare.getByRole('button', { name: 'Enable' }).click();
    await spare.getByText('enabled', { exact: true }).waitFor();
    assert.equal((await channel())?.enabled, true);
    await spare.getByRole('button', { name: 'Remove' }).click();
    await spare.getByRole('button', { name: 'Yes, remove' }).click();
    await spare.waitFor({ state: 'detached' });
    assert.equal(await channel(), undefined);
  });

  it('bans a word on the Banned words page', async () => {
    await openPage('Banned words');
    await page.getByLabel('Word or phrase', { exact: true }).fill('  Forbidden   Fruit ');
    await page.getByRole('button', { name: 'Ban it' }).click();
    await page.getByRole('list', { name: 'Banned words' }).getByText('forbidden fruit', { exact: true }).waitFor();
    await shot('banned-words');
    assert.deepEqual((await admin<{ words: string[] }>('GET', '/banned-words')).words, ['forbidden fruit']);
  });

  it('returns to the sign-in page on any 401, and back to the same page after signing in', async () => {
    await context.clearCookies();
    // Every call of the page being opened is refused now; the first refusal signs the console out.
    expected401 = (url) => url.includes('/admin/api/');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Keys', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in to aigate' }).waitFor();
    await page.getByLabel('Username', { exact: true }).fill(OPERATOR.username);
    await page.getByLabel('Password', { exact: true }).fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
    await page.getByRole('row', { name: /e2e console/ }).waitFor();
    expected401 = () => false;
  });

  it('signs out, and the cookie is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to aigate' }).waitFor();
    assert.equal((await context.cookies(`${station.url}/admin/`)).find((c) => c.name === 'aigate_admin'), undefined);
  });

  it('saw no browser console error and no page error', () => {
    assert.deepEqual(problems, []);
  });
});
