import Database from 'better-sqlite3';

/**
 * Opens a SQLite file with the settings every Hotline database needs: WAL
 * with synchronous=FULL (a commit is on disk when it returns), foreign keys,
 * and a busy timeout so operator commands can write beside a running service.
 */
export function openDatabase(path: string, schema: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  return db;
}
