// Worker-thread bootstrap: a worker does not inherit the tsx loader that
// bin/epitrace.mjs registers through its API (vitest does not give it one either),
// so it registers tsx itself and then loads the TypeScript entry named in argv.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
