import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dashboard lives in web/; the Fastify server serves web/dist and the API under /api on one origin.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // exceljs (~930 kB) is its own chunk, loaded on the first Excel export only (export.tsx); echarts after login.
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      output: {
        // Libraries in their own chunks: cached across app releases; echarts (with zrender) loads after login.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'zrender', test: /node_modules[\\/]zrender[\\/]/ },
            { name: 'echarts', test: /node_modules[\\/](echarts|tslib|topojson-client)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
