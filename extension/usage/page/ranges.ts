/** The ranges the Usage view offers, in days; shared by the page and its host (no host code here). */
export const RANGES = [7, 30, 90] as const;
export const DEFAULT_DAYS = 30;
