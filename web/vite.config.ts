import { defineConfig } from 'vite';

// The app is served at the root of `labelchain up`'s web port; hashed files under
// /assets/ are cached forever by that server, index.html never (see deploy/src/web/).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: { fs: { allow: ['..'] } },
});
