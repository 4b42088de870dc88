// The pure-logic folders under mutation testing, each with the unit tests that guard it. A run
// covers one folder at a time (STRYKER_FOLDER), so a mutant only ever starts that folder's tests.
// Fast, exact test files come first: the tap runner stops at the first file that kills a mutant.
// `fast`: a subset without the slow files, used with STRYKER_FAST=1 (a lower bound of the score).
const unit = (...names) => names.map((n) => `test/unit/${n}.test.ts`);

export const FOLDERS = {
  rootcause: { mutate: ['collector/rootcause/adtributor.ts'], tests: unit('rootcause-adtributor') },
  forecast: {
    mutate: ['collector/forecast/{fit,holt-winters,time-to-threshold}.ts'],
    tests: unit('forecast-exact', 'forecast-checks-exact', 'forecast-holt-winters'),
    // Without the statistical checks (coverage over hundreds of forecasts, ten seeds).
    fast: unit('forecast-exact', 'forecast-checks-exact'),
  },
  drift: { mutate: ['collector/drift/{buckets,distribution,drift-monitor,jensen-shannon,psi}.ts'], tests: unit('drift-monitor') },
  validate: {
    mutate: ['validate/{baseline,compare,format,metrics,regression,report-md,summary-points,targets,text-summary}.ts'],
    tests: unit('validate-exact', 'validate-text-exact', 'validate-metrics', 'validate-regression', 'validate-report'),
  },
  windows: { mutate: ['collector/windows/{accumulator,latency-sketch,state,window-result}.ts'], tests: unit('windows-exact', 'collector-accumulator', 'collector-engine') },
  alerts: { mutate: ['collector/alerts/{rules,state-machine,notification,redact}.ts'], tests: unit('alerts-exact', 'alerts-rules', 'alerts-state-machine', 'alerts-notifiers') },
  detect: {
    // The whole folder, the default (adaptive) detector and its parts included.
    mutate: ['collector/detect/*.ts'],
    tests: unit('detect-mutation-exact', 'detect-adaptive-exact', 'detect-adaptive-exact2', 'detect-adaptive-exact3', 'detect-mutation-exact2', 'detect-factory-exact', 'detect-seasonal-exact', 'detect-adaptive', 'detect-binomial', 'detect-ewma-cusum', 'detect-factory', 'detect-robust-z', 'detect-seasonal', 'detect-cli', 'detect-rest-break'),
    fast: unit('detect-mutation-exact', 'detect-mutation-exact2', 'detect-adaptive-exact', 'detect-adaptive-exact2', 'detect-adaptive-exact3', 'detect-factory-exact', 'detect-seasonal-exact'),
  },
  schemas: {
    mutate: ['schemas/{event-columns,event-fields,fast-check,field-code,heartbeat,inference-event,live,measurements,subjects,validate,validation-summary}.ts'],
    tests: unit('schemas-exact', 'schemas-event-columns', 'schemas-fast-check', 'schemas-validate', 'schemas-validate-exact', 'schemas-fast-check-exact', 'event-extraction-override', 'collector-decode', 'collector-common-columns', 'collector-common-event', 'collector-validation-decode', 'agent-events'),
  },
  streams: {
    mutate: ['v4/streams/*.ts'],
    tests: unit('v4-streams-exact', 'v4-preprocess-pieces', 'v4-parity', 'v4-path'),
    // Without the model and the parity images: a lower bound of the score in a fraction of the time.
    fast: unit('v4-streams-exact', 'v4-preprocess-pieces'),
  },
};
