// The one place that decides which detectors watch which series. The collector calls it per
// (series kind, key) and the `starwatch detect` CLI calls it with the same names, so an
// offline run over a CSV reproduces exactly what the live collector flags.
import { AdaptiveDetector, type AdaptiveOptions } from './adaptive.ts';
import { CompositeDetector } from './composite.ts';
import { EwmaCusumDetector, type EwmaCusumOptions } from './ewma-cusum.ts';
import { RobustZDetector, type RobustZOptions } from './robust-z.ts';
import { DAY_MS, SeasonalProfileDetector, WEEK_MS, type SeasonalProfileOptions } from './seasonal-profile.ts';
import type { Detector, Direction } from './types.ts';

export const SERIES_KINDS = [
  'latency_p95',
  'error_rate',
  'request_rate',
  'stego_rate',
  'fpr',
  'detection_rate',
  'mean_prob',
  'drift_score',
  'generic',
] as const;
export type SeriesKind = (typeof SERIES_KINDS)[number];

export type Season = 'none' | 'daily' | 'weekly';

/** How one kind of series is watched; the numbers are in the series' own units. */
export interface KindProfile {
  direction: Direction;
  /** Smallest change worth a flag when the series is flat (e.g. error rate stuck at 0). */
  minScale: number;
  season: Season;
  /**
   * Windows whose median is the "recent level" forecast: rates measured on a few dozen events
   * jump by sampling noise from one window to the next, so the last window alone is a poor guess.
   */
  levelPoints: number;
}

/**
 * Latency and error-like rates only alarm upwards; detection only downwards. `season` names
 * the rhythm a kind is known to have (traffic: daily); the adaptive detector finds it from the
 * data, so it only matters to `starwatch detect --detector seasonal-profile`.
 */
export const KIND_PROFILES: Record<SeriesKind, KindProfile> = {
  latency_p95: { direction: 'up', minScale: 0.05, season: 'none', levelPoints: 1 },
  error_rate: { direction: 'up', minScale: 0.002, season: 'none', levelPoints: 5 },
  request_rate: { direction: 'both', minScale: 1, season: 'daily', levelPoints: 1 },
  stego_rate: { direction: 'both', minScale: 0.002, season: 'none', levelPoints: 5 },
  fpr: { direction: 'up', minScale: 0.0001, season: 'none', levelPoints: 5 },
  detection_rate: { direction: 'down', minScale: 0.002, season: 'none', levelPoints: 5 },
  mean_prob: { direction: 'both', minScale: 0.002, season: 'none', levelPoints: 5 },
  drift_score: { direction: 'up', minScale: 0.01, season: 'none', levelPoints: 1 },
  generic: { direction: 'both', minScale: 1e-9, season: 'none', levelPoints: 1 },
};

export interface DetectorOverrides {
  season?: Season;
  adaptive?: Partial<AdaptiveOptions>;
  robustZ?: Partial<RobustZOptions>;
  ewmaCusum?: Partial<EwmaCusumOptions>;
  seasonal?: Partial<SeasonalProfileOptions>;
}

export class UnknownDetectorError extends Error {
  readonly code = 'unknown_detector';
  constructor(name: string) {
    super(`unknown detector "${name}"; use a series kind (${SERIES_KINDS.join(', ')}) or a method (${DETECTOR_METHODS.join(', ')})`);
  }
}

/**
 * The detector for one series of this kind: the adaptive detector, with the kind's direction
 * and noise floor (what `starwatch detect` runs by default is kind `generic`). Proportions get
 * their sample size per point from the collector, so binomial noise does not alarm. An explicit
 * `season` override picks the seasonal profile instead.
 */
export function detectorForKind(kind: SeriesKind, overrides: DetectorOverrides = {}): Detector {
  const profile = KIND_PROFILES[kind];
  if (overrides.season === undefined || overrides.season === 'none') return adaptive(profile, overrides);
  return seasonal(profile, overrides.season, overrides);
}

/** A series kind name or a single method name, as the CLI's --detector takes it. */
export function detectorByName(name: string, overrides: DetectorOverrides = {}): Detector {
  if (isSeriesKind(name)) return detectorForKind(name, overrides);
  if (!Object.hasOwn(DETECTORS, name)) throw new UnknownDetectorError(name);
  return DETECTORS[name as DetectorMethod](KIND_PROFILES.generic, overrides);
}

type MakeDetector = (profile: KindProfile, overrides: DetectorOverrides) => Detector;

/** Every single method by name: a new detector is one entry, and the compiler checks each. */
const DETECTORS = {
  adaptive: (p, o) => adaptive(p, o),
  'robust-z': (p, o) => robustZ(p, o),
  'ewma-cusum': (p, o) => ewmaCusum(p, o),
  'seasonal-profile': (p, o) => seasonal(p, o.season === 'weekly' ? 'weekly' : 'daily', o),
  'robust-z+ewma-cusum': (p, o) => new CompositeDetector([robustZ(p, o), ewmaCusum(p, o)]),
} as const satisfies Record<string, MakeDetector>;

type DetectorMethod = keyof typeof DETECTORS;
export const DETECTOR_METHODS = Object.keys(DETECTORS) as DetectorMethod[];

export function isSeriesKind(name: string): name is SeriesKind {
  return (SERIES_KINDS as readonly string[]).includes(name);
}

function adaptive(profile: KindProfile, overrides: DetectorOverrides): Detector {
  return new AdaptiveDetector({ direction: profile.direction, minScale: profile.minScale, levelPoints: profile.levelPoints, ...overrides.adaptive });
}

function robustZ(profile: KindProfile, overrides: DetectorOverrides): Detector {
  return new RobustZDetector({ direction: profile.direction, minScale: profile.minScale, ...overrides.robustZ });
}

function ewmaCusum(profile: KindProfile, overrides: DetectorOverrides): Detector {
  return new EwmaCusumDetector({ direction: profile.direction, minScale: profile.minScale, ...overrides.ewmaCusum });
}

function seasonal(profile: KindProfile, season: 'daily' | 'weekly', overrides: DetectorOverrides): Detector {
  const periodMs = season === 'weekly' ? WEEK_MS : DAY_MS;
  const bins = season === 'weekly' ? 7 * 48 : 96;
  return new SeasonalProfileDetector({
    periodMs,
    bins,
    direction: profile.direction,
    minScale: profile.minScale,
    ...overrides.seasonal,
  });
}
