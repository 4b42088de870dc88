// The pure-logic folders under mutation testing, each with the unit tests that guard it. A run
// covers one folder at a time (STRYKER_FOLDER), so a mutant only ever starts that folder's tests.
const unit = (...names) => names.map((n) => `test/unit/${n}.test.ts`);

export const FOLDERS = {
  rootcause: { mutate: ['collector/rootcause/adtributor.ts'], tests: unit('rootcause-adtributor') },
  forecast: { mutate: ['collector/forecast/{fit,holt-winters,time-to-threshold}.ts'], tests: unit('forecast-holt-winters') },
  drift: { mutate: ['collector/drift/{buckets,distribution,drift-monitor,jensen-shannon,psi}.ts'], tests: unit('drift-monitor') },
  validate: {
    mutate: ['validate/{baseline,compare,format,metrics,regression,report-md,summary-points,targets,text-summary}.ts'],
    tests: unit('validate-metrics', 'validate-regression', 'validate-report'),
  },
  windows: { mutate: ['collector/windows/{accumulator,latency-sketch,state,window-result}.ts'], tests: unit('collector-accumulator', 'collector-engine') },
  alerts: { mutate: ['collector/alerts/{rules,state-machine,notification,redact}.ts'], tests: unit('alerts-rules', 'alerts-state-machine', 'alerts-notifiers') },
  detect: {
    mutate: ['collector/detect/{composite,ewma-cusum,factory,robust-z,rolling-window,seasonal-profile,series-csv}.ts'],
    tests: unit('detect-ewma-cusum', 'detect-factory', 'detect-robust-z', 'detect-seasonal', 'detect-cli'),
  },
  schemas: {
    mutate: ['schemas/{event-columns,event-fields,fast-check,field-code,heartbeat,inference-event,live,measurements,subjects,validate,validation-summary}.ts'],
    tests: unit('schemas-event-columns', 'schemas-fast-check', 'event-extraction-override', 'collector-decode', 'collector-common-columns', 'collector-common-event', 'collector-validation-decode', 'agent-events'),
  },
  streams: { mutate: ['v4/streams/*.ts'], tests: unit('v4-preprocess-pieces', 'v4-path', 'v4-parity') },
};
