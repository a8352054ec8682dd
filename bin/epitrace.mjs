#!/usr/bin/env node
// Entry point: runs the TypeScript CLI through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

process.env.TZ = 'UTC';
register();
await import('../src/cli/main.ts');
