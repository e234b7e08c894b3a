import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './station.ts';

// axe-core (WCAG 2.2 AA rules and best practice) in a console page, and where the tests leave their screenshots.
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const SHOTS = join(ROOT, 'docs/screenshots');

/** The serious and critical violations on the page as it is now (the page's context needs bypassCSP to take the script). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }));
  return result.violations
    .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: any) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')).join('; ')}`);
}
