import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * Reports the JavaScript a first visit downloads: the entry chunk and every chunk it
 * imports statically (routes load their own chunks later), gzipped. Printed by every
 * production build and written to initial-bundle.json beside index.html.
 */
export function initialBundleReport(): Plugin {
  return {
    name: 'loupe-initial-bundle-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(Object.values(bundle).flatMap((o) => (o.type === 'chunk' ? [[o.fileName, o] as const] : [])));
      const entry = [...chunks.values()].find((c) => c.isEntry);
      if (!entry) return;
      const seen = new Set<string>();
      const visit = (name: string) => {
        if (seen.has(name)) return;
        seen.add(name);
        for (const next of chunks.get(name)?.imports ?? []) visit(next);
      };
      visit(entry.fileName);
      const files = [...seen].map((name) => ({ name, gzip: gzipSync(chunks.get(name)?.code ?? '').length }));
      const css = Object.values(bundle).filter((o) => o.type === 'asset' && o.fileName.endsWith('.css'));
      const cssGzip = css.reduce((sum, o) => sum + gzipSync(o.type === 'asset' ? o.source : '').length, 0);
      const jsGzip = files.reduce((sum, f) => sum + f.gzip, 0);
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      // Printed whatever --logLevel says, so scripts/test.sh's quiet build still reports it.
      process.stdout.write(`web: initial JavaScript ${kb(jsGzip)} gzipped in ${files.length} chunks (+ CSS ${kb(cssGzip)}); target ≤ 350 KB\n`);
      this.emitFile({
        type: 'asset',
        fileName: 'initial-bundle.json',
        source: JSON.stringify({ js_gzip_bytes: jsGzip, css_gzip_bytes: cssGzip, chunks: files }, null, 2),
      });
    },
  };
}
