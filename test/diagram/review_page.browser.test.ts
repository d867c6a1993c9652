import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { KERNEL_PROFILES } from '../../machines/profile.ts';
import { stateId, svgIdPrefix } from '../../src/diagram/diagram_ids.ts';
import { DOCS_DIAGRAMS } from '../../src/diagram/docs_diagrams.ts';
import { graphStates, machineGraph } from '../../src/spec_tools/machine_graph.ts';
import { MACHINE_REGISTRY } from '../../src/spec_tools/registry.ts';
import { decodePng, distinctColours } from './png.ts';

/** Debian's chromium package (CI's `.ci/run` installs it). */
const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SKIPPED = `skipped: ${CHROMIUM} is missing; install Debian chromium (apt-get install chromium) to run`;
const PAGE = fileURLToPath(new URL(`../../${DOCS_DIAGRAMS.dir}/index.html`, import.meta.url));

describe(`${DOCS_DIAGRAMS.dir}/index.html in headless Chromium`, () => {
  it(`every machine section shows each profile's SVG with its states, the legend is painted, no console errors${HAS_CHROMIUM ? '' : ` (${SKIPPED})`}`, async (ctx) => {
    if (!HAS_CHROMIUM) {
      console.warn(`review page browser test ${SKIPPED}`);
      ctx.skip(SKIPPED);
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
      await page.goto(`file://${PAGE}`, { waitUntil: 'load' });

      const sections = await page.locator('section.machine').evaluateAll((els) => els.map((e) => e.id));
      expect(sections).toEqual(MACHINE_REGISTRY.map((m) => `m-${m.id}`));
      for (const entry of MACHINE_REGISTRY) {
        for (const profile of KERNEL_PROFILES) {
          const where = `${entry.id} ${profile}`;
          const svg = page.locator(`section#m-${entry.id} figure[data-profile="${profile}"] > svg`);
          expect(await svg.count(), where).toBe(1);
          const box = await svg.boundingBox();
          expect(box?.width ?? 0, where).toBeGreaterThan(0);
          expect(box?.height ?? 0, where).toBeGreaterThan(0);
          const ids = new Set(await svg.locator('[id]').evaluateAll((els) => els.map((e) => e.id)));
          const missing = graphStates(machineGraph(entry.create(profile)))
            .filter((s) => s.path !== '')
            .map((s) => `${svgIdPrefix(entry.id, profile)}${stateId(s.path)}`)
            .filter((id) => !ids.has(id));
          expect(missing, where).toEqual([]);
        }
      }

      const legend = page.locator('#legend svg');
      expect(await legend.count()).toBe(1);
      const painted = decodePng(await legend.screenshot());
      expect(painted.width).toBeGreaterThan(200);
      expect(distinctColours(painted)).toBeGreaterThan(20);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
