import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { workspaceRoot } from './server';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless; scripts/browser.sh installs it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/browser.sh (apt-get install -y chromium).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Screenshots are test artifacts under tmp/screenshots (git-ignored). */
export const screenshotDir = resolve(workspaceRoot, 'tmp/screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: resolve(screenshotDir, `${name}.png`), fullPage: true });
}

/** A promoted pin's image, served by the test in place of an advertiser's image host. */
export const PIN_IMAGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900" viewBox="0 0 600 900">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f4c7a1"/><stop offset="1" stop-color="#b0151f"/></linearGradient></defs>
  <rect width="600" height="900" fill="url(#g)"/>
  <circle cx="300" cy="360" r="150" fill="#fff8f0" opacity="0.9"/>
  <text x="300" y="380" font-family="sans-serif" font-size="56" text-anchor="middle" fill="#b0151f">Ceramics</text>
  <text x="300" y="700" font-family="sans-serif" font-size="40" text-anchor="middle" fill="#fff">Handmade mugs</text>
</svg>`;
