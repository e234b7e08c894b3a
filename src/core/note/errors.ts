/** Any malformed, unverifiable or unsupported signed-note artefact. */
export class NoteError extends Error {
  override name = 'NoteError';
}
