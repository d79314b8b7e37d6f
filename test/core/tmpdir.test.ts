import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('test hygiene', () => {
  it('puts temp dirs under the run directory the global setup removes', () => {
    expect(path.basename(os.tmpdir())).toMatch(/^rw-tests-/);
  });
});
