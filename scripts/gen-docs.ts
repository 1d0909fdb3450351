/** `npm run docs`: regenerates docs/protocol.schema.json from the protocol's descriptors. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchema } from './protocolSchema';

writeFileSync(join(__dirname, '..', 'docs', 'protocol.schema.json'), renderSchema());
console.log('wrote docs/protocol.schema.json');
