import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// src/ under ts-jest, dist/src/ when built: the manifest is one or two levels up.
const manifest = [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')].find(existsSync);
export const VERSION: string = manifest ? JSON.parse(readFileSync(manifest, 'utf8')).version : '0.0.0';
