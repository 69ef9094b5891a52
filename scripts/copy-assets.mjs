// Copies the non-TypeScript files the compiled gateway reads at run time (the tour documents) into dist/.
import { cpSync } from 'node:fs';

cpSync('src', 'dist', { recursive: true, filter: (source) => !/\.tsx?$/.test(source) });
