/**
 * TLS material for the tests that start the server with TLS_CERT_FILE / TLS_KEY_FILE (production,
 * startup): made here with openssl (part of Debian's base system), never downloaded or checked in.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Writes a self-signed P-256 certificate for 127.0.0.1 (CN and subjectAltName IP, valid 2 days) and
 * its unencrypted private key into `dir`, as PEM; answers their paths.
 */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
