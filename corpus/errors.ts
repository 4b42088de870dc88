// One typed error for everything the corpus code rejects, so callers can switch on `code`.

export type CorpusErrorCode =
  | 'CORPUS_BAD_OPTION'
  | 'CORPUS_NO_COVERS'
  | 'CORPUS_PAYLOAD_TOO_LARGE'
  | 'CORPUS_BAD_IMAGE';

export class CorpusError extends Error {
  readonly code: CorpusErrorCode;

  constructor(code: CorpusErrorCode, message: string) {
    super(message);
    this.name = 'CorpusError';
    this.code = code;
  }
}
