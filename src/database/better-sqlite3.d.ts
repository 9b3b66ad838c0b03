// better-sqlite3 ships no types and @types/better-sqlite3 is not a dependency: the little the backup
// uses, declared here.
declare module 'better-sqlite3' {
  interface Statement {
    run(...params: unknown[]): unknown;
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
    pluck(toggle?: boolean): this;
  }
  interface Options {
    readonly?: boolean;
    fileMustExist?: boolean;
    timeout?: number;
  }
  class Database {
    constructor(filename: string, options?: Options);
    prepare(sql: string): Statement;
    close(): this;
  }
  export = Database;
}
