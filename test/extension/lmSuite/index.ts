/**
 * The language-model suite: Switchboard's models in VS Code's model picker (VS Code 1.104+), used by
 * another extension (test/e2e/fixtures/lm-consumer) through `vscode.lm`. Same runner contract as the
 * main suite (../suite/index.ts); run by `npm run test:e2e:lm` in code-server 4.104.
 */
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, slow: 5_000 });
  mocha.suite.emit('pre-require', globalThis, 'switchboard-lm', mocha);
  require('../suite/setup');
  require('./lm.exthost');
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) =>
        failures > 0 ? reject(new Error(`${failures} Switchboard language-model test(s) failed.`)) : resolve(),
      );
    } catch (error) {
      reject(error);
    }
  });
}
