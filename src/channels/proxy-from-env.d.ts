// proxy-from-env (the package axios reads its proxy with) ships no types: the one function we call.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from *_PROXY / ALL_PROXY minus NO_PROXY in process.env, or ''. */
  export function getProxyForUrl(url: string): string;
}
