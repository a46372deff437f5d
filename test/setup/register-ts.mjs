// `node --import ./test/setup/register-ts.mjs some-script.ts`: see ts-hooks.mjs.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
