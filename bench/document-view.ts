/**
 * Benchmark of `<sb-document-view>` in headless Chromium: a 500 KB transcript (about 5,000 turns)
 * with 5,000 segments over 40 codes.
 *
 *   node bin/run-ts.js bench/document-view.ts [--runs 10] [--chars 500000] [--segments 5000]
 *
 * The component and a small harness are bundled with esbuild (production Lit), served from a
 * throwaway HTTP server on 127.0.0.1 and opened with playwright-core in Debian's Chromium. The
 * harness generates the document deterministically in the page. Each sample runs from the property
 * assignment until `updateComplete` plus two animation frames (the frame with the change has been
 * painted). Figures:
 *
 *   - first render: a fresh element gets doc, segments, codes and users (highlights and stripes);
 *     the first (cold) sample is reported apart, then `runs` warm samples;
 *   - add one segment: the app passes a new `segments` array with one more segment;
 *   - reference: the same text as the textContent of one plain <pre>, laid out (same frame wait).
 *
 * Budgets (issue 3): first render within 500 ms, one more segment within 50 ms. Prints a table and
 * writes bench/out/document-view.json.
 */
import { build } from 'esbuild';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { distribution, type Distribution } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    chars: { type: 'string', default: '500000' },
    segments: { type: 'string', default: '5000' },
  },
});
const RUNS = Number(args.runs);
const CHARS = Number(args.chars);
const SEGMENTS = Number(args.segments);
const BUDGET_RENDER_MS = 500;
const BUDGET_UPDATE_MS = 50;

/**
 * The page side, bundled by esbuild. Plain data generation (a seeded PRNG, never Math.random) and
 * the three measurements; everything crosses to Node as JSON.
 */
const harness = /* ts */ `
import '../web/components/sb-document-view.js';
import type { SbDocumentView } from '../web/components/sb-document-view.js';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('also ähm ja genau die Familie hat dann gesagt dass sie den Antrag noch nicht gestellt hat ' +
  'und wir haben zusammen überlegt wie es weitergeht das Jugendamt war auch schon da ich schreibe mir ' +
  'Stichpunkte auf und übertrage sie später in Gedok manchmal erst am nächsten Tag weil das Telefon klingelt ' +
  'Beratung Gespräch Vereinbarung Termin Kita Schule Wohnung Miete Jobcenter Kinder Mutter Vater Oma ' +
  'schwierig wichtig eigentlich natürlich vielleicht trotzdem außerdem übrigens häufig selten').split(' ');

/** #rrggbb of an HSL colour (h in degrees, s and l in 0..1). */
function hslHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)))).toString(16).padStart(2, '0');
  };
  return '#' + f(0) + f(8) + f(4);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function generate(chars: number, segmentCount: number) {
  const rnd = random(20240601);
  const pick = <T,>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const parts: string[] = [];
  const turns: { speaker: string; start: number; end: number; textStart: number; time: number }[] = [];
  let length = 0;
  let seconds = 0;
  let turn = 0;
  while (length < chars) {
    const speaker = turn % 2 === 0 ? 'I' : 'FK';
    const stamp = '#' + pad(Math.floor(seconds / 3600)) + ':' + pad(Math.floor(seconds / 60) % 60) + ':' + pad(seconds % 60) + '-' + Math.floor(rnd() * 10) + '#';
    const words: string[] = [];
    const target = 40 + Math.floor(rnd() * 120);
    let sentence = 0;
    for (let n = 0; n < target; ) {
      let w = pick(WORDS);
      if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
      sentence++;
      if (sentence > 6 && rnd() < 0.2) {
        w += pick(['.', '.', '?', ',']);
        if (!w.endsWith(',')) sentence = 0;
      }
      words.push(w);
      n += w.length + 1;
    }
    const label = speaker + ': ';
    const line = label + stamp + ' ' + words.join(' ') + '.';
    const start = length;
    turns.push({ speaker, start, end: start + line.length, textStart: start + label.length + stamp.length + 1, time: seconds });
    parts.push(line, '\\n\\n');
    length += line.length + 2;
    seconds += 5 + Math.floor(rnd() * 40);
    turn++;
  }
  const text = parts.join('').slice(0, -2);
  const when = '2024-01-01T00:00:00.000Z';
  const definition = { description: '', inclusion: '', exclusion: '', anchors: [], rules: '' };
  const codes: unknown[] = [];
  const codable: string[] = [];
  for (let p = 0; p < 8; p++) {
    codes.push({ id: 'cat' + p, parentId: null, name: 'Kategorie ' + (p + 1), colour: '#64748b', isCodable: false, order: p, definition, created: when, modified: when, version: 1 });
    for (let c = 0; c < 5; c++) {
      const id = 'code' + p + '-' + c;
      const hue = (p * 5 + c) * 9;
      const colour = hslHex(hue, 0.65, 0.5);
      codes.push({ id, parentId: 'cat' + p, name: pick(WORDS) + ' ' + (p * 5 + c + 1), colour, isCodable: true, order: c, definition, created: when, modified: when, version: 1 });
      codable.push(id);
    }
  }
  const segment = (i: number, within = text.length) => {
    const start = Math.floor(rnd() * (Math.min(within, text.length) - 50));
    const end = Math.min(text.length, start + 15 + Math.floor(rnd() * (rnd() < 0.1 ? 600 : 150)));
    return { id: 'seg' + i, documentId: 'doc1', codeId: pick(codable), start, end, coder: pick(['u1', 'u2', 'u3']), memo: rnd() < 0.1 ? 'Memo ' + i : '', created: when, modified: when, version: 1 };
  };
  const segments = Array.from({ length: segmentCount }, (_, i) => segment(i));
  // Segments added later: half anywhere (mostly off screen), half at the top (on screen).
  const extra = Array.from({ length: 100 }, (_, i) => segment(segmentCount + i));
  const extraVisible = Array.from({ length: 100 }, (_, i) => segment(segmentCount + 100 + i, 2500));
  const doc = { id: 'doc1', title: 'Interview (synthetisch)', kind: 'interview', text, attributes: {}, turns, created: when, version: 1 };
  return { doc, segments, extra, extraVisible, codes, users: { u1: 'Anna', u2: 'Ben', u3: 'Chris' } };
}

const frames = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
const stage = document.getElementById('stage')!;
let data: ReturnType<typeof generate>;
let view: SbDocumentView | null = null;
let added = 0;
let addedVisible = 0;

(window as unknown as { bench: unknown }).bench = {
  setup(chars: number, segments: number) {
    data = generate(chars, segments);
    return { chars: data.doc.text.length, bytes: new TextEncoder().encode(data.doc.text).length, turns: data.doc.turns.length, paragraphs: data.doc.text.split('\\n').length, segments: data.segments.length, codes: data.codes.length };
  },
  async firstRender() {
    stage.replaceChildren();
    view = null;
    await frames();
    const t0 = performance.now();
    const el = document.createElement('sb-document-view');
    el.style.height = '100%';
    el.doc = data.doc as never;
    el.segments = data.segments as never;
    el.codes = data.codes as never;
    el.users = data.users;
    stage.append(el);
    await el.updateComplete;
    const t1 = performance.now();
    await frames();
    const t2 = performance.now();
    view = el;
    added = 0;
    addedVisible = 0;
    const root = el.shadowRoot!;
    const rows = root.querySelectorAll('.p').length;
    const visible = { highlights: root.querySelectorAll('[data-segs]').length, stripes: root.querySelectorAll('button.stripe').length };
    // Rows off screen are built in idle time (or when scrolled near): wait until all are.
    const give = performance.now() + 20000;
    while (el.paragraphRenders < rows && performance.now() < give) await new Promise((r) => requestAnimationFrame(r));
    const t3 = performance.now();
    return { updateMs: t1 - t0, paintedMs: t2 - t0, completeMs: t3 - t0, rows, visible, highlights: root.querySelectorAll('[data-segs]').length, stripes: root.querySelectorAll('button.stripe').length };
  },
  async scrollJump() {
    stage.replaceChildren();
    await frames();
    const el = document.createElement('sb-document-view');
    el.style.height = '100%';
    el.doc = data.doc as never;
    el.segments = data.segments as never;
    el.codes = data.codes as never;
    el.users = data.users;
    stage.append(el);
    await el.updateComplete;
    await frames();
    const t0 = performance.now();
    el.scrollTop = el.scrollHeight / 2;
    const root = el.shadowRoot!;
    const give = performance.now() + 5000;
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const rect = el.getBoundingClientRect();
      const row = root.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2)?.closest('.chunk');
      if ((row && row.querySelector('[data-segs], .stripe')) || performance.now() > give) break;
    }
    const ms = performance.now() - t0;
    stage.replaceChildren();
    return { paintedMs: ms, updateMs: ms };
  },
  async addSegment(visible: boolean) {
    const el = view!;
    const seg = visible ? data.extraVisible[addedVisible++ % data.extraVisible.length]! : data.extra[added++ % data.extra.length]!;
    const before = el.paragraphRenders;
    const t0 = performance.now();
    el.segments = [...el.segments, seg as never];
    await el.updateComplete;
    const t1 = performance.now();
    await frames();
    const t2 = performance.now();
    return { updateMs: t1 - t0, paintedMs: t2 - t0, rowsRebuilt: el.paragraphRenders - before };
  },
  async reference() {
    stage.replaceChildren();
    view = null;
    await frames();
    const t0 = performance.now();
    const pre = document.createElement('pre');
    pre.style.whiteSpace = 'pre-wrap';
    pre.textContent = data.doc.text;
    stage.append(pre);
    void pre.offsetHeight;
    const t1 = performance.now();
    await frames();
    const t2 = performance.now();
    return { updateMs: t1 - t0, paintedMs: t2 - t0 };
  },
};
`;

const page = `<!doctype html>
<html lang="de">
  <head>
    <meta charset="utf-8" />
    <title>sb-document-view benchmark</title>
    <style>
      html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
      #stage { height: 100vh; overflow: auto; }
    </style>
  </head>
  <body>
    <div id="stage"></div>
    <script type="module" src="./bundle.js"></script>
  </body>
</html>
`;

interface Sample {
  updateMs: number;
  paintedMs: number;
}

async function serveFolder(dir: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8' };
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').slice(1).split('?')[0]!;
    if (!/^[\w.-]+$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(dir, name)).then(
      (body) => res.writeHead(200, { 'content-type': types[name.split('.').pop() ?? ''] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const ms = (n: number): string => n.toFixed(1).padStart(8);

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'sichtbar-bench-view-'));
  let server: Server | undefined;
  const browser = await chromium.launch({
    executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  try {
    await build({
      stdin: { contents: harness, resolveDir: here, sourcefile: 'document-view-harness.ts', loader: 'ts' },
      bundle: true,
      format: 'esm',
      target: 'es2022',
      minify: true,
      outfile: join(tmp, 'bundle.js'),
      logLevel: 'warning',
    });
    await writeFile(join(tmp, 'index.html'), page);
    const served = await serveFolder(tmp);
    server = served.server;
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(served.url);
    await tab.waitForFunction(() => 'bench' in window);
    type Bench = {
      setup(chars: number, segments: number): Record<string, number>;
      firstRender(): Promise<Sample & { completeMs: number; rows: number; visible: { highlights: number; stripes: number }; highlights: number; stripes: number }>;
      scrollJump(): Promise<Sample>;
      addSegment(visible: boolean): Promise<Sample & { rowsRebuilt: number }>;
      reference(): Promise<Sample>;
    };
    const bench = <K extends keyof Bench>(name: K, ...params: unknown[]) =>
      tab.evaluate(([n, p]) => ((window as unknown as { bench: Record<string, (...a: unknown[]) => unknown> }).bench[n as string] as (...a: unknown[]) => unknown)(...(p as unknown[])), [name, params] as const) as Promise<Awaited<ReturnType<Bench[K]>>>;

    const corpus = await bench('setup', CHARS, SEGMENTS);
    const cold = await bench('firstRender');
    const renders: (Sample & { completeMs: number; rows: number; visible: { highlights: number; stripes: number }; highlights: number; stripes: number })[] = [];
    const jumps: Sample[] = [];
    const adds: (Sample & { rowsRebuilt: number })[] = [];
    const addsVisible: (Sample & { rowsRebuilt: number })[] = [];
    const references: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      references.push(await bench('reference'));
      jumps.push(await bench('scrollJump'));
      renders.push(await bench('firstRender'));
      adds.push(await bench('addSegment', false));
      addsVisible.push(await bench('addSegment', true));
    }
    // More update samples on one element, as during a coding session.
    for (let i = 0; i < RUNS; i++) {
      adds.push(await bench('addSegment', false));
      addsVisible.push(await bench('addSegment', true));
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);

    const dist = (xs: number[]): Distribution => distribution(xs);
    const figures = {
      firstRenderCold: { updateMs: cold.updateMs, paintedMs: cold.paintedMs, completeMs: cold.completeMs },
      firstRender: { update: dist(renders.map((r) => r.updateMs)), painted: dist(renders.map((r) => r.paintedMs)), complete: dist(renders.map((r) => r.completeMs)) },
      scrollToMiddle: { painted: dist(jumps.map((r) => r.paintedMs)) },
      addSegment: { update: dist(adds.map((r) => r.updateMs)), painted: dist(adds.map((r) => r.paintedMs)), rowsRebuilt: dist(adds.map((r) => r.rowsRebuilt)) },
      addSegmentOnScreen: { update: dist(addsVisible.map((r) => r.updateMs)), painted: dist(addsVisible.map((r) => r.paintedMs)), rowsRebuilt: dist(addsVisible.map((r) => r.rowsRebuilt)) },
      reference: { update: dist(references.map((r) => r.updateMs)), painted: dist(references.map((r) => r.paintedMs)) },
    };
    const ratio = figures.firstRender.painted.p50 / figures.reference.painted.p50;
    const rendered = renders[renders.length - 1]!;

    console.log(`sb-document-view: ${corpus['chars']} characters (${corpus['bytes']} bytes UTF-8), ${corpus['turns']} turns, ${corpus['paragraphs']} paragraphs, ${corpus['segments']} segments, ${corpus['codes']} codes`);
    console.log(
      `rows ${rendered.rows}; at first paint ${rendered.visible.highlights} highlight runs and ${rendered.visible.stripes} stripes (the rows near the viewport), all built: ${rendered.highlights} highlight runs, ${rendered.stripes} stripes; Chromium ${browser.version()}`,
    );
    console.log('');
    console.log('figure (ms, painted = updateComplete + 2 frames)     p50      p95   update p50   budget');
    console.log(`first render, cold (1 sample)                   ${ms(cold.paintedMs)}        –     ${ms(cold.updateMs)}   ${BUDGET_RENDER_MS}`);
    console.log(`first render (${RUNS} runs)                        ${ms(figures.firstRender.painted.p50)} ${ms(figures.firstRender.painted.p95)}     ${ms(figures.firstRender.update.p50)}   ${BUDGET_RENDER_MS}`);
    console.log(`all rows built (idle time, ${RUNS} runs)            ${ms(figures.firstRender.complete.p50)} ${ms(figures.firstRender.complete.p95)}            –`);
    console.log(`scroll to the middle until highlights show      ${ms(figures.scrollToMiddle.painted.p50)} ${ms(figures.scrollToMiddle.painted.p95)}            –`);
    console.log(`add one segment anywhere (${adds.length} runs)           ${ms(figures.addSegment.painted.p50)} ${ms(figures.addSegment.painted.p95)}     ${ms(figures.addSegment.update.p50)}   ${BUDGET_UPDATE_MS}`);
    console.log(`add one segment on screen (${addsVisible.length} runs)          ${ms(figures.addSegmentOnScreen.painted.p50)} ${ms(figures.addSegmentOnScreen.painted.p95)}     ${ms(figures.addSegmentOnScreen.update.p50)}   ${BUDGET_UPDATE_MS}`);
    console.log(`reference: plain <pre> textContent (${RUNS} runs)  ${ms(figures.reference.painted.p50)} ${ms(figures.reference.painted.p95)}     ${ms(figures.reference.update.p50)}`);
    console.log(`ratio first render / reference (p50)            ${ratio.toFixed(2).padStart(8)}`);
    const rebuilt = [...adds, ...addsVisible].map((r) => r.rowsRebuilt);
    console.log(`rows rebuilt per added segment: p50 ${distribution(rebuilt).p50}, max ${Math.max(...rebuilt)}`);
    const pass =
      cold.paintedMs <= BUDGET_RENDER_MS &&
      figures.firstRender.painted.p95 <= BUDGET_RENDER_MS &&
      figures.addSegment.painted.p95 <= BUDGET_UPDATE_MS &&
      figures.addSegmentOnScreen.painted.p95 <= BUDGET_UPDATE_MS;
    console.log(pass ? 'within budget' : 'OVER BUDGET');

    const out = join(here, 'out');
    await mkdir(out, { recursive: true });
    const result = {
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryBytes: totalmem(), node: process.version, chromium: browser.version(), date: new Date().toISOString() },
      parameters: { runs: RUNS, chars: CHARS, segments: SEGMENTS, viewport: '1280x900', measure: 'performance.now from property assignment to updateComplete (update) and two requestAnimationFrames later (painted)' },
      corpus,
      rendered: { rows: rendered.rows, atFirstPaint: rendered.visible, allBuilt: { highlightRuns: rendered.highlights, stripes: rendered.stripes } },
      budgets: { firstRenderMs: BUDGET_RENDER_MS, addSegmentMs: BUDGET_UPDATE_MS, pass },
      figures,
      ratio: { firstRenderToReferenceP50: ratio },
    };
    await writeFile(join(out, 'document-view.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written: bench/out/document-view.json`);
  } finally {
    await browser.close();
    server?.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
