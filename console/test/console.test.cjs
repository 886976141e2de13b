// The console in headless Chromium against a real gateway and services (started by
// tests/console/console_test.sh): what each page shows must equal what the API answers.
// Prints "N passed, N failed"; exit 1 on any failure. Screenshots go to $CT_SCREENSHOTS.
'use strict';
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const GATEWAY = process.env.CT_GATEWAY;
const KEY = process.env.CT_API_KEY;
const SHOTS = process.env.CT_SCREENSHOTS;
const CHROMIUM = process.env.CT_CHROMIUM || '/usr/bin/chromium';
const ENUM_NAME = /\b(TIER|LIFECYCLE_STAGE|QUADRANT|SPEND_TIER|NEED_DEPTH|PROPAGATION_TIER|CAMPAIGN_STATE|CONTACT_CHANNEL)_[A-Z0-9_]+|p_alive|\d\.\d+e-\d+/;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok: ${name}`);
  } else {
    failed += 1;
    console.log(`FAILED: ${name} ${detail}`);
  }
}
function equal(name, actual, expected) {
  check(name, actual === expected, `(screen ${JSON.stringify(actual)}, API ${JSON.stringify(expected)})`);
}

async function api(service, method, body = {}) {
  const response = await fetch(`${GATEWAY}/clienttier.${service}/${method}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify(body) });
  if (!response.ok) {
    throw new Error(`${method}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}
async function apiStream(service, method, body = {}) {
  const response = await fetch(`${GATEWAY}/clienttier.${service}/${method}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify(body) });
  return (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

// The console's own rules (console/src/format.js), written again so a change on one side shows.
const digitsOnly = (text) => Number(String(text).replace(/[^0-9-]/g, ''));
function percent(share, digits = 1) {
  const value = Number(share || 0) * 100;
  return value > 0 && value < 0.1 ? '<0.1%' : `${value.toFixed(digits)}%`;
}
function money(value, locale) {
  const units = BigInt(value.units || '0');
  const whole = new Intl.NumberFormat(locale).format(units / 100n);
  return `${whole}.${(units % 100n).toString().padStart(2, '0')} ${value.currency}`;
}
const signed = (v) => `${Number(v) > 0 ? '+' : ''}${Number(v).toFixed(1)}`;

async function main() {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root (CI, containers) cannot use Chromium's sandbox.
    args: [...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage',
      '--disable-gpu', '--lang=zh-CN', '--font-render-hinting=none'],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1360, height: 900 });
    page.on('console', (message) => {
      if (message.type() === 'error') {
        problems.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) {
        problems.push(`HTTP ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
      }
    });
    // The whole page: the viewport grows to the page's height first (the scrollbar goes, so
    // the charts resize), and the charts have two frames to redraw before the picture.
    const shot = async (name) => {
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewport({ width: 1360, height: Math.max(900, height) });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await new Promise((done) => setTimeout(done, 300));
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
      await page.setViewport({ width: 1360, height: 900 });
    };
    const ready = async (page_) => {
      await page.waitForSelector(`body[data-page="${page_}"] #view[data-ready="true"]`, { timeout: 30000 });
    };
    const go = async (hash, name) => {
      await page.evaluate((h) => { document.getElementById('view').dataset.ready = 'false'; location.hash = h; }, hash);
      await ready(name);
    };
    const text = (selector) => page.$eval(selector, (node) => node.textContent.trim());
    const bodyText = () => page.evaluate(() => document.body.innerText);

    // --- The page itself: security headers, then the sign-in form in Chinese.
    const index = await fetch(`${GATEWAY}/console/`);
    check('the console is served with a Content-Security-Policy',
      /script-src 'self'/.test(index.headers.get('content-security-policy') || ''));
    await page.goto(`${GATEWAY}/`, { waitUntil: 'load' });
    await page.waitForSelector('#signin');
    equal('the sign-in page is in Chinese by default', await text('#signin h1'), '登录');
    await shot('signin');
    await page.type('#api-key', 'not-a-key');
    await page.click('#signin button[type=submit]');
    await page.waitForFunction(() => document.getElementById('signin-error').textContent !== '');
    check('a wrong key is refused on the sign-in page', (await text('#signin-error')).startsWith('登录失败'));
    await page.$eval('#api-key', (node) => { node.value = ''; });
    await page.type('#api-key', KEY);
    await page.click('#signin button[type=submit]');
    await ready('overview');
    check('the key is kept in sessionStorage',
      (await page.evaluate(() => sessionStorage.getItem('clienttier.console.apiKey'))) === KEY);

    // --- Tier overview.
    const distribution = await api('scoring.v1.ScoringService', 'GetTierDistribution');
    const total = Number(distribution.totalClients);
    check('the demo tenant has scored clients', total > 0, `(${total})`);
    equal('total clients', digitsOnly(await text('[data-test="total-clients"]')), total);
    for (const bucket of distribution.tiers) {
      const row = `tr[data-tier="${bucket.tier}"]`;
      equal(`${bucket.tier}: clients`, digitsOnly(await text(`${row} [data-test="tier-clients"]`)), Number(bucket.clients));
      equal(`${bucket.tier}: share of clients`, await text(`${row} [data-test="tier-client-share"]`), percent(Number(bucket.clients) / total));
      equal(`${bucket.tier}: revenue`, await text(`${row} [data-test="tier-revenue"]`), money(bucket.revenue12m, 'zh-CN'));
      equal(`${bucket.tier}: share of revenue`, await text(`${row} [data-test="tier-revenue-share"]`), percent(bucket.revenueShare));
    }
    const chartData = (test) => page.$eval(`canvas[data-test="${test}"]`, (canvas) => {
      const made = window.Chart.getChart(canvas);
      return made ? made.data.datasets.map((d) => d.data) : null;
    });
    const tierBars = await chartData('tier-chart');
    const tierOrder = ['TIER_T1', 'TIER_T2', 'TIER_T3', 'TIER_UNSPECIFIED'];
    const sortedTiers = [...distribution.tiers].sort((a, b) => tierOrder.indexOf(a.tier) - tierOrder.indexOf(b.tier));
    check('the tier chart shows the revenue shares', tierBars !== null &&
      JSON.stringify(tierBars[1].map((v) => v.toFixed(4))) ===
      JSON.stringify(sortedTiers.map((b) => (100 * (b.revenueShare || 0)).toFixed(4))));
    const pareto = await chartData('pareto-chart');
    check('the Pareto curve has the API points', pareto !== null &&
      JSON.stringify(pareto[0].slice(1).map((p) => [p.x.toFixed(3), p.y.toFixed(3)])) ===
      JSON.stringify(distribution.pareto.map((p) => [(100 * p.clientShare).toFixed(3), (100 * p.revenueShare).toFixed(3)])));
    const top20 = distribution.pareto.find((p) => Math.abs(p.clientShare - 0.2) < 1e-9);
    if (top20) {
      check('the Pareto sentence names the top 20%\'s revenue share',
        (await text('[data-test="pareto-20"]')).includes(percent(top20.revenueShare)));
    }
    const funnel = await chartData('funnel-chart');
    check('the lifecycle funnel has the API counts', funnel !== null &&
      JSON.stringify(funnel[0]) === JSON.stringify(distribution.lifecycleFunnel.map((s) => Number(s.count))));
    const scatter = await chartData('quadrant-chart');
    const quadrantTotal = (distribution.quadrants || [])
      .filter((q) => ['star', 'cash_cow', 'question', 'dog'].includes(q.name))
      .reduce((sum, q) => sum + Number(q.count), 0);
    const dots = scatter ? scatter.reduce((sum, d) => sum + d.length, 0) : -1;
    check('the value x potential scatter has a dot per scored client (up to 2000)',
      dots === Math.min(2000, quadrantTotal), `(${dots} dots, ${quadrantTotal} in quadrants)`);
    for (const segment of distribution.rfmSegments || []) {
      equal(`RFM ${segment.name}`, digitsOnly(await text(`[data-segment="${segment.name}"] [data-test="rfm-count"]`)), Number(segment.count));
    }
    check('the cohort/CLV hook is on the page', (await page.$('[data-test="cohort-hook"]')) !== null);
    // The CLV holdout validation: the same request as the page (the last 180 days held out).
    await page.waitForSelector('[data-test="clv-validation"] tbody tr', { timeout: 20000 });
    const now = Date.now();
    const evaluation = await api('scoring.v1.ScoringService', 'EvaluateClvModel', {
      calibrationEnd: new Date(now - 180 * 24 * 3600 * 1000).toISOString(), holdoutEnd: new Date(now).toISOString() });
    const clvRows = evaluation.purchasesByFrequency || [];
    check('the holdout validation has a row per calibration frequency',
      (await page.$$('[data-test="clv-validation"] tbody tr')).length === clvRows.length && clvRows.length > 0,
      `(${clvRows.length} rows from the API)`);
    const clvClients = await page.$$eval('[data-test="clv-validation"] tbody tr td:nth-child(2)',
      (cells) => cells.map((cell) => Number(cell.textContent.replace(/[^0-9]/g, ''))));
    equal('the holdout validation rows have the API client counts', JSON.stringify(clvClients),
      JSON.stringify(clvRows.map((row) => Number(row.clients || 0))));
    const clvBars = await chartData('clv-chart');
    check('the holdout chart draws the API means, actual and predicted', clvBars !== null &&
      JSON.stringify(clvBars) === JSON.stringify([clvRows.map((r) => r.meanActualPurchases || 0), clvRows.map((r) => r.meanPredictedPurchases || 0)]));
    check('the holdout summary gives the actual purchases',
      (await text('[data-test="clv-summary"]')).includes(Number(evaluation.actualHoldoutPurchases || 0).toLocaleString('zh-CN')));
    // The cohort heatmap (GetCohortReport): the latest 12 cohorts, each cell the API's retention.
    await page.waitForSelector('[data-test="cohort-heatmap"] tbody tr', { timeout: 20000 });
    const cohortReport = await api('scoring.v1.ScoringService', 'GetCohortReport', {});
    const latestCohorts = (cohortReport.cohorts || []).slice(-12);
    check('the heatmap has a row per recent cohort',
      (await page.$$('[data-test="cohort-heatmap"] tbody tr')).length === latestCohorts.length && latestCohorts.length > 0,
      `(${latestCohorts.length} cohorts from the API)`);
    let cohortCells = 0;
    for (const cohort of [latestCohorts[0], latestCohorts[Math.floor(latestCohorts.length / 2)], latestCohorts[latestCohorts.length - 1]]) {
      for (const cell of (cohort.cells || []).slice(0, 3)) {
        const selector = `[data-test="cohort-heatmap"] tr[data-month="${cohort.acquisitionMonth}"] td[data-months-since="${cell.monthsSince || 0}"]`;
        equal(`cohort ${cohort.acquisitionMonth} month ${cell.monthsSince || 0} retention`, await text(selector),
          `${Number(cell.retentionPercent || 0).toFixed(1)}%`);
        cohortCells += 1;
      }
    }
    check('cohort cells were compared', cohortCells >= 3, `(${cohortCells})`);
    for (const channel of cohortReport.channels || []) {
      equal(`LTV/CAC channel ${channel.channel || '(none)'} clients`,
        digitsOnly(await text(`[data-test="cohort-channels"] tr[data-channel="${channel.channel || ''}"] td:nth-child(2)`)),
        Number(channel.clients || 0));
    }
    check('the overview shows no enum names or raw probabilities', !ENUM_NAME.test(await bodyText()));
    await shot('overview-zh');

    // --- English.
    await page.evaluate(() => { document.getElementById('view').dataset.ready = 'false'; });
    await page.click('#lang');
    await ready('overview');
    check('the English switch relabels the tiers',
      (await text('tr[data-tier="TIER_T1"] td')) === 'Tier 1');
    equal('the figures stay the same in English', digitsOnly(await text('[data-test="total-clients"]')), total);
    await shot('overview-en');

    // --- Churn warnings.
    const warnings = [];
    let token = '';
    do {
      const answer = await api('scoring.v1.ScoringService', 'ListChurnWarnings', { page: { pageSize: 500, pageToken: token } });
      warnings.push(...(answer.scores || []));
      token = (answer.page && answer.page.nextPageToken) || '';
    } while (token);
    await go('#/churn', 'churn');
    equal('churn warnings: one row per warned client', (await page.$$('[data-test="churn-row"]')).length, warnings.length);
    check('the churn page shows no enum names or raw probabilities', !ENUM_NAME.test(await bodyText()));
    await shot('churn');

    // --- A client, explained.
    const scores = await apiStream('scoring.v1.ScoringService', 'StreamScores', { tiers: ['TIER_T1'] });
    const clientId = warnings.length ? warnings[0].clientId : scores[0].clientId;
    const explanation = await api('scoring.v1.ScoringService', 'ExplainScore', { clientId });
    await go(`#/client/${encodeURIComponent(clientId)}`, 'client');
    const summary = await text('[data-test="client-summary"]');
    const tierWords = { TIER_T1: 'Tier 1', TIER_T2: 'Tier 2', TIER_T3: 'Tier 3' };
    check('the client summary names the tier in words and the score',
      summary.includes(tierWords[explanation.score.tier]) && summary.includes(Number(explanation.score.score).toFixed(1)), summary);
    check('P(alive) is a percentage', (await text('[data-test="p-alive"]')).includes(percent(explanation.score.clv.pAlive)));
    const contributions = await page.$$('[data-test="contribution"]');
    equal('one sentence per score dimension', contributions.length, (explanation.contributions || []).length);
    check('the CLV sentence gives money as people write it',
      (await text('[data-test="clv"]')).includes(money(explanation.score.clv.clv, 'en-US')));
    check('the client page shows no enum names or raw probabilities', !ENUM_NAME.test(await bodyText()));
    await shot('client');
    await page.evaluate(() => { document.getElementById('view').dataset.ready = 'false'; });
    await page.click('#lang');
    await ready('client');
    check('the client page in Chinese names the tier in Chinese',
      /^[\s\S]*(一级客户|二级客户|三级客户)/.test(await text('[data-test="client-summary"]')));
    check('the Chinese client page shows no enum names or raw probabilities', !ENUM_NAME.test(await bodyText()));
    await shot('client-zh');
    await page.evaluate(() => { document.getElementById('view').dataset.ready = 'false'; });
    await page.click('#lang');
    await ready('client');

    // --- Segment builder: the live count follows the rule; the CSV export is the gateway's.
    await go('#/segments', 'segments');
    const previewCount = () => page.$eval('[data-test="preview-count"]', (n) => Number(n.dataset.members));
    const defaultPreview = await api('campaign.v1.CampaignService', 'PreviewSegment', { rule: 'tier in ("T1", "T2")', sampleSize: 10 });
    equal('preview count of the default rule', await previewCount(), Number(defaultPreview.members || 0));
    const typed = 'lifecycle = "mature"';
    await page.$eval('#rule', (node) => { node.value = ''; });
    await page.type('#rule', typed);
    await page.waitForFunction(() => document.querySelector('[data-test="preview"]').dataset.state === 'done'
      && document.querySelector('[data-test="preview-count"]'), { timeout: 15000 });
    const typedPreview = await api('campaign.v1.CampaignService', 'PreviewSegment', { rule: typed, sampleSize: 10 });
    equal('the live preview follows the typed rule', await previewCount(), Number(typedPreview.members || 0));
    await page.type('#rule', ' and');
    await page.waitForSelector('[data-test="preview-error"]', { timeout: 15000 });
    check('a broken rule shows the service\'s message', (await text('[data-test="preview-error"]')).includes('rule'));
    const segments = (await api('campaign.v1.CampaignService', 'ListSegments', { page: { pageSize: 200 } })).segments || [];
    equal('one row per saved segment', (await page.$$('[data-test="segment-row"]')).length, segments.length);
    if (segments.length) {
      const id = segments[0].segmentId;
      const csv = await fetch(`${GATEWAY}/v1/segments/${id}/members.csv?channel=email`, { headers: { 'x-api-key': KEY } });
      const bytes = (await csv.arrayBuffer()).byteLength;
      await page.click(`[data-test="export"][data-segment="${id}"]`);
      await page.waitForFunction(() => document.querySelector('[data-test="export-status"]').textContent !== '', { timeout: 30000 });
      equal('the CSV export downloads the gateway\'s file', await page.$eval('[data-test="export-status"]', (n) => Number(n.dataset.bytes)), bytes);
    }
    await page.$eval('#rule', (node) => { node.value = ''; });
    await page.type('#rule', typed);
    await page.waitForFunction(() => document.querySelector('[data-test="preview"]').dataset.state === 'done'
      && document.querySelector('[data-test="preview-count"]'), { timeout: 15000 });
    await shot('segments');

    // --- Campaigns with uplift and its interval.
    const campaigns = (await api('campaign.v1.CampaignService', 'ListCampaigns', { page: { pageSize: 100 } })).campaigns || [];
    await go('#/campaigns', 'campaigns');
    equal('one row per campaign', (await page.$$('[data-test="campaign-row"]')).length, campaigns.length);
    for (const campaign of campaigns) {
      const report = await api('campaign.v1.CampaignService', 'GetCampaignReport', { campaignId: campaign.campaignId });
      if (report.absoluteUpliftPp !== undefined) {
        const row = `[data-campaign="${campaign.campaignId}"]`;
        check(`${campaign.campaignId}: uplift in points`, (await text(`${row} [data-test="uplift"]`)).includes(signed(report.absoluteUpliftPp)));
        if (report.upliftLowPp !== undefined) {
          const interval = await text(`${row} [data-test="uplift-interval"]`);
          check(`${campaign.campaignId}: its 95% interval`,
            interval.includes(signed(report.upliftLowPp)) && interval.includes(signed(report.upliftHighPp)), interval);
        }
      }
    }
    check('the campaigns page shows no enum names', !ENUM_NAME.test(await bodyText()));
    await shot('campaigns');

    // --- Sign out forgets the key.
    await page.click('#signout');
    await page.waitForSelector('#signin');
    check('sign-out forgets the key', (await page.evaluate(() => sessionStorage.getItem('clienttier.console.apiKey'))) === null);
  } finally {
    await browser.close();
  }
  // Only the deliberate refusals may have logged an error: the wrong key's 401 and the broken
  // rule's 400.
  const deliberate = [/^HTTP 401 POST \/clienttier\.scoring\.v1\.ScoringService\/GetScoringConfig$/,
    /^HTTP 400 POST \/clienttier\.campaign\.v1\.CampaignService\/PreviewSegment$/,
    /^console: Failed to load resource: the server responded with a status of 40[01]/];
  const unexpected = problems.filter((p) => !deliberate.some((pattern) => pattern.test(p)));
  check('no script error and no Content-Security-Policy violation', unexpected.length === 0, unexpected.join('\n'));
}

main().catch((error) => {
  failed += 1;
  console.log(`FAILED: ${error.stack || error}`);
}).finally(() => {
  console.log(`console: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
});
