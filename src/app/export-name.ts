import { createHash } from 'node:crypto';

/**
 * The production file name of (policy, version): a readable slug plus a hash of the exact name, so
 * names that slug alike (`支持` and `助手`, `a b` / `a/b` / `a_b`, names equal for 80 characters)
 * never share a file. Same policy and version, same name: a redeploy rewrites its own file only.
 */
export function exportFileName(policyName: string, version: number, extension: string): string {
  const slug =
    policyName
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 60) || 'policy';
  const hash = createHash('sha256').update(policyName, 'utf8').digest('hex').slice(0, 12);
  return `${slug}-${hash}-v${version}.${extension}`;
}
