/**
 * When extension.js began to run. extension.ts imports this first, so the bundle evaluates it before
 * any other module: activation time then counts loading the bundle's modules as well as `activate()`
 * (VS Code's own "Show Running Extensions" adds the file's parse time).
 */
export const loadStartedAt = performance.now();
