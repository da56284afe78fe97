/** An absolute URL ending in `/` for a server or asset base given as absolute or page-relative; throws TypeError when invalid. */
export function baseUrl(base: string | URL): string {
  const here = typeof document !== 'undefined' ? document.baseURI : self.location.href;
  const href = new URL(base, here).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * The results server's base URL (absolute, ending in `/`) from an `endpoint` option: an absolute
 * `http:`/`https:` URL, or a path on the exam page's own origin that says so by starting with `/`,
 * `./` or `../`. Anything else — `127.0.0.1:4600` or `results.example.org` without a scheme, `not a
 * url` — would otherwise resolve against the exam page and send evidence to the LMS's own host, so it
 * throws a TypeError naming the forms that are accepted.
 */
export function endpointUrl(endpoint: string | URL): string {
  const text = String(endpoint).trim();
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^:/]+:\d/.test(text);
  if (!absolute && !/^(\/|\.\/|\.\.\/)/.test(text))
    throw new TypeError(
      `endpoint must be the results server's absolute URL (https://results.example.org/) or a path on this page's origin starting with "/"; got "${text}".`,
    );
  const href = baseUrl(text);
  const { protocol } = new URL(href);
  if (protocol !== 'https:' && protocol !== 'http:')
    throw new TypeError(`endpoint must be an http: or https: URL; got "${text}".`);
  return href;
}
