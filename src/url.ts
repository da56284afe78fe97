/** An absolute URL ending in `/` for a server or asset base given as absolute or page-relative; throws TypeError when invalid. */
export function baseUrl(base: string | URL): string {
  const here = typeof document !== 'undefined' ? document.baseURI : self.location.href;
  const href = new URL(base, here).href;
  return href.endsWith('/') ? href : `${href}/`;
}
