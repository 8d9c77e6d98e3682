// Lets ts-jest apply the Nest Swagger plugin exactly as `nest build` does (nest-cli.json), so /openapi.json matches.
const plugin = require('@nestjs/swagger/plugin');
const options = { introspectComments: true, classValidatorShim: true, dtoFileNameSuffix: ['.dto.ts'] };
module.exports = {
  name: 'nestjs-swagger-transformer',
  version: 1,
  factory: (compiler) => plugin.before(options, compiler.program),
};
