// A setting that cannot work, found at start: its own file, so parts that check their settings
// (the analysis stage) need not import the collector's whole config, which imports their defaults.
export class ConfigError extends Error {
  readonly code = 'bad_config';
}
