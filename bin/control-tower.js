#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so the published bin needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/main.ts');
