import fs from 'node:fs';
import path from 'node:path';

/**
 * A private copy of the build, so a rebuild of dist/ while the bench runs (others work in the same
 * tree) cannot change the code between two sizes. node_modules is linked, not copied.
 */
export function snapshotBuild(repoRoot: string, into: string): string {
  const app = path.join(into, 'app');
  fs.mkdirSync(app, { recursive: true });
  fs.cpSync(path.join(repoRoot, 'dist'), path.join(app, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.map') });
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(app, 'package.json'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(app, 'node_modules'));
  return app;
}
