/** One loaded-host size: engine load and builds tree. */
export interface Size {
  /** Running containers (N). */
  containers: number;
  /** Image tags (M), two per distinct image. */
  images: number;
  projects: number;
  filesPerCopy: number;
}

export type Dimension = 'container' | 'image' | 'project' | 'file';

/** Two sizes that differ in one dimension only: their difference is that dimension's marginal cost. */
export interface Span {
  dimension: Dimension;
  from: number;
  to: number;
}

export interface Matrix {
  name: 'full' | 'quick';
  /** Measured runs per size (after one warm-up run). */
  runs: number;
  /** Scan cycles for the agent soak. */
  soakScans: number;
  sizes: Size[];
  /** Index of the issue's target size (50 containers, 1,000 images, 20,000 projects). */
  target: number;
  /** Index of the same load with 200 containers. */
  targetManyContainers: number;
  /** Spans in order of growth; two consecutive spans of one dimension test linearity. */
  spans: Span[];
}

/**
 * Built so the engine only changes between consecutive sizes in one direction at a time,
 * and every dimension has two consecutive spans at a fixed base (to see whether the marginal cost grows).
 */
function matrixOf(name: Matrix['name'], runs: number, soakScans: number, n: [number, number, number], m: [number, number, number], p: [number, number, number], f: number): Matrix {
  const sizes: Size[] = [
    { containers: n[0], images: m[0], projects: p[0], filesPerCopy: 1 }, // 0
    { containers: n[0], images: m[0], projects: p[0], filesPerCopy: f }, // 1
    { containers: n[1], images: m[0], projects: p[0], filesPerCopy: 1 }, // 2
    { containers: n[2], images: m[0], projects: p[0], filesPerCopy: 1 }, // 3
    { containers: n[2], images: m[1], projects: p[0], filesPerCopy: 1 }, // 4
    { containers: n[2], images: m[2], projects: p[0], filesPerCopy: 1 }, // 5
    { containers: n[2], images: m[2], projects: p[1], filesPerCopy: 1 }, // 6
    { containers: n[2], images: m[2], projects: p[2], filesPerCopy: 1 }, // 7
    { containers: n[1], images: m[2], projects: p[2], filesPerCopy: 1 }, // 8
  ];
  return {
    name,
    runs,
    soakScans,
    sizes,
    target: 8,
    targetManyContainers: 7,
    spans: [
      { dimension: 'file', from: 0, to: 1 },
      { dimension: 'container', from: 0, to: 2 },
      { dimension: 'container', from: 2, to: 3 },
      { dimension: 'image', from: 3, to: 4 },
      { dimension: 'image', from: 4, to: 5 },
      { dimension: 'project', from: 5, to: 6 },
      { dimension: 'project', from: 6, to: 7 },
      { dimension: 'container', from: 8, to: 7 },
    ],
  };
}

/** The issue's sizes (N 10/50/200, M 100/1,000, P 1,000/20,000) plus a middle point for M and P. */
export const FULL_MATRIX = matrixOf('full', 5, 100, [10, 50, 200], [100, 400, 1000], [1000, 5000, 20_000], 200);

/** A smoke-sized matrix: same shape, a fraction of the load, three runs. */
export const QUICK_MATRIX = matrixOf('quick', 3, 10, [3, 10, 30], [20, 50, 200], [200, 500, 2000], 50);

export function sizeLabel(size: Size): string {
  return `N${size.containers} M${size.images} P${size.projects}${size.filesPerCopy > 1 ? ` F${size.filesPerCopy}` : ''}`;
}

/** How many units of the span's dimension one size has. */
export function units(size: Size, dimension: Dimension): number {
  switch (dimension) {
    case 'container':
      return size.containers;
    case 'image':
      return size.images;
    case 'project':
      return size.projects;
    case 'file':
      return size.filesPerCopy;
  }
}
