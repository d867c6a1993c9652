import { describe, expect, it } from 'vitest';
import { KERNEL_PROFILES } from '../../machines/profile.ts';
import { profileColours } from '../../src/diagram/colours.ts';
import { renderDiagrams } from '../../src/diagram/diagram_set.ts';
import { renderReviewPage } from '../../src/diagram/review_page.ts';
import { machineGraph } from '../../src/spec_tools/machine_graph.ts';
import { describeDiff, diffProfiles } from '../../src/spec_tools/profile_diff.ts';
import { MACHINE_REGISTRY } from '../../src/spec_tools/registry.ts';
import { SLOTS_ENTRY } from './slots_machine.ts';

/** The HTML between `<section … id="id">` and its `</section>`. */
function section(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  if (start < 0) return '';
  return page.slice(start, page.indexOf('</section>', start));
}

/** Every URL-valued attribute and CSS `url()`/`@import` of the page. */
function references(page: string): string[] {
  return [
    ...[...page.matchAll(/\b(?:src|href|xlink:href|action|poster|data)\s*=\s*"([^"]*)"/g)].map(
      (m) => m[1] ?? '',
    ),
    ...[...page.matchAll(/url\(\s*['"]?([^'")]*)/g)].map((m) => m[1] ?? ''),
    ...[...page.matchAll(/@import\s+['"]?([^'";\s]*)/g)].map((m) => m[1] ?? ''),
  ];
}

describe('the HTML review page', async () => {
  const outputs = await renderDiagrams({
    machines: MACHINE_REGISTRY,
    profiles: KERNEL_PROFILES,
    formats: ['html'],
  });
  const page = outputs.find((o) => o.file === 'index.html')?.content ?? '';

  it('is one page, and self-contained: no scripts, no external resources, only in-page links', () => {
    expect(outputs.map((o) => o.file)).toEqual(['index.html']);
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/<(script|link|iframe|object|embed|img|base)\b/i);
    expect(page).not.toMatch(/\son[a-z]+\s*=/i);
    expect(references(page).filter((r) => !r.startsWith('#'))).toEqual([]);
    expect(page.replace(/xmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toMatch(/https?:\/\//);
  });

  it('has a legend drawn like the diagrams, with the profile colours and the edge notation', () => {
    const legend = section(page, 'legend');
    expect(legend).toContain('<svg');
    for (const p of KERNEL_PROFILES) {
      expect(legend).toContain(`state only in ${p}`);
      expect(legend).toContain(profileColours(p).stroke);
    }
    expect(legend).toContain('/ ERRNO');
    expect(legend).toContain('/ = value');
  });

  for (const entry of MACHINE_REGISTRY) {
    it(`shows ${entry.id} for every profile and lists and colours its profile differences`, () => {
      const html = section(page, `m-${entry.id}`);
      expect(page).toContain(`<a href="#m-${entry.id}">`);
      for (const p of KERNEL_PROFILES) {
        const figure = html.slice(html.indexOf(`data-profile="${p}"`));
        expect(figure, p).toMatch(/^data-profile="[^"]+"><figcaption>[^<]+<\/figcaption><svg/);
      }
      const [first, second] = KERNEL_PROFILES;
      const diff = describeDiff(
        diffProfiles(machineGraph(entry.create(first)), machineGraph(entry.create(second))),
        first,
        second,
      );
      if (diff.length === 0) {
        expect(html).toContain('The profiles do not differ.');
        return;
      }
      expect(html).toContain(`${diff.length} profile differences`);
      for (const line of diff) {
        const profile = line.startsWith('-') ? first : second;
        const escaped = line
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;');
        expect(html, line).toContain(`<li class="p-${profile.replace('.', '_')}">${escaped}</li>`);
      }
      for (const p of KERNEL_PROFILES) {
        if (!diff.some((l) => l.startsWith(p === first ? '-' : '+'))) continue;
        const start = html.indexOf(`data-profile="${p}"`);
        const figure = html.slice(start, html.indexOf('</figure>', start));
        const colour = profileColours(p).stroke;
        // The caption names the colour once; every part only this profile has adds more.
        expect(figure.split(colour).length - 1, `${p} parts in ${colour}`).toBeGreaterThan(1);
      }
    });
  }

  it('escapes machine titles and descriptions', async () => {
    const [fixture] = await renderDiagrams({
      machines: [SLOTS_ENTRY],
      profiles: ['v6.1'],
      formats: ['html'],
    });
    expect(fixture?.content).toContain('Slots &lt;fixture&gt; &amp; &quot;friends&quot;');
    expect(renderReviewPage([], '<svg></svg>')).not.toContain('<section class="machine"');
  });
});
