import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

// The SARIF 2.1.0 schema as published (rtm.5, JSON Schema draft-04). One of its patterns is not
// valid in Unicode mode, so regular expressions are compiled without the u flag.
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validator = ajv.compile(schema);

/** Schema errors of a SARIF document (empty when valid). */
export function sarifErrors(document: unknown): string[] {
  return validator(document) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
