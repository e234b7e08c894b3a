// Types for scripts/postgres.mjs (plain JavaScript, so that scripts/test.mjs runs without a loader).
export interface PostgresServer {
  url: string;
  source: 'env' | 'local' | 'private';
  /** Stops and removes a private cluster; does nothing for the others. */
  stop(): void;
}
export function answers(url: string): Promise<boolean>;
export function startPrivateCluster(log?: (line: string) => void): Promise<{ url: string; dir: string; stop(): void }>;
export function resolvePostgres(options?: { log?: (line: string) => void }): Promise<PostgresServer>;
