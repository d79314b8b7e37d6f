/** Image allowlist patterns (doublestar globs) that let any image through. */
const CATCH_ALL = new Set(['*', '**', '*/*', '**/*', '*:*', '**:*', '*/*:*', '**/*:*', '*/**', '**/**']);

export function allowsAnyImage(patterns: readonly string[]): boolean {
  return patterns.some((pattern) => CATCH_ALL.has(pattern.trim()));
}
