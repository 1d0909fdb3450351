/** The daemon's version, from package.json (esbuild inlines only this field). */
import { version } from '../package.json';

export const DAEMON_VERSION: string = version;
