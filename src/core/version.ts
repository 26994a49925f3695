import { version } from '../../package.json';

/** Written into every report, so numbers can be traced to the code that produced them. */
export const QUANTLENS_VERSION: string = version;
