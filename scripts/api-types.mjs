// Reads an OpenAPI document on stdin and prints its TypeScript types (openapi-typescript), as admin-ui/src/api-types.ts
// holds them. Run by test/e2e/api-types.e2e-spec.ts (npm run gen:api-types writes the file).
import openapiTS, { astToString } from 'openapi-typescript';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
process.stdout.write(
  '// Generated from /openapi.json by `npm run gen:api-types` (openapi-typescript). Do not edit.\n\n' +
    astToString(await openapiTS(document)),
);
